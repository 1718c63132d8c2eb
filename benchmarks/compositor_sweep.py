"""The compositor on the lighting and framing fixtures (tests/compositor/art): per framing,
with and without the chest panel, how often Milo was found, the slogan landed on his
visible torso, it was skipped (his chest too small for it at the readable minimum), and
OCR read it back. Prints the Markdown table of docs/shirt-text.md.

    .venv/bin/python benchmarks/compositor_sweep.py [--seeds 12] [--held-out] [--no-ocr] [--json]

Development seeds start at 0; `--held-out` scores the held-out seeds instead (from
tests/compositor/art/frames.HELD_OUT), which no threshold was tuned on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=12, help="frames per framing and panel (default 12)")
    parser.add_argument("--held-out", action="store_true", help="score the held-out seeds")
    parser.add_argument("--no-ocr", action="store_true", help="skip reading the slogans back (faster)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error("--seeds: give 1 or more")
    logging.disable(logging.WARNING)  # "pose weights not found", every frame

    from tests.compositor.art.frames import HELD_OUT, KINDS
    from tests.compositor.art.sweep import run
    from tests.compositor.helpers import NO_POSE

    start = HELD_OUT if args.held_out else 0
    seeds = range(start, start + args.seeds)
    rows, totals = [], {"frames": 0, "found": 0, "on_torso": 0, "skipped": 0, "wrong": 0, "read": 0, "asked": 0}
    started = time.perf_counter()
    for kind in KINDS:
        for panel in (True, False):
            tally = run(kind, panel, seeds, NO_POSE, ocr=not args.no_ocr)
            row = {"kind": kind, "panel": panel, **{k: getattr(tally, k) for k in totals}}
            rows.append(row)
            for key in totals:
                totals[key] += row[key]
            sys.stderr.write(f"{kind} {'panel' if panel else 'no panel'}: {tally.on_torso}/{tally.frames}\n")
    figures = {
        "seeds": f"{'held-out' if args.held_out else 'development'} {seeds.start}..{seeds.stop - 1}",
        "rows": rows,
        "totals": totals,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"load average {os.getloadavg()[0]:.1f}",
    }
    if args.json:
        print(json.dumps(figures))
        return
    ocr = "" if args.no_ocr else " OCR read back |"
    print(f"| framing | panel | frames | Milo found | text on his torso | skipped (too small) |{ocr}")
    print("| --- | --- | --- | --- | --- | --- |" + (" --- |" if ocr else ""))
    for row in [*rows, {"kind": "**all**", "panel": None, **totals}]:
        panel = "" if row["panel"] is None else ("yes" if row["panel"] else "no")
        read = f" {row['read']}/{row['asked']} |" if ocr else ""
        print(f"| {row['kind']} | {panel} | {row['frames']} | {row['found']} | {row['on_torso']} | {row['skipped']} |{read}")
    print(f"\n{figures['seeds']}; {figures['seconds']} s; {figures['machine']}")


if __name__ == "__main__":
    main()
