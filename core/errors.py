"""The two kinds of error every command and service reports in one clear line.

`InputError` is the user's to fix (exit code 2, HTTP 4xx); `FaultError` is the
environment's (a server down, a file missing on the box, CUDA out of memory: exit
code 1, HTTP 5xx). Both carry a message that says what to do.
"""

from __future__ import annotations

from typing import Any


class CartoonError(Exception):
    """Base class: `str(error)` is the one line shown to the user."""

    exit_code = 1


class InputError(CartoonError):
    """Bad input from the user: empty text, unknown option, malformed file."""

    exit_code = 2


class FaultError(CartoonError):
    """Something outside the input failed: a server, a model file, the GPU."""

    exit_code = 1


ERROR_LINE_LIMIT = 300
"""The longest one-line error the project shows; the log keeps the whole text."""


def first_line(error: BaseException | str, limit: int = ERROR_LINE_LIMIT) -> str:
    """The first non-empty line of an error's message, at most `limit` characters.

    Libraries raise multi-line messages (tracebacks from servers, diffusers' hints);
    users get the first line. An exception without a message gives its type's name,
    so the line is never empty.
    """
    text = error if isinstance(error, str) else str(error)
    for line in text.splitlines():
        if line := line.strip():
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return "" if isinstance(error, str) else type(error).__name__


def validation_problem(error: Any, *, skip: int = 0, default: str = "input") -> tuple[str, str]:
    """The first problem in a pydantic `ValidationError` as (field, message).

    `skip` drops leading location parts (FastAPI puts "body" or "query" first);
    pydantic's "Value error, " prefix goes, since our validators' messages already
    say what to do.
    """
    problems = error.errors()
    if not problems:
        return default, "not a usable value"
    problem = problems[0]
    field = ".".join(str(part) for part in tuple(problem.get("loc", ()))[skip:]) or default
    message = str(problem.get("msg", "not a usable value")).removeprefix("Value error, ")
    return field, message
