"""compose.yaml, validated by a real Compose implementation (Debian's docker-compose,
`config`), then checked for what the deployment relies on: the GPU reservation, health
checks, start order, profiles, pinned images, and no secret written in the file."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
GPU_SERVICES = {"render", "render-worker", "llm"}  # each takes "a GPU" (the first)
SECRET_NAME = re.compile(r"TOKEN|API_KEY|PASSWORD|SECRET", re.I)

pytestmark = pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose missing: scripts/test installs it (Debian package)"
)


def dummy_env(folder: Path) -> Path:
    """.env.example as an operator fills it in: made-up secrets, the rest as listed."""
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            lines.append(f"{name}={value or ('dummy-secret' if SECRET_NAME.search(name) else '')}")
    env = folder / "dummy.env"
    env.write_text("\n".join(lines) + "\n")
    return env


def compose_config(compose: Path, env_file: Path, *profiles: str) -> subprocess.CompletedProcess[str]:
    # --env-file: interpolate from the dummy too, never from a developer's own .env.
    args = ["docker-compose", "-f", str(compose), "--project-directory", str(ROOT), "--env-file", str(env_file)]
    for profile in profiles:
        args += ["--profile", profile]
    return subprocess.run(
        [*args, "config"], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "CARTOON_ENV_FILE": str(env_file)},
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict:
    env = dummy_env(tmp_path_factory.mktemp("env"))
    done = compose_config(COMPOSE, env, "llm", "llm-gpu1", "scale")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_docker_compose_rejects_a_broken_file(tmp_path: Path) -> None:
    # The validator is real: the same file with a dangling depends_on does not pass.
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text().replace("condition: service_healthy", "condition: service_happy", 1))
    done = compose_config(broken, dummy_env(tmp_path))
    assert done.returncode != 0
    assert "service_happy" in done.stderr


def test_the_services(config: dict) -> None:
    assert set(config["services"]) == {"bot", "render", "llm", "llm-gpu1", "redis", "render-worker"}


def test_gpu_is_reserved_only_where_it_is_used(config: dict) -> None:
    for name, service in config["services"].items():
        devices = service.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
        if name in GPU_SERVICES:
            assert devices == [{"driver": "nvidia", "capabilities": ["gpu"], "count": 1}], name
        elif name == "llm-gpu1":  # its own card, never the render service's
            assert devices == [{"driver": "nvidia", "capabilities": ["gpu"], "device_ids": ["1"]}], name
        else:
            assert devices == [], name


def test_every_service_restarts_and_has_a_health_check(config: dict) -> None:
    for name, service in config["services"].items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name


def test_start_order_waits_for_health(config: dict) -> None:
    services = config["services"]
    assert services["bot"]["depends_on"] == {"render": {"condition": "service_healthy"}}
    assert services["render-worker"]["depends_on"] == {"redis": {"condition": "service_healthy"}}
    assert "/healthz" in " ".join(services["render"]["healthcheck"]["test"])


def test_profiles(config: dict) -> None:
    services = config["services"]
    assert "profiles" not in services["bot"]
    assert "profiles" not in services["render"]
    assert services["llm"]["profiles"] == ["llm"]
    assert services["redis"]["profiles"] == ["scale"] == services["render-worker"]["profiles"]


def test_render_runs_kontext_with_models_read_only(config: dict) -> None:
    for name in ("render", "render-worker"):
        service = config["services"][name]
        assert service["command"][:4] == ["cartoon", "serve", "--backend", "kontext"]
        assert service["build"]["target"] == "render"
        assert any(v.endswith(":/models:ro") for v in service["volumes"]), service["volumes"]
        assert service["environment"]["CARTOON_KONTEXT_MODEL"].startswith("/models/")
        assert service["environment"]["CARTOON_DOCTOR_REQUIRE_GPU"] == "true"
    assert config["services"]["render-worker"]["environment"]["CARTOON_QUEUE"] == "redis"
    # Two `cartoon serve` never share a data folder (the service locks it).
    data = [next(v for v in config["services"][n]["volumes"] if "/app/data/service" in v) for n in ("render", "render-worker")]
    assert data[0] != data[1]
    assert config["services"]["bot"]["build"]["target"] == "bot"
    assert config["services"]["bot"]["command"] == ["cartoon", "bot"]


def test_llm_is_vllm_serving_qwen3_with_host_ipc(config: dict) -> None:
    for name in ("llm", "llm-gpu1"):
        llm = config["services"][name]
        assert llm["ipc"] == "host"
        assert llm["image"].startswith("vllm/vllm-openai:v")
        assert llm["entrypoint"] == ["vllm", "serve"]
        assert any(arg.startswith("--model=Qwen/Qwen3") for arg in llm["command"])
        # served under the name the planner asks for, whatever checkpoint it is
        assert "--served-model-name=Qwen/Qwen3-32B" in llm["command"]
    # the second-GPU one answers at the same name, so CARTOON_LLM_URL does not change
    assert "llm" in config["services"]["llm-gpu1"]["networks"]["default"]["aliases"]
    assert config["services"]["llm"]["profiles"] == ["llm"]
    assert config["services"]["llm-gpu1"]["profiles"] == ["llm-gpu1"]


# The memory budget of one GPU shared by the render service and the LLM (GB). Kontext: 31.4 GiB
# of bf16 weights (docs/kontext.md) + activations at 1024²; Qwen3-32B's KV cache: 64 layers ×
# 8 KV heads × 128 × 2 (K, V) × 2 bytes = 0.26 MB a token; vLLM's own overhead (CUDA graphs,
# activations) about 3 GB. GB10's memory is shared with the OS and the CPU side (about 10 GB).
KONTEXT_GB = 40.0
CHECKPOINT_GB = {"Qwen/Qwen3-32B": 65.5, "Qwen/Qwen3-32B-FP8": 33.0, "Qwen/Qwen3-32B-AWQ": 19.5, "Qwen/Qwen3-14B-AWQ": 9.5}
KV_GB_PER_TOKEN = 64 * 8 * 128 * 2 * 2 / 1e9
VLLM_OVERHEAD_GB = 3.0
# machine → (memory GB, reserved for the OS, checkpoint, --gpu-memory-utilization): the rows of
# docs/OPERATORS.md's table for `--profile llm` beside the render service.
SHARED = {
    "H100 80 GB": (80.0, 0.0, "Qwen/Qwen3-32B-AWQ", 0.35),
    "GB10 128 GB": (128.0, 10.0, "Qwen/Qwen3-32B-FP8", 0.40),
}


def llm_fits(memory: float, checkpoint: str, fraction: float, max_len: int = 16384) -> bool:
    """vLLM's share holds the checkpoint, a full context's KV cache and its overhead."""
    return memory * fraction >= CHECKPOINT_GB[checkpoint] + max_len * KV_GB_PER_TOKEN + VLLM_OVERHEAD_GB


def fits(memory: float, reserved: float, checkpoint: str, fraction: float) -> bool:
    """... and what is left holds Kontext (and, on unified memory, the OS)."""
    return llm_fits(memory, checkpoint, fraction) and memory * fraction + KONTEXT_GB + reserved <= memory


def test_the_llm_profile_leaves_the_render_service_its_memory(config: dict) -> None:
    command = config["services"]["llm"]["command"]
    args = dict(a.removeprefix("--").split("=", 1) for a in command if "=" in a)
    # compose's defaults are the H100 row, and they fit
    assert (args["model"], float(args["gpu-memory-utilization"])) == SHARED["H100 80 GB"][2:]
    for machine, row in SHARED.items():
        assert fits(*row), machine
    # the old setting did not: Qwen3-32B in bf16 at 0.85 beside Kontext on an H100
    assert not fits(80.0, 0.0, "Qwen/Qwen3-32B", 0.85)
    assert not fits(80.0, 0.0, "Qwen/Qwen3-32B-AWQ", 0.85)  # a fraction that starves Kontext
    # a 24 GB card has no room for both: the guide sends the LLM to its own GPU
    assert not any(fits(24.0, 0.0, c, f / 100) for c in CHECKPOINT_GB for f in range(5, 95, 5))
    second = config["services"]["llm-gpu1"]["command"]
    assert "--gpu-memory-utilization=0.90" in second
    assert llm_fits(24.0, "Qwen/Qwen3-14B-AWQ", 0.90)  # a second 24 GB card, alone
    assert llm_fits(80.0, "Qwen/Qwen3-32B-FP8", 0.90)  # a second 80 GB card


def test_the_operators_guide_gives_each_machine_its_llm_size() -> None:
    """The guide's table is the one checked above."""
    guide = (ROOT / "docs" / "OPERATORS.md").read_text()
    for machine, (_, _, checkpoint, fraction) in SHARED.items():
        row = next((line for line in guide.splitlines() if line.startswith(f"| {machine}")), "")
        assert checkpoint in row and f"{fraction:.2f}" in row, machine
    assert "--profile llm-gpu1" in guide
    assert "| 24 GB card" in guide


def test_images_are_pinned(config: dict) -> None:
    for name, service in config["services"].items():
        image = service["image"]
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert re.search(r"\d", tag) and tag != "latest", f"{name}: {image} is not pinned to a version"


def test_no_secret_is_written_in_the_file() -> None:
    raw = yaml.safe_load(COMPOSE.read_text())
    for name, service in raw["services"].items():
        environment = service.get("environment") or {}
        if name in ("bot", "render", "render-worker"):
            assert service.get("env_file") == "${CARTOON_ENV_FILE:-.env}", name
            assert not any(SECRET_NAME.search(key) for key in environment), f"{name}: secrets belong in the env file"
        else:
            # Third-party images get no env file (so no Discord token), only their own
            # secret, interpolated from .env when compose starts.
            assert "env_file" not in service, name
            for key, value in environment.items():
                assert value == f"${{{key}:-}}", f"{name}: {key} must come from .env"
    assert not re.search(r"(TOKEN|API_KEY|PASSWORD)\s*[:=]\s*['\"]?\w", COMPOSE.read_text())


def test_every_variable_compose_reads_is_documented() -> None:
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE.read_text()))
    used |= set(re.findall(r"\$\$([A-Z_][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used - documented == set()
