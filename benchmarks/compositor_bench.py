"""Benchmark the shirt-text compositor on 1024×1024 pictures: median milliseconds of each
detection stage, of fitting + drawing the text, and of the whole `write_slogan` call
(detect + draw) for each path through the chain: the panel, Milo found without a panel
(head and suit), and the last resort. The seed's approach (whole-picture HSV conversion,
largest white blob) is timed alongside for comparison.

    .venv/bin/python benchmarks/compositor_bench.py [--n 60] [--no-pose] [--json]

The pose stage runs YOLOv8n-pose built from its yaml (random weights: the cost is the
same as with trained ones); it uses the GPU when torch sees one.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.compositor import fixtures as fx  # noqa: E402

SLOGAN = "It's Not a Bug It's a Feature"


CPU_TIME = False  # --cpu-time: time.process_time instead of the wall clock


def median_ms(func: Callable[[], object], n: int) -> float:
    """Median of n runs after one warm-up run (fonts, imports, caches)."""
    clock = time.process_time if CPU_TIME else time.perf_counter
    func()
    times = []
    for _ in range(n):
        started = clock()
        func()
        times.append(clock() - started)
    return round(statistics.median(times) * 1000, 2)


def scenes() -> dict[str, object]:
    panel = fx.lab()
    fx.whiteboard(panel, (620, 60, 1000, 300))
    fx.james(panel, 760, scale=0.8)
    fx.milo(panel, 300, scale=0.9, angle=8)
    panel = fx.blurred(fx.noisy(panel, 8), 1.0)
    suit = fx.lab()
    fx.james(suit, 760, scale=0.8)
    fx.milo(suit, 300, scale=0.9, panel=False)
    blank = fx.lab()
    return {"panel": panel, "shirt-color": suit, "fixed-box": blank}


def seed_detector(image) -> object:
    """The seed's panel finder: HSV of the whole picture, S ≤ 35 and V ≥ 215, largest blob."""
    from scipy import ndimage

    hsv = np.asarray(image.convert("HSV"))
    labels, count = ndimage.label((hsv[..., 1] <= 35) & (hsv[..., 2] >= 215))
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return ndimage.find_objects(labels)[int(np.argmax(sizes)) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=60, help="runs per figure (the median is reported)")
    parser.add_argument("--no-pose", action="store_true", help="skip the pose stage (no torch import)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="measure CPU time of this process, not wall time (a shared, busy machine)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    global CPU_TIME
    CPU_TIME = args.cpu_time

    from core.settings import Settings
    from render.compositor import compose
    from render.compositor import text as text_mod
    from render.compositor.milo import find_milos
    from render.compositor.panel import find_panels

    logging.getLogger("render.compositor.detect").setLevel(logging.ERROR)  # "no weights", each run
    no_pose = Settings(_env_file=None, pose_weights=ROOT / "benchmarks" / "no-such-weights.pt")
    pictures = scenes()
    from render.compositor.picture import Picture

    arrays = {name: np.asarray(image) for name, image in pictures.items()}
    figures: dict[str, object] = {}

    figures["stage_ms"] = stage = {
        "panel": median_ms(lambda: find_panels(Picture(pictures["panel"])), args.n),
        "panel_when_absent": median_ms(lambda: find_panels(Picture(pictures["shirt-color"])), args.n),
        "shirt-color": median_ms(lambda: find_milos(Picture(pictures["shirt-color"])), args.n),
    }
    done = compose(pictures["panel"], SLOGAN, settings=no_pose, wearer="milo")
    rect = done.detection.region.rect

    def fit_and_draw() -> None:
        layout = text_mod.fit(SLOGAN, rect.width, rect.height, min_size=12)
        text_mod.draw(pictures["panel"].copy(), layout, rect)

    stage["fit_and_draw"] = median_ms(fit_and_draw, args.n)
    stage["copy_picture"] = median_ms(lambda: pictures["panel"].copy(), args.n)
    figures["detect_plus_draw_ms"] = {
        name: median_ms(lambda image=image: compose(image, SLOGAN, settings=no_pose, wearer="milo"), args.n)
        for name, image in pictures.items()
    }
    figures["seed_hsv_largest_blob_ms"] = median_ms(lambda: seed_detector(pictures["panel"]), max(10, args.n // 3))

    if not args.no_pose:
        from render.compositor.pose import PoseStage

        pose = PoseStage("yolov8n-pose.yaml")
        runs = max(5, args.n // 6)
        stage["pose"] = median_ms(lambda: pose.keypoints(arrays["fixed-box"]), runs)
        figures["detect_plus_draw_ms"]["pose-then-fixed-box"] = median_ms(
            lambda: compose(pictures["fixed-box"], SLOGAN, settings=no_pose, pose_model=pose), runs
        )
        import torch

        figures["pose_device"] = "cuda" if torch.cuda.is_available() else "cpu"

    figures["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    figures["picture"] = "1024x1024"
    figures["clock"] = "process CPU time" if CPU_TIME else "wall"
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            for sub, ms in value.items():
                print(f"{key + '.' + sub:40} {ms}")
        else:
            print(f"{key:40} {value}")


if __name__ == "__main__":
    main()
