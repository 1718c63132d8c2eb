"""Fixtures shared by the compositor tests (helpers live in ocr.py and art/)."""

from __future__ import annotations

import pytest

from tests.compositor.ocr import reads_back


@pytest.fixture
def ocr():
    """reads_back(image, result, slogan) -> bool: tesseract gets the slogan back."""
    return reads_back
