"""Every error the API sends is JSON `{"error": "one line that says what to do", "field": ...}`.

Input problems are 4xx naming the field (malformed JSON, unknown fields, values out of
range). The job store's faults: 503 with `Retry-After` while it is away, 507 when storage
is full, 500 when a record or picture is damaged; any other fault of the service is a 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import FaultError, InputError, validation_problem
from render.service.errors import ApiError, StoreError
from render.service.wording import plain

log = logging.getLogger(__name__)


def error_response(
    status: int, message: str, field: str | None = None, headers: dict | None = None, extra: dict | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "field": field, **(extra or {})}, status_code=status, headers=headers)


def describe_validation(exc: RequestValidationError) -> tuple[int, str, str | None]:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ())]
    kind = err.get("type", "")
    if kind == "json_invalid":
        reason = (err.get("ctx") or {}).get("error", "")
        return 400, f"the body is not valid JSON ({reason}); send a JSON object", None
    where = loc[0] if loc else ""
    field = ".".join(loc[1:]) or None
    if where == "body" and field is None:
        if kind == "missing":
            return 422, 'the body is missing; send a JSON object like {"text": "Milo at the desk"}', None
        return 422, f"the body must be a JSON object ({err.get('msg')})", None
    if where in ("path", "query", "header"):
        field = loc[-1]
    if kind == "string_pattern_mismatch":
        return 422, f"{field} is empty (only spaces or control characters); give some words", field
    if kind == "extra_forbidden":
        return 422, f"unknown field '{field}'; remove it (see /docs for the fields)", field
    message = validation_problem(exc)[1]
    return 422, message if field and message.startswith(field) else f"{field}: {message}", field


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, message, field = describe_validation(exc)
        return error_response(status, message, field)

    @app.exception_handler(ApiError)
    async def _service(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.field, exc.headers, exc.extra)

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
        return error_response(exc.status, str(exc), None, headers)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return error_response(422, plain(str(exc)), getattr(exc, "field", None))

    @app.exception_handler(FaultError)
    async def _fault(_: Request, exc: FaultError) -> JSONResponse:
        # The operator's fix (a file to copy, a setting) goes to the log; the caller gets it in
        # plain words, without the render box's paths.
        log.warning("%s", exc)
        return error_response(503, plain(str(exc)))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        message = {404: "no such path; see /docs for the API", 405: "method not allowed on this path; see /docs"}
        text = message.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, text, None, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, f"internal error ({type(exc).__name__}); see the service log")
