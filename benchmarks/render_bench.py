"""Benchmark `cartoon scene` stage by stage on the preview backend: plan, render,
composite (the slogan) and save, in-process at 1024² (median of --n runs), plus the wall
time of a fresh `cartoon scene` process.

    .venv/bin/python benchmarks/render_bench.py [--n 30] [--fresh 3] [--size 1024x1024] [--json]
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
sys.path.insert(0, str(ROOT))

PHRASES = [
    ("Milo debugging at 2 AM", "PEBKAC"),
    ("us at the whiteboard", "RTFM"),
    ("James asleep on the exercise bike", None),
    ("Milo and James fixing cables at the rack", "IT WAS DNS"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30, help="scenes in-process")
    parser.add_argument("--fresh", type=int, default=3, help="fresh `cartoon scene` processes")
    parser.add_argument("--size", default="1024x1024")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings
    from render.backends.base import RenderOptions, get_backend
    from render.pipeline import ScenePipeline
    from render.resolutions import parse_size

    width, height = parse_size(args.size)
    settings = Settings(_env_file=None, llm_url=None)
    planner = Planner(settings)
    pipeline = ScenePipeline(settings, get_backend("preview", settings))
    options = RenderOptions(width=width, height=height)
    stages: dict[str, list[float]] = {"plan_ms": [], "render_ms": [], "composite_ms": [], "save_ms": [], "total_ms": []}
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.n + 1):
            text, shirt = PHRASES[i % len(PHRASES)]
            started = time.perf_counter()
            plan = planner.plan(SceneRequest(text=text, shirt=shirt, as_="james", seed=i))
            plan_ms = (time.perf_counter() - started) * 1000
            result = pipeline.render(plan, options=options, out_dir=Path(folder), stem=f"s{i}")
            total_ms = (time.perf_counter() - started) * 1000
            if i == 0:
                continue  # warm-up: first-call caches
            stages["plan_ms"].append(plan_ms)
            stages["total_ms"].append(total_ms)
            for key in ("render_ms", "composite_ms", "save_ms"):
                stages[key].append(result.timings[key])

        env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
        walls = []
        for i in range(args.fresh):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "cartoon.py"), "scene", "Milo debugging at 2 AM", "--shirt", "PEBKAC",
                 "--seed", str(i), "--size", args.size, "-o", str(Path(folder) / f"fresh{i}.png"), "--json"],
                check=True, capture_output=True, env=env, cwd=ROOT,
            )
            walls.append(time.perf_counter() - started)

    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, no GPU used",
        "backend": "preview",
        "size": f"{width}x{height}",
        "scenes": args.n,
        **{f"{key}_median": round(statistics.median(values), 1) for key, values in stages.items()},
        "render_ms_max": round(max(stages["render_ms"]), 1),
        "fresh_cartoon_scene_s_median": round(statistics.median(walls), 2) if walls else None,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
