"""The BOFH sayings (`data/bofh.txt`) and the daily prompts, read from their files, and the
choice of a different saying for the New slogan button."""

from __future__ import annotations

import random
from pathlib import Path

from core.errors import FaultError


def load_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a text file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FaultError(f"{path}: file not found; the bot needs it (see CARTOON_DATA_DIR, CARTOON_DAILY_PROMPTS)") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def other_saying(sayings: list[str], current: str | None, *, shorter: bool = False) -> str | None:
    """A saying other than `current`; with `shorter`, one shorter than it (the compositor could
    not fit `current`). None when there is no such saying."""
    pool = [s for s in sayings if s != current]
    if shorter and current:
        pool = [s for s in pool if len(s) < len(current)] or sorted(pool, key=len)[:3]
    return random.choice(pool) if pool else None
