"""The one home for error lines: `first_line` and `validation_problem` (core/errors.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, field_validator

from core.errors import ERROR_LINE_LIMIT, first_line, validation_problem


class _Shirt(BaseModel):
    text: str
    seed: int = 0

    @field_validator("text")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value) > 5:
            raise ValueError("text is too long; use at most 5 characters")
        return value


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (RuntimeError("CUDA out of memory.\nTried to allocate 2 GiB"), "CUDA out of memory."),
        (OSError("\n\n  model not found  \nsee the docs"), "model not found"),
        (ValueError(), "ValueError"),
        (KeyError(""), "''"),
        ("  first\nsecond", "first"),
        ("", ""),
    ],
)
def test_first_line_is_the_first_words_or_the_type(error: BaseException | str, line: str) -> None:
    assert first_line(error) == line


@given(st.text())
def test_first_line_is_always_one_short_line(text: str) -> None:
    line = first_line(RuntimeError(text))
    assert line
    assert "\n" not in line
    assert "\r" not in line
    assert len(line) <= ERROR_LINE_LIMIT


def test_a_long_line_is_cut_with_an_ellipsis() -> None:
    line = first_line("x" * 1000, limit=40)
    assert len(line) == 40
    assert line.endswith("…")


def test_validation_problem_names_the_field_without_pydantics_prefix() -> None:
    with pytest.raises(ValidationError) as caught:
        _Shirt.model_validate({"text": "too long by far"})
    assert validation_problem(caught.value) == ("text", "text is too long; use at most 5 characters")


def test_validation_problem_skips_a_location_prefix_and_has_a_default() -> None:
    with pytest.raises(ValidationError) as caught:
        _Shirt.model_validate({"text": "ok", "seed": "many"})
    field, message = validation_problem(caught.value, skip=1, default="body")
    assert field == "body"
    assert "integer" in message
