"""Bearer-token auth (CARTOON_RENDER_TOKEN) and the rule that guards a public address."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.errors import InputError
from render.service.queue import ServiceError

bearer = HTTPBearer(auto_error=False, description="CARTOON_RENDER_TOKEN")


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


def token_guard(token: str | None):
    """A FastAPI dependency: 401 unless `Authorization: Bearer <token>` matches."""

    def guard(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if not token:
            return
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
            raise ServiceError(
                401,
                "missing or wrong token; send the header Authorization: Bearer <CARTOON_RENDER_TOKEN>",
                "Authorization",
                {"WWW-Authenticate": "Bearer"},
            )

    return guard
