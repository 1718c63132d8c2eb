"""The two kinds of error every command and service reports in one clear line.

`InputError` is the user's to fix (exit code 2, HTTP 4xx); `FaultError` is the
environment's (a server down, a file missing on the box, CUDA out of memory: exit
code 1, HTTP 5xx). Both carry a message that says what to do.
"""

from __future__ import annotations


class CartoonError(Exception):
    """Base class: `str(error)` is the one line shown to the user."""

    exit_code = 1


class InputError(CartoonError):
    """Bad input from the user: empty text, unknown option, malformed file."""

    exit_code = 2


class FaultError(CartoonError):
    """Something outside the input failed: a server, a model file, the GPU."""

    exit_code = 1
