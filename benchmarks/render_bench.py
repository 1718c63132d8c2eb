"""Benchmark `cartoon scene` stage by stage: plan, render, composite (the slogan) and
save, in-process (median of --n scenes), plus the wall time of a fresh `cartoon scene`.

`--backend preview` (default) at 1024²; `--backend tiny-kontext` runs the real kontext
backend code on the tiny random FluxKontextPipeline (tests/tiny.py) on the CPU, at a small
size (--tiny-size, default 256) and --steps (default 28): the pipeline's overhead, not
FLUX's cost (the GPU figures come from the kontext benchmark).

    .venv/bin/python benchmarks/render_bench.py [--backend preview|tiny-kontext] [--n 30] [--fresh 3] [--json]
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
    parser.add_argument("--size", default="1024x1024", help="preview size, snapped to a Kontext resolution")
    parser.add_argument("--backend", choices=("preview", "tiny-kontext"), default="preview")
    parser.add_argument("--tiny-size", type=int, default=256, help="tiny-kontext: square size")
    parser.add_argument("--steps", type=int, default=28, help="tiny-kontext: denoising steps")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings
    from render.backends.base import RenderOptions, get_backend
    from render.pipeline import ScenePipeline
    from render.resolutions import parse_size

    settings = Settings(_env_file=None, llm_url=None)
    scratch = tempfile.TemporaryDirectory()
    if args.backend == "preview":
        width, height = parse_size(args.size)
        backend = get_backend("preview", settings)
        options = RenderOptions(width=width, height=height)
    else:
        width = height = args.tiny_size
        backend, settings = tiny_kontext(settings, args.tiny_size, Path(scratch.name))
        options = RenderOptions(width=width, height=height, steps=args.steps)
        args.fresh = 0  # a fresh process would load the real model
    planner = Planner(settings)
    pipeline = ScenePipeline(settings, backend)
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
        "backend": args.backend,
        "size": f"{width}x{height}",
        **({"steps": args.steps} if args.backend == "tiny-kontext" else {}),
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


def tiny_kontext(settings, size: int, folder: Path):
    """The kontext backend with the tiny random pipeline attached and a random LoRA per
    character (no weights, CPU); returns it and the settings pointing at those LoRAs."""
    import shutil

    from core.paths import CHARACTERS_DIR
    from render.backends.base import get_backend
    from tests.tiny import build_tiny_kontext, write_random_lora

    characters = folder / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "lora"))
    for seed, cid in enumerate(("milo", "james"), start=1):
        write_random_lora(None, characters / cid / "lora" / f"{cid}.safetensors", seed=seed)
    settings = settings.model_copy(update={"kontext_device": "cpu", "characters_dir": characters,
                                           "style_lora": write_random_lora(None, folder / "style.safetensors", seed=9)})
    import contextlib

    import torch

    torch.set_num_threads(1)  # toy-sized tensors: more threads only spin on shared cores
    backend = get_backend("kontext", settings)
    # Training the toy tokenizers prints to file descriptor 1; keep stdout for the JSON.
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            backend.attach(build_tiny_kontext())
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return backend, settings


if __name__ == "__main__":
    main()
