"""Fixtures of the training tests: the tiny Kontext model saved once per module, and torch on
one thread (two shared cores: one thread is several times faster than two fighting)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from tests.tiny import save_tiny_kontext


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random FLUX Kontext pipeline, saved as a diffusers folder."""
    return save_tiny_kontext(tmp_path_factory.mktemp("tiny") / "model")
