"""`cartoon doctor` as an operator runs it: a real subprocess, one JSON object with
--json, exit 1 when a check fails, exit 2 for a bad option, words otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.deploy.helpers import Deployment, closed_port_url

ROOT = Path(__file__).resolve().parents[2]
BOT_BOX = "token,render,backend,llm,channel"


def doctor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_") and k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, str(ROOT / "cartoon.py"), "doctor", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**base, "PYTHONPATH": str(ROOT), **env},
    )


def test_healthy_bot_box_exits_0_with_one_json_object(deployment: Deployment) -> None:
    done = doctor("--only", BOT_BOX, "--json", env=deployment.env())
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["ok"] is True
    assert report["passed"] == 5
    assert [c["name"] for c in report["checks"]] == BOT_BOX.split(",")


def test_failures_exit_1_and_say_what_to_do(deployment: Deployment) -> None:
    env = deployment.env(CARTOON_RENDER_URL=closed_port_url(), DISCORD_TOKEN="not-a-token")
    done = doctor("--skip", "gpu,channel", env=env)
    assert done.returncode == 1
    text = done.stdout
    assert "FAIL  token" in text
    assert "not shaped like a bot token" in text
    assert "FAIL  render" in text
    assert "docker compose up -d render" in text
    assert "OK    plates" in text
    assert text.rstrip().splitlines()[-1] == "3 failed, 0 warned, 5 ok"
    assert "Traceback" not in done.stderr


def test_unknown_check_name_exits_2(deployment: Deployment) -> None:
    done = doctor("--only", "token,gpus", env={})
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "cartoon: error: unknown check 'gpus'; use some of: token, render, backend, queue, gpu, models, loras, llm, plates, channel"
    )
