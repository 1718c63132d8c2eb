"""Shared fixtures: settings pointing at the repo's data, and a planner built once."""

from __future__ import annotations

import pytest

from agent.graph import Planner
from core.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(_env_file=None, llm_url=None)


@pytest.fixture(scope="session")
def planner(settings: Settings) -> Planner:
    return Planner(settings)
