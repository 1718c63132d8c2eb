"""Which of pyproject.toml's extras a `cartoon` command line needs: what `scripts/cartoon`
installs before running it, so drawing a preview never installs torch.

    python3 scripts/needs.py scene "Milo at the desk" --backend kontext    → gpu
    python3 scripts/needs.py serve                                         → service

Standard library only: it runs before .venv/ exists. The backend comes from `--backend`,
else from CARTOON_DEFAULT_BACKEND (scene, plates: their default is preview) or
CARTOON_SERVICE_BACKEND / CARTOON_DEFAULT_BACKEND (serve), read from the environment or from
the `.env` file in the current folder, as core/settings.py reads them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# command → the extras it always needs (the core dependencies come with every install)
COMMAND_EXTRAS: dict[str, tuple[str, ...]] = {
    "plan": (),
    "scene": (),
    "plates": (),
    "shirt": (),
    "eval": (),
    "doctor": (),
    "caption": (),
    "serve": ("service",),
    "backup": ("service",),
    "bot": ("bot",),
    "prep": ("train",),
    "train": ("gpu", "train"),
}
# backend → the extras it needs on top
BACKEND_EXTRAS: dict[str, tuple[str, ...]] = {
    "preview": (),
    "comfyui": (),
    "openai": (),
    "kontext": ("gpu",),
}
# commands that render, and the settings their backend defaults to, in order
BACKEND_SETTINGS: dict[str, tuple[str, ...]] = {
    "scene": ("CARTOON_DEFAULT_BACKEND",),
    "serve": ("CARTOON_SERVICE_BACKEND", "CARTOON_DEFAULT_BACKEND"),
    "plates": (),  # `cartoon plates` draws with preview unless --backend says otherwise
}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (quotes stripped; comments and other lines skipped)."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return values
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if sep and key and not key.startswith("#"):
            values[key.strip()] = value.split(" #", 1)[0].strip().strip("'\"")
    return values


def command_of(argv: list[str]) -> str | None:
    """The sub-command: the first argument that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def backend_of(argv: list[str], command: str, env: Mapping[str, str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--backend" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--backend="):
            return arg.split("=", 1)[1]
    for name in BACKEND_SETTINGS.get(command, ()):
        if env.get(name):
            return env[name]
    return "preview"


def needs(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """The extras `cartoon ARGV` needs, in pyproject.toml's names, sorted."""
    command = command_of(argv)
    if command is None:
        return []
    extras = set(COMMAND_EXTRAS.get(command, ()))
    if command in BACKEND_SETTINGS:
        extras |= set(BACKEND_EXTRAS.get(backend_of(argv, command, env), ()))
    return sorted(extras)


def main(argv: list[str]) -> int:
    env = {**read_env_file(Path(".env")), **os.environ}
    print(",".join(needs(argv, env)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
