"""Scoring the planner on labelled requests (`cartoon eval`).

`requests.jsonl` is the labelled set the rules are measured on; `holdout.jsonl` was written
at the same time and is scored only to check that the rules generalise. Each line is one
request with what a person expects: who is in the picture (a set), the acceptable walls,
and optionally the slogan. `cases.load_cases` reads a file, `score.evaluate` plans every
case through `Planner` and reports accuracy per field and per kind, with the misses.
"""

from pathlib import Path

DEFAULT_SET = Path(__file__).resolve().parent / "requests.jsonl"
HOLDOUT_SET = Path(__file__).resolve().parent / "holdout.jsonl"
