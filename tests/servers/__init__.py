"""Small real HTTP servers on 127.0.0.1 that speak the APIs the project calls."""
