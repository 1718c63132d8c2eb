"""The GPU check. This machine has no GPU, so `nvidia-smi` is stood in by a script on
PATH that prints what the real one prints for the same query (CSV, MiB, no units);
the no-GPU path runs for real (no nvidia-smi, torch without CUDA)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.doctor.gpu import check_gpu
from core.settings import Settings


def fake_nvidia_smi(folder: Path, stdout: str, code: int = 0) -> None:
    script = folder / "nvidia-smi"
    script.write_text(f"#!/bin/sh\ncat <<'OUT'\n{stdout}\nOUT\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    return tmp_path


def test_two_gpus_are_listed_with_free_memory(bin_dir: Path) -> None:
    fake_nvidia_smi(bin_dir, "0, NVIDIA H100 80GB HBM3, 80000, 81559\n1, NVIDIA H100 80GB HBM3, 2048, 81559")
    result = check_gpu(Settings(_env_file=None))
    assert result.status == "ok"
    assert "GPU 0 NVIDIA H100 80GB HBM3: 78.1 of 79.6 GiB free" in result.message
    assert [g["index"] for g in result.details["gpus"]] == [0, 1]


def test_too_little_free_memory_is_a_warning(bin_dir: Path) -> None:
    fake_nvidia_smi(bin_dir, "0, NVIDIA GeForce RTX 4090, 6144, 24564")
    result = check_gpu(Settings(_env_file=None, doctor_min_free_gpu_gib=20))
    assert result.status == "warn"
    assert "6.0 of 24.0 GiB free: under 20 GiB free" in result.message


def test_driver_not_reachable(bin_dir: Path) -> None:
    fake_nvidia_smi(bin_dir, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", code=9)
    result = check_gpu(Settings(_env_file=None, doctor_require_gpu=True))
    assert result.status == "fail"
    assert "couldn't communicate with the NVIDIA driver" in result.message


def test_no_gpu_warns_on_a_bot_box_and_fails_where_one_is_required(bin_dir: Path) -> None:
    # No nvidia-smi on PATH: the check asks torch, which sees no CUDA device here.
    assert check_gpu(Settings(_env_file=None)).status == "warn"
    required = check_gpu(Settings(_env_file=None, doctor_require_gpu=True))
    assert required.status == "fail"
    assert "NVIDIA Container Toolkit" in required.message
