"""`cartoon <command> --help` states the defaults core.settings holds (one home for each),
and the top-level help never imports the settings."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

import cartoon
from core.settings import Settings
from render.resolutions import DEFAULT_SIZE


def _help(command: str) -> str:
    parser = cartoon.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    # whitespace folded: argparse wraps help lines wherever the terminal width falls
    return re.sub(r"\s+", " ", subparsers.choices[command].format_help())


def _default(field: str) -> str:
    value = Settings.model_fields[field].default
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("command", sorted(cartoon.build_parser()._subparsers._group_actions[0].choices))
def test_every_help_is_filled_in(command: str) -> None:
    text = _help(command)
    assert "%(" not in text
    assert "%)" not in text


@pytest.mark.parametrize(
    ("command", "says", "field"),
    [
        ("train", "LoRA rank (default {})", "train_rank"),
        ("train", "LoRA alpha (default {})", "train_alpha"),
        ("train", "attention (default: {})", "train_targets"),
        ("train", "text alone (default {})", "train_mode"),
        ("train", "learning rate (default {})", "train_lr"),
        ("train", "images per step (default {})", "train_batch_size"),
        ("train", "training side in pixels (default {})", "train_resolution"),
        ("train", "steps between checkpoints (default {})", "train_checkpoint_every"),
        ("train", "checkpoints kept on disk (default {})", "train_keep_checkpoints"),
        ("train", "steps between sample images (default {};", "train_sample_every"),
        ("train", "denoising steps per sample (default {})", "train_sample_steps"),
        ("train", "sample side in pixels (default {})", "train_sample_size"),
        ("train", "timesteps and samples (default {})", "train_seed"),
        ("prep", "duplicate (default {})", "prep_hash_threshold"),
        ("scene", "CARTOON_RENDER_STEPS: {})", "render_steps"),
        ("scene", "CARTOON_RENDER_GUIDANCE: {})", "render_guidance"),
        ("scene", "CARTOON_DEFAULT_BACKEND: {})", "default_backend"),
        ("serve", "CARTOON_SERVICE_PORT: {})", "service_port"),
        ("serve", "CARTOON_SERVICE_HOST: {};", "service_host"),
        ("serve", "CARTOON_SERVICE_WORKERS: {})", "service_workers"),
    ],
)
def test_help_states_the_settings_default(command: str, says: str, field: str) -> None:
    assert says.format(_default(field)) in _help(command)


def test_size_default_is_the_render_default() -> None:
    for command in ("scene", "plates"):
        assert f"(default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})" in _help(command)


def test_top_level_help_does_not_load_the_settings() -> None:
    probe = "import sys, cartoon; cartoon.build_parser().format_help(); print('core.settings' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"
