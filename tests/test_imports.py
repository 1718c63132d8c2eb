"""The house's import rules, read from the source: no import circles anywhere in our packages,
and the layering DESIGN.md sets (core below everything; the agent never imports render; the
bot speaks HTTP, so it never imports render, training code or the GPU libraries; the
compositor is a pure function on a picture and a plan). Every import counts, at the top or
inside a function (a lazy import is still a dependency), except under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "bot", "characters", "core", "render")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    found = {"cartoon": ROOT / "cartoon.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module `path` imports: ours resolved (`from pkg import mod` counts as
    `pkg.mod`), others by their top-level name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for stmt in branch.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in known else node.module)
    return found


MODULES = our_modules()
GRAPH = {name: imports_of(path, set(MODULES)) for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path per circle found by a depth-first walk over our own modules."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, set()) & graph.keys()):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_circles() -> None:
    found = cycles(GRAPH)
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def starts_with(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def in_part(module: str, part: str) -> bool:
    if part == "core" and starts_with(module, ("core.doctor",)):
        return False
    return starts_with(module, (part,))


# (modules this rule is about, modules they must never import, why). core.doctor is the
# deployment checker that, like cartoon.py, knows every part (DESIGN.md), so it is not held to
# core's rule; the rest of core is.
LAYERS = [
    ("core", ("agent", "bot", "render", "characters", "cartoon", "core.doctor"), "core sits below every part"),
    ("agent", ("render", "bot"), "the agent plans; it never draws"),
    ("bot", ("render", "characters.train", "characters.train_step", "characters.train_data",
             "torch", "diffusers", "ultralytics", "transformers", "peft"),
     "the bot speaks HTTP to the render service and never loads the GPU stack"),
    ("render.compositor", ("render.backends", "render.service", "render.pipeline", "bot"),
     "the compositor is a pure function on a picture and a plan"),
]


@pytest.mark.parametrize(("part", "forbidden", "why"), LAYERS, ids=[rule[0] for rule in LAYERS])
def test_layering(part: str, forbidden: tuple[str, ...], why: str) -> None:
    broken = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items() if in_part(module, part)
        for target in targets if starts_with(target, forbidden)
    )
    assert not broken, f"{why}: " + "; ".join(broken)
