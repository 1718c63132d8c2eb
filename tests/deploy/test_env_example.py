"""`.env.example` lists every setting in core/settings.py with a comment, loads as a
valid settings file, and core/settings.py defines each setting once (merges of the
areas' blocks must not leave two definitions, the later silently winning)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
COMPOSE_ONLY_HEADER = "# --- compose.yaml only"


def env_names() -> dict[str, set[str]]:
    """Setting → the environment variable names that set it (any one may be listed)."""
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names[name] = {str(c) for c in choices if str(c).isupper()}
        else:
            names[name] = {str(alias) if alias else f"CARTOON_{name.upper()}"}
    return names


def example_variables() -> dict[str, list[str]]:
    """Variable → the comment lines just above it."""
    found: dict[str, list[str]] = {}
    comments: list[str] = []
    for line in EXAMPLE.read_text().splitlines():
        # `# NAME=value` is a commented-out example: listed, and unset by default.
        if m := re.match(r"#? ?([A-Z_][A-Z0-9_]*)=", line):
            found[m[1]] = comments  # variables listed together share the comment above them
        elif line.startswith("#"):
            comments.append(line)
        elif not line.strip():
            comments = []
    return found


def test_every_setting_is_listed_with_a_comment() -> None:
    listed = example_variables()
    missing = sorted(min(env) for env in env_names().values() if not env & set(listed))
    assert not missing, f"add to .env.example: {missing}"
    for variable in set(listed) & set().union(*env_names().values()):
        comments = listed[variable]
        assert any(c.startswith("# ") and not c.startswith("# ---") for c in comments), f"{variable} has no comment"


def test_every_listed_variable_is_a_setting_or_compose_only() -> None:
    text = EXAMPLE.read_text()
    compose_only = set(re.findall(r"^#? ?([A-Z_][A-Z0-9_]*)=", text.split(COMPOSE_ONLY_HEADER, 1)[1], re.M))
    strays = set(example_variables()) - set().union(*env_names().values()) - compose_only
    assert not strays, f"not a setting (typo?): {sorted(strays)}"


def test_the_example_loads_as_settings() -> None:
    settings = Settings(_env_file=EXAMPLE)
    assert settings.daily_channel is None and settings.service_steps is None  # `NAME=` is unset


def test_each_setting_is_defined_once() -> None:
    tree = ast.parse((ROOT / "core" / "settings.py").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    names = [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_each_variable_is_listed_once() -> None:
    names = re.findall(r"^#? ?([A-Z_][A-Z0-9_]*)=", EXAMPLE.read_text(), re.M)
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
