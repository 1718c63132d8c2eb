"""Check of the GPU: visible, and how much memory is free. Asks nvidia-smi; imports torch
(here only) when nvidia-smi is missing but torch is installed."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings

GIB = 1024**3
NO_GPU = (
    "no NVIDIA GPU visible: fine on the bot box; the render box needs the NVIDIA driver, the "
    "NVIDIA Container Toolkit, and the GPU reservation in compose.yaml"
)


def query_gpus() -> list[dict] | str:
    """[{index, name, free_gib, total_gib}] for each GPU, or why they cannot be listed."""
    smi = shutil.which("nvidia-smi")
    if smi:
        return _from_nvidia_smi(smi)
    if importlib.util.find_spec("torch") is not None:
        return _from_torch()
    return []


def _from_nvidia_smi(smi: str) -> list[dict] | str:
    query = [smi, "--query-gpu=index,name,memory.free,memory.total", "--format=csv,noheader,nounits"]
    try:
        done = subprocess.run(query, capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"nvidia-smi did not run ({exc})"
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()
        return f"nvidia-smi failed: {first[0] if first else f'exit {done.returncode}'}"
    gpus = []
    for line in done.stdout.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            continue
        try:
            index, name, free_mib, total_mib = int(parts[0]), parts[1], float(parts[2]), float(parts[3])
        except ValueError:
            continue  # "[N/A]" memory on some devices
        gpus.append({"index": index, "name": name, "free_gib": free_mib / 1024, "total_gib": total_mib / 1024})
    return gpus


def _from_torch() -> list[dict] | str:
    import torch  # only here: nvidia-smi is missing on this box

    if not torch.cuda.is_available():
        return []
    gpus = []
    for index in range(torch.cuda.device_count()):
        free, total = torch.cuda.mem_get_info(index)
        gpus.append({
            "index": index, "name": torch.cuda.get_device_name(index),
            "free_gib": free / GIB, "total_gib": total / GIB,
        })
    return gpus


def check_gpu(settings: Settings) -> CheckResult:
    gpus = query_gpus()
    missing = fail if settings.doctor_require_gpu else warn
    if isinstance(gpus, str):
        return missing("gpu", f"{gpus}; check the NVIDIA driver and the NVIDIA Container Toolkit")
    if not gpus:
        return missing("gpu", NO_GPU)
    best = max(gpus, key=lambda g: g["free_gib"])
    summary = "; ".join(f"GPU {g['index']} {g['name']}: {g['free_gib']:.1f} of {g['total_gib']:.1f} GiB free" for g in gpus)
    if best["free_gib"] < settings.doctor_min_free_gpu_gib:
        return warn(
            "gpu",
            f"{summary}: under {settings.doctor_min_free_gpu_gib:g} GiB free; stop what else holds the GPU "
            f"(nvidia-smi lists it) or use the kontext backend's CPU offload",
            gpus=gpus,
        )
    return ok("gpu", summary, gpus=gpus)
