"""Benchmark `cartoon doctor` the way a health check runs it: a fresh process against a
real `cartoon serve --backend preview` on 127.0.0.1 (wall time per run), the time each
check takes in-process, and the size of the bot image's dependency set.

    .venv/bin/python benchmarks/doctor_bench.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOT_BOX = "token,render,backend,queue,llm,plates"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="fresh `cartoon doctor` processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from core.doctor import CHECKS, run_doctor
    from core.settings import Settings
    from tests.deploy.helpers import DISCORD_TOKEN
    from tests.deploy.test_images import dependency_closure
    from tests.service.helpers import TOKEN, ServeProcess, service_env

    with tempfile.TemporaryDirectory() as tmp:
        serve = ServeProcess(service_env(Path(tmp) / "service"), "--backend", "preview")
        try:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")},
                "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": DISCORD_TOKEN,
                "CARTOON_RENDER_URL": serve.url, "CARTOON_RENDER_TOKEN": TOKEN,
                "CARTOON_SERVICE_DIR": str(Path(tmp) / "service"),
            }
            walls = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run([sys.executable, str(ROOT / "cartoon.py"), "doctor", "--only", BOT_BOX, "--json"],
                               capture_output=True, env=env, cwd=ROOT, timeout=120)
                walls.append(time.perf_counter() - started)
            settings = Settings(_env_file=None, discord_token=DISCORD_TOKEN, render_url=serve.url,
                                render_token=TOKEN, service_dir=Path(tmp) / "service")
            per_check = {}
            for name in CHECKS:
                if name == "channel":
                    continue  # would ask discord.com
                started = time.perf_counter()
                run_doctor(settings, [name])
                per_check[name] = round((time.perf_counter() - started) * 1000, 1)
        finally:
            serve.stop()

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    bot = dependency_closure(project["dependencies"] + extras["bot"])
    render = dependency_closure(project["dependencies"] + [r for e in ("service", "gpu", "pose") for r in extras[e]])
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, no GPU",
        "doctor_process_s_median": round(statistics.median(walls), 3),
        "doctor_process_s_min": round(min(walls), 3),
        "check_ms_first_run": per_check,
        "bot_image_distributions": len(bot),
        "bot_image_has_torch": "torch" in bot,
        "render_image_distributions": len(render),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
