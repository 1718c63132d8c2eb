"""Where the project's shipped data lives, independent of the working directory."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BOFH_FILE = DATA_DIR / "bofh.txt"
CHARACTERS_DIR = REPO_ROOT / "characters"
