"""`cartoon serve` refuses bad starts with one line: a public address without a token
(exit 2), a bad --workers (exit 2), an unreachable Redis (exit 1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.helpers import ROOT, free_port, service_env


@pytest.mark.parametrize(
    ("args", "env", "code", "says"),
    [
        (["--host", "0.0.0.0"], {"CARTOON_RENDER_TOKEN": ""}, 2, "without a token; set CARTOON_RENDER_TOKEN"),
        (["--workers", "-1"], {}, 2, "--workers -1"),
        ([], {"CARTOON_QUEUE": "redis", "CARTOON_REDIS_URL": "redis://127.0.0.1:{port}/0"}, 1, "cannot reach Redis"),
    ],
)
def test_serve_refuses_with_one_line(tmp_path: Path, args: list[str], env: dict[str, str], code: int, says: str) -> None:
    port = free_port()
    extra = {k: v.format(port=port) for k, v in env.items()}
    result = subprocess.run(
        [sys.executable, "cartoon.py", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=service_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert says in lines[0]
    assert lines[0].startswith("cartoon: error:")
    assert result.stdout == ""
