"""The two images: the Dockerfile as BuildKit's parser reads it and as hadolint lints it; the
render image's base and torch index for each architecture (arm64: DGX Spark, amd64: H100);
the bot image's dependency set has no torch; both install from the lock, run as a non-root
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

import dockerfile
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


def instructions(path: Path = DOCKERFILE) -> list:
    """The Dockerfile as BuildKit's own parser reads it (the `dockerfile` package wraps
    moby/buildkit's Go parser): a file it rejects fails here as `docker build` would."""
    return list(dockerfile.parse_file(str(path)))


def stages(path: Path = DOCKERFILE) -> dict[str, list]:
    """stage name → its instructions, FROM first."""
    out: dict[str, list] = {}
    current = None
    for command in instructions(path):
        if command.cmd == "FROM":
            current = command.value[2] if len(command.value) == 3 and command.value[1].upper() == "AS" else command.value[0]
            out[current] = [command]
        elif current is not None:
            out[current].append(command)
    return out


def global_args() -> dict[str, str]:
    """The ARGs before the first FROM, with their defaults."""
    args = {}
    for command in instructions():
        if command.cmd == "FROM":
            break
        if command.cmd == "ARG":
            name, _, default = command.value[0].partition("=")
            args[name] = default
    return args


def expand(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m[1]], text)


def render_for(arch: str) -> tuple[str, str]:
    """(base image, torch index) of the render image that `--platform linux/ARCH` builds."""
    values = {**global_args(), "TARGETARCH": arch}
    all_stages = stages()
    base_stage = expand(all_stages["render"][0].value[0], values)
    assert base_stage in all_stages, base_stage
    first, *rest = all_stages[base_stage]
    env = next(c for c in rest if c.cmd == "ENV" and c.value[0] == "TORCH_INDEX")
    return expand(first.value[0], values), expand(env.value[1], values)


def runs(stage: str) -> list[str]:
    return [c.value[0] for c in stages()[stage] if c.cmd == "RUN"]


@pytest.fixture(scope="module")
def requirement_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Run the `requirements` stage's own RUN line, through a shell, on pyproject.toml and the lock."""
    work = tmp_path_factory.mktemp("requirements")
    for name in ("pyproject.toml", "requirements.lock"):
        (work / name).write_text((ROOT / name).read_text())
    [command] = runs("requirements")
    bindir = Path(sys.executable).parent
    done = subprocess.run(["/bin/sh", "-c", command], cwd=work, capture_output=True, text=True, timeout=30,
                          env={"PATH": f"{bindir}:/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return {name: (work / f"{name}.txt").read_text().splitlines() for name in ("bot", "render", "torch")}


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


def test_buildkits_parser_reads_every_stage() -> None:
    assert list(stages()) == ["requirements", "bot", "render-base-amd64", "render-base-arm64", "render"]



def test_the_parser_is_real(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nRUN <<EOF\n")  # an unterminated heredoc
    with pytest.raises(dockerfile.GoParseError):
        instructions(bad)


@pytest.mark.parametrize(("arch", "cuda", "index"), [
    # GB10 (sm_121) needs CUDA 13 and torch built for it; H100 (sm_90) runs CUDA 12.8.
    ("arm64", "nvidia/cuda:13.", "/whl/cu130"),
    ("amd64", "nvidia/cuda:12.8.", "/whl/cu128"),
])
def test_the_render_base_and_torch_index_follow_the_architecture(arch: str, cuda: str, index: str) -> None:
    base, torch_index = render_for(arch)
    assert base.startswith(cuda)
    assert "runtime-ubuntu" in base
    assert torch_index.startswith("https://download.pytorch.org")
    assert torch_index.endswith(index)


def test_torch_comes_from_that_index_at_the_locked_version(requirement_files: dict[str, list[str]]) -> None:
    locked = dict(re.findall(r"^([a-z0-9-]+)==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M))
    assert requirement_files["torch"] == [f"torch=={locked['torch']}", f"torchvision=={locked['torchvision']}"]
    [install, _project] = runs("render")[1:]
    assert 'pip install --index-url "$TORCH_INDEX" -r /tmp/torch.txt' in install
    assert "pip install -c /tmp/requirements.lock -r /tmp/render.txt" in install
    assert "torch.version.cuda" in install  # a CPU-only torch fails the build


def test_each_image_installs_only_its_extras_from_the_lock() -> None:
    bot, render = runs("bot"), runs("render")
    assert any("pip install -c /tmp/requirements.lock -r /tmp/bot.txt" in r for r in bot)
    assert any('pip install --no-deps -e ".[bot]"' in r for r in bot)
    assert any('pip install --no-deps -e ".[service,gpu,pose]"' in r for r in render)
    copies = [c for c in stages()["render"] if c.cmd == "COPY" and "--from=requirements" in c.flags]
    assert "/src/render.txt" in copies[0].value
    assert "/src/requirements.lock" in copies[0].value


def test_bases_are_pinned_and_users_are_not_root() -> None:
    args = global_args()
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", args["BOT_BASE"])
    for name in ("RENDER_BASE_AMD64", "RENDER_BASE_ARM64"):
        assert re.fullmatch(r"nvidia/cuda:\d+\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+", args[name]), name
    for name in ("bot", "render"):
        users = [c.value[0] for c in stages()[name] if c.cmd == "USER"]
        assert users and users[-1] not in ("root", "0") and not users[-1].startswith("0:"), name


def test_hadolint_passes_and_is_real(tmp_path: Path) -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run([str(hadolint), "--failure-threshold", "info", str(DOCKERFILE)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    sloppy = tmp_path / "Dockerfile"
    sloppy.write_text("FROM ubuntu\nRUN apt-get update && apt-get install -y curl\n")
    done = subprocess.run([str(hadolint), str(sloppy)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "DL3006" in done.stdout  # an untagged base is caught


def test_render_image_never_installs_or_downloads_at_run_time() -> None:
    env = " ".join(" ".join(c.value) for c in stages()["render"] if c.cmd == "ENV")
    assert "YOLO_AUTOINSTALL false" in env
    assert "YOLO_OFFLINE true" in env


def test_no_secret_or_weight_in_an_image() -> None:
    text = DOCKERFILE.read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    body = "\n".join(lines)
    assert not re.search(r"^(ENV|ARG)\b.*(TOKEN|API_KEY|PASSWORD|SECRET)", body, re.M)
    assert not re.search(r"\.safetensors|huggingface-cli download|hf download|wget|curl", body)
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
