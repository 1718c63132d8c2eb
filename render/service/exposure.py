"""The rule that guards a public address: no token, no listening beyond this machine.
Standard library only, so `cartoon serve` refuses at once, before the heavy imports."""

from __future__ import annotations

import ipaddress

from core.errors import InputError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token."""
    if not token and not is_loopback(host):
        raise InputError(
            f"refusing to serve on {host} without a token; set CARTOON_RENDER_TOKEN "
            "or listen on --host 127.0.0.1"
        )
