"""Benchmark the planner: plans per second in-process (rules, batched like `--jsonl`, on
the labelled set's requests, each made unique), and the wall time of `cartoon plan` as a
fresh process.

    .venv/bin/python benchmarks/plan_bench.py [--n 3000] [--fresh 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def phrases() -> list[str]:
    """The labelled set's requests (every kind: typos, slogans, de/es/fr, emoji, Discord)."""
    from agent.eval import DEFAULT_SET

    return [json.loads(line)["text"] for line in DEFAULT_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000, help="plans in-process")
    parser.add_argument("--fresh", type=int, default=5, help="fresh `cartoon plan` processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings

    planner = Planner(Settings(_env_file=None, llm_url=None))
    texts = phrases()
    # Each request unique (a take number), so no plan is read from the rules' per-text cache.
    requests = [SceneRequest(text=f"{texts[i % len(texts)]} (take {i})", as_="james", seed=i) for i in range(args.n)]
    started = time.perf_counter()
    planned = sum(1 for _ in planner.plan_many(requests))
    in_process = planned / (time.perf_counter() - started)

    started = time.perf_counter()
    for request in requests[:200]:
        planner.plan(request)
    single = 200 / (time.perf_counter() - started)

    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    walls = []
    for _ in range(args.fresh):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "cartoon.py"), "plan", "Milo debugging at 2 AM", "--json"],
            check=True, capture_output=True, env=env, cwd=ROOT,
        )
        walls.append(time.perf_counter() - started)

    # The floor: importing LangGraph alone in a fresh interpreter (the planner needs it).
    floor = []
    for _ in range(args.fresh):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import langgraph.graph"], check=True, env=env)
        floor.append(time.perf_counter() - started)

    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "plans_per_s_batched": round(in_process),
        "plans_per_s_one_at_a_time": round(single),
        "fresh_cartoon_plan_s_median": round(statistics.median(walls), 3),
        "fresh_cartoon_plan_s_min": round(min(walls), 3),
        "fresh_import_langgraph_s_median": round(statistics.median(floor), 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
