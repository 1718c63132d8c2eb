"""The Markdown guides stay navigable: relative links resolve, the README stays a front door."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IGNORED = {".venv", ".git", "node_modules", ".pytest_cache"}
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
README_LIMIT = 8 * 1024  # bytes


def markdown_files() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*.md") if not IGNORED.intersection(p.relative_to(ROOT).parts)
    )


def anchors(path: Path) -> set[str]:
    """GitHub's heading slugs: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        out.add(slug)
    return out


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [m for m in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", m)]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for link in relative_links(path):
        target, _, fragment = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            broken.append(f"{link}: no file {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            broken.append(f"{link}: no heading '#{fragment}' in {file.name}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_readme_is_a_front_door() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def test_every_command_in_the_readme_table_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `cartoon ([a-z-]+)", readme, flags=re.M))
    named |= set(re.findall(r"· `cartoon ([a-z-]+)", readme))
    help_text = subprocess.run(
        [sys.executable, str(ROOT / "cartoon.py"), "--help"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    listed = set(re.findall(r"^ {4}([a-z-]+) ", help_text, flags=re.M))
    assert named, "no commands found in README.md's table"
    assert named <= listed, f"in README.md but not in `cartoon --help`: {sorted(named - listed)}"
