"""Benchmark the planner: plans per second in-process (rules, batched like `--jsonl`, on
the labelled set's requests, each made unique), and the wall time of `cartoon plan` as a
fresh process.

    .venv/bin/python benchmarks/plan_bench.py [--n 3000] [--fresh 5] [--rounds 1] [--json]
    .venv/bin/python benchmarks/plan_bench.py --against /tmp/old-checkout --rounds 3

`--against DIR` measures another checkout of the project (say `git archive main | tar -x
-C DIR`) the same way, alternating with this one round by round, so the two are compared
inside one run on a noisy machine (both use this interpreter and these requests).
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


def phrases() -> list[str]:
    """The labelled set's requests (every kind: typos, slogans, de/es/fr, emoji, Discord)."""
    sys.path.insert(0, str(ROOT))
    from agent.eval import DEFAULT_SET

    return [json.loads(line)["text"] for line in DEFAULT_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def _in_process(root: Path, n: int, texts: list[str]) -> dict[str, float]:
    """Plans per second batched and one at a time, in a fresh interpreter on `root`'s code."""
    code = (
        "import json, sys, time\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "from agent.graph import Planner\n"
        "from agent.state import SceneRequest\n"
        "from core.settings import Settings\n"
        "texts, n = json.loads(sys.stdin.read())\n"
        "planner = Planner(Settings(_env_file=None, llm_url=None))\n"
        # Each request unique (a take number), so no plan is read from the rules' per-text cache.
        "requests = [SceneRequest(text=f'{texts[i % len(texts)]} (take {i})', as_='james', seed=i) for i in range(n)]\n"
        "started = time.perf_counter()\n"
        "planned = sum(1 for _ in planner.plan_many(requests))\n"
        "batched = planned / (time.perf_counter() - started)\n"
        "started = time.perf_counter()\n"
        "for request in requests[:200]:\n"
        "    planner.plan(request)\n"
        "single = 200 / (time.perf_counter() - started)\n"
        "print(json.dumps({'batched': batched, 'single': single}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps([texts, n]), capture_output=True,
                         text=True, check=True, env=env, cwd=root)
    return json.loads(out.stdout)


def _fresh_plan(root: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(root / "cartoon.py"), "plan", "Milo debugging at 2 AM", "--json"],
                   check=True, capture_output=True, env=env, cwd=root)
    return time.perf_counter() - started


def _summary(runs: list[dict[str, float]], walls: list[float]) -> dict[str, float]:
    return {
        "plans_per_s_batched": round(statistics.median(r["batched"] for r in runs)),
        "plans_per_s_one_at_a_time": round(statistics.median(r["single"] for r in runs)),
        "fresh_cartoon_plan_s_median": round(statistics.median(walls), 3) if walls else None,
        "fresh_cartoon_plan_s_min": round(min(walls), 3) if walls else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="plans in-process per round")
    parser.add_argument("--fresh", type=int, default=5, help="fresh `cartoon plan` processes per round")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (alternating with --against)")
    parser.add_argument("--against", type=Path, help="another checkout to measure alternately")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.against and not (args.against / "agent" / "graph.py").is_file():
        parser.error(f"--against {args.against}: not a checkout of this project (no agent/graph.py)")

    texts = phrases()
    trees = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    walls: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, root in trees.items():
            runs[name].append(_in_process(root, args.n, texts))
        for _ in range(args.fresh):
            for name, root in trees.items():
                walls[name].append(_fresh_plan(root))

    # The floor: importing LangGraph alone in a fresh interpreter (the planner needs it).
    floor = []
    for _ in range(args.fresh):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import langgraph.graph"], check=True)
        floor.append(time.perf_counter() - started)

    result: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **_summary(runs["this"], walls["this"]),
        "fresh_import_langgraph_s_median": round(statistics.median(floor), 3) if floor else None,
    }
    if args.against:
        result["against"] = {"checkout": str(args.against), **_summary(runs["against"], walls["against"])}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
