"""discord.py extensions loaded by `MiloBot.setup_hook`: cartoon (requests) and daily."""
