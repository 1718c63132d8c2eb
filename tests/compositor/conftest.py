"""Fixtures shared by the compositor tests (helpers live in ocr.py and art/)."""

from __future__ import annotations

import pytest

from tests.compositor.ocr import read_back


@pytest.fixture
def ocr():
    return read_back
