"""Bearer-token auth (CARTOON_RENDER_TOKEN) for the /v1 routes."""

from __future__ import annotations

import hmac

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from render.service.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="CARTOON_RENDER_TOKEN")


def token_guard(token: str | None):
    """A FastAPI dependency: 401 unless `Authorization: Bearer <token>` matches."""

    def guard(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if not token:
            return
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
            raise ApiError(
                401,
                "missing or wrong token; send the header Authorization: Bearer <CARTOON_RENDER_TOKEN>",
                "Authorization",
                {"WWW-Authenticate": "Bearer"},
            )

    return guard
