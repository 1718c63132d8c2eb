"""Settings and ids shared by the compositor tests."""

from __future__ import annotations

from core.settings import Settings

# The pose stage skipped (no weights file): the chain's own stages decide, fast.
NO_POSE = Settings(_env_file=None, pose_weights="does/not/exist.pt")
WEARER = "milo"  # who wears the panel in the test plans (the character sheet says so)
