"""benchmarks/gpu_check.sh, the GPU figures for a lent machine: one configuration per command,
each bounded by its own timeout well inside a lent GPU's 10-minute command limit."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "gpu_check.sh"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env}, cwd=ROOT)


def test_an_unknown_configuration_is_one_usage_line() -> None:
    done = run("everything")
    assert done.returncode == 2
    assert done.stderr.strip() == "usage: benchmarks/gpu_check.sh render|compile|train|dry-run (one configuration per command)"


def test_each_configuration_stops_itself_at_its_limit(tmp_path: Path) -> None:
    """A hung benchmark (here an interpreter that never returns) is stopped by the script."""
    hang = tmp_path / "python"
    hang.write_text("#!/bin/sh\nexec sleep 60\n")
    hang.chmod(0o755)
    for name in ("render", "compile", "train"):
        started = time.monotonic()
        done = run(name, PYTHON=str(hang), GPU_CHECK_TIMEOUT_S="1")
        assert done.returncode == 124, name  # timeout's own exit code
        assert time.monotonic() - started < 30, name


def test_the_default_limit_fits_a_lent_gpu_and_each_config_is_one_run() -> None:
    text = SCRIPT.read_text()
    limit = int(re.search(r'GPU_CHECK_TIMEOUT_S:-(\d+)', text)[1])
    assert limit + 20 <= 8 * 60  # with the 20 s grace before SIGKILL, under 8 minutes
    for name in ("render", "compile", "train"):
        line = next(line for line in text.splitlines() if line.strip().startswith(f"{name})"))
        assert line.count(" run ") == 1 and "--device cuda" in line, name
    assert "--configs lora" in text
    assert "--configs compile" in text
    assert "--size 1024" in text
    assert "--resolution 1024" in text
