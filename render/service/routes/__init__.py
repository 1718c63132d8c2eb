"""The API's routes, one `APIRouter` module per resource: `scenes` (submit), `listing` (a
user's jobs), `jobs` (status, events, pictures, re-slogan, cancel), `edits` (edit, vary,
reroll: new jobs from a finished one) and `health`. `create_app`
mounts them."""

from __future__ import annotations

from render.service.jobs import ErrorBody

PNG = {200: {"content": {"image/png": {}}, "description": "The PNG"}}


def documented(*codes: int) -> dict[int | str, dict]:
    """OpenAPI `responses` entries for error statuses, each with the error body."""
    return {code: {"model": ErrorBody} for code in codes}
