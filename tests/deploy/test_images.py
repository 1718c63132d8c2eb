"""The two images: the bot image's dependency set has no torch, both run as a non-root
user from pinned bases, and nothing secret or heavy goes into the build context.

The dependency set is resolved offline from the installed venv: the requirement lines
the Dockerfile's `requirements` stage writes (its own command, run here), then each
distribution's `Requires-Dist` from `importlib.metadata`, recursively, with markers and
extras evaluated. That is what pip would install for those lines (versions aside),
without an index; `pip install --dry-run --report` would need PyPI."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
HEAVY = {"torch", "torchvision", "diffusers", "transformers", "ultralytics", "peft", "accelerate", "triton"}


def dependency_closure(lines: list[str]) -> set[str]:
    """Every distribution the requirement lines pull in, by canonical name."""
    seen: dict[str, set[str]] = {}
    todo = [Requirement(line) for line in lines]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        extras = set(req.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen.setdefault(name, set()).update(extras)
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is not installed in this venv; run scripts/setup-venv (the resolver reads installed metadata)")
        for line in requires:
            dep = Requirement(line)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in {"", *seen[name]}):
                todo.append(dep)
    return set(seen)


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def stages() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in dockerfile_instructions():
        if m := re.match(r"FROM\s+(\S+)\s+AS\s+(\S+)", line, re.I):
            current = m[2]
            out[current] = [line]
        elif current:
            out[current].append(line)
    return out


@pytest.fixture(scope="module")
def requirement_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Run the `requirements` stage's own command on pyproject.toml."""
    work = tmp_path_factory.mktemp("requirements")
    (work / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    run = next(line for line in stages()["requirements"] if line.startswith("RUN python -c"))
    code = re.fullmatch(r'RUN python -c "(.*)"', run)[1]
    subprocess.run([sys.executable, "-c", code], cwd=work, check=True, timeout=30)
    return {name: (work / f"{name}.txt").read_text().splitlines() for name in ("bot", "render")}


def test_bot_image_dependency_set_has_no_torch(requirement_files: dict[str, list[str]]) -> None:
    bot = dependency_closure(requirement_files["bot"])
    assert {"discord-py", "httpx", "langgraph", "pydantic"} <= bot
    assert bot & HEAVY == set()
    assert not any(name.startswith("nvidia-") for name in bot)


def test_render_image_dependency_set_has_torch(requirement_files: dict[str, list[str]]) -> None:
    # The same resolver finds torch where it belongs, so the test above can fail.
    render = dependency_closure(requirement_files["render"])
    assert {"torch", "diffusers", "ultralytics", "fastapi", "huey"} <= render
    assert "discord-py" not in render


def test_each_image_installs_only_its_extras() -> None:
    s = stages()
    assert re.match(r"FROM \$\{BOT_BASE\} AS bot", s["bot"][0])
    assert any('pip install --no-deps -e ".[bot]"' in line for line in s["bot"])
    assert any("/src/bot.txt" in line for line in s["bot"])
    assert any('pip install --no-deps -e ".[service,gpu,pose]"' in line for line in s["render"])
    assert any("/src/render.txt" in line for line in s["render"])


def test_bases_are_pinned_and_users_are_not_root() -> None:
    args = dict(re.findall(r"^ARG (\w+_BASE)=(\S+)$", DOCKERFILE.read_text(), re.M))
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", args["BOT_BASE"])
    assert re.fullmatch(r"(pytorch/pytorch:[\d.]+-cuda[\d.]+-cudnn\d+-runtime|nvidia/cuda:[\d.]+-\S+)", args["RENDER_BASE"])
    for name in ("bot", "render"):
        users = [line for line in stages()[name] if line.startswith("USER ")]
        assert users and users[-1] not in ("USER root", "USER 0"), name


def test_render_image_never_installs_or_downloads_at_run_time() -> None:
    env = next(line for line in stages()["render"] if line.startswith("ENV "))
    assert "YOLO_AUTOINSTALL=false" in env and "YOLO_OFFLINE=true" in env


def test_no_secret_or_weight_in_an_image() -> None:
    text = "\n".join(dockerfile_instructions())
    assert not re.search(r"^(ENV|ARG)\b.*(TOKEN|API_KEY|PASSWORD|SECRET)", text, re.M)
    assert not re.search(r"\.safetensors|huggingface-cli download|hf download|wget|curl", text)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in (".env", ".git", ".venv/", "models/", "**/*.safetensors", "**/*.pt"):
        assert pattern in ignored, pattern


def test_doctor_on_the_bot_box_imports_only_the_bot_image_packages() -> None:
    # The bot's health check runs `cartoon doctor` in the slim image: no torch, no service.
    code = (
        "import sys; from core.doctor import run_doctor; from core.settings import Settings; "
        "run_doctor(Settings(_env_file=None, render_url='http://127.0.0.1:9'), "
        "['token', 'render', 'backend', 'llm', 'plates', 'channel']); "
        "heavy = {'torch', 'diffusers', 'transformers', 'ultralytics', 'fastapi', 'huey', 'redis', 'cv2'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
