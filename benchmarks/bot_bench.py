"""Benchmark the bot process: time from a fresh interpreter to `setup_hook` done (imports,
MiloBot, cogs, scheduler with its SQLite job store, the record of followed jobs and their
resumption, persistent buttons; no gateway, no Discord login) and the process's resident
memory at that point. Targets: < 2 s, < 150 MB.

    .venv/bin/python benchmarks/bot_bench.py [--runs 5] [--json]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the fresh process; prints what it measured as one JSON line.
CHILD = """
import time
started = time.perf_counter()
import asyncio, json, sys
from core.settings import Settings
from bot.client import MiloBot

async def main():
    bot = MiloBot(Settings(_env_file=None, bot_state_dir=sys.argv[1], daily_channel=1))
    await bot._async_setup_hook()
    await bot.setup_hook()
    ready = time.perf_counter() - started
    cpu = time.process_time()  # CPU seconds since the interpreter started: less noisy on a busy box
    import psutil
    rss = psutil.Process().memory_info().rss
    await bot.close()
    return ready, cpu, rss

ready, cpu, rss = asyncio.run(main())
heavy = [m for m in ("torch", "diffusers", "ultralytics", "transformers") if m in sys.modules]
print(json.dumps({"ready_s": ready, "cpu_s": cpu, "rss_mb": rss / 2**20, "heavy_modules": heavy}))
"""


def one_run(state_dir: str) -> dict:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, state_dir], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    result["process_s"] = time.perf_counter() - started  # interpreter start and exit included
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes to time")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bot-bench-") as state_dir:
        runs = [one_run(state_dir) for _ in range(args.runs)]
    figures = {
        "machine": {"platform": platform.platform(), "machine": platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": args.runs,
        "ready_s_median": statistics.median(r["ready_s"] for r in runs),
        "ready_s_max": max(r["ready_s"] for r in runs),
        "cpu_s_median": statistics.median(r["cpu_s"] for r in runs),
        "process_s_median": statistics.median(r["process_s"] for r in runs),
        "load_average": os.getloadavg()[0],
        "rss_mb_median": statistics.median(r["rss_mb"] for r in runs),
        "heavy_modules": sorted({m for r in runs for m in r["heavy_modules"]}),
        "targets": {"ready_s": 2.0, "rss_mb": 150},
    }
    if args.json:
        print(json.dumps(figures))
        return
    m = figures["machine"]
    print(f"machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}")
    print(f"bot ready (setup_hook done): median {figures['ready_s_median']:.2f} s, "
          f"max {figures['ready_s_max']:.2f} s over {args.runs} fresh processes (target < 2 s)")
    print(f"CPU time to ready: median {figures['cpu_s_median']:.2f} s "
          f"(load average {figures['load_average']:.1f} on {m['cpus']} CPUs while measured)")
    print(f"whole process incl. interpreter start/exit: median {figures['process_s_median']:.2f} s")
    print(f"RSS when ready: median {figures['rss_mb_median']:.0f} MB (target < 150 MB)")
    print(f"heavy modules loaded: {figures['heavy_modules'] or 'none'}")


if __name__ == "__main__":
    main()
