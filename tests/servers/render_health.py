"""A stand-in for the render service's two endpoints the doctor reads (docs/CONTRACTS.md):
`GET /healthz` (no auth) and `GET /v1/jobs/{id}` (bearer token; 404 JSON error for an
unknown job, 401 without the token), for the states a real `cartoon serve` is hard to put
in on cue (backend still loading, backend not ok). tests/deploy/test_doctor_live.py runs
the doctor against the real service as well."""

from __future__ import annotations

from dataclasses import dataclass

from tests.servers.json_http import JsonServer


@dataclass
class RenderState:
    token: str
    backend: str = "preview"
    loaded: bool = True
    ok: bool = True
    error: str | None = None
    queue_depth: int = 0


def render_server(state: RenderState) -> JsonServer:
    def route(method: str, path: str, headers: dict[str, str]) -> tuple:
        if path == "/healthz":
            return 200, {"ok": state.ok, "error": state.error, "backend": state.backend, "loaded": state.loaded,
                         "queue_depth": state.queue_depth, "workers": 1}
        if headers.get("authorization") != f"Bearer {state.token}":
            return 401, {"error": "missing or wrong bearer token; send Authorization: Bearer <CARTOON_RENDER_TOKEN>", "field": None}
        if path.startswith("/v1/jobs/"):
            return 404, {"error": f"no job {path.rsplit('/', 1)[-1]}; check the id", "field": "id"}
        return 404, {"error": "not found", "field": None}

    return JsonServer(route)
