"""Benchmark one LoRA training step (`characters.train_step.FlowMatchingLoRA`, the step
`cartoon train` runs): seconds per step and peak GPU memory.

    .venv/bin/python benchmarks/train_bench.py [--json]                 # CPU, tiny random model
    .venv/bin/python benchmarks/train_bench.py --device cuda [--json]   # GPU, full-size FLUX

On CUDA the transformer has the full FLUX.1 [dev]/Kontext architecture (19 double + 38
single blocks, 3072 wide, 12B parameters; the config is written below, nothing is
downloaded) with random bf16 weights: a step costs the same whatever the weights are. It
trains at 1024² in Kontext's image-to-image mode (4096 target + 4096 condition image tokens +
512 T5 tokens; `--mode t2i` drops the condition) with rank-32 LoRA on to_q/to_k/to_v/to_out.0
(`--targets wide` for the wider set), gradient checkpointing and bf16, batch 1, as `cartoon
train` does by default. Target: 1000 steps in 20 minutes on one H100 (≤ 1.2 s/step).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The full-size FLUX.1 [dev] / Kontext [dev] transformer config, shared with the render benchmark.
from benchmarks.kontext_bench import FLUX_TRANSFORMER as FLUX_CONFIG  # noqa: E402

TARGET_S_PER_STEP = 20 * 60 / 1000


def build(device: str, resolution: int, batch: int, rank: int, checkpointing: bool, mode: str = "i2i",
          targets: str = "attention"):
    import torch
    from diffusers import FluxTransformer2DModel

    from characters.train import TARGET_PRESETS
    from characters.train_step import Batch, FlowMatchingLoRA, LoraSettings
    from core.settings import Settings

    torch.manual_seed(0)
    if device == "meta":  # --dry-run: the full-size model's structure, no memory, no GPU
        config, dtype = FLUX_CONFIG, torch.bfloat16
        with torch.device("meta"):
            transformer = FluxTransformer2DModel(**config)
    elif device == "cuda":
        config, dtype = FLUX_CONFIG, torch.bfloat16
        previous = torch.get_default_dtype()
        torch.set_default_dtype(dtype)  # initialise straight into bf16 on the GPU (24 GB, not 48)
        try:
            with torch.device("cuda"):
                transformer = FluxTransformer2DModel(**config)
        finally:
            torch.set_default_dtype(previous)
    else:
        from tests.tiny import TRANSFORMER_CONFIG

        config, dtype = TRANSFORMER_CONFIG, torch.float32
        transformer = FluxTransformer2DModel(**config)
    params = sum(p.numel() for p in transformer.parameters())
    trainer = FlowMatchingLoRA(
        transformer,
        LoraSettings.from_settings(Settings(_env_file=None), rank=rank, alpha=rank / 2,
                                   targets=tuple(TARGET_PRESETS[targets])),
        device=device, dtype=dtype, gradient_checkpointing=checkpointing,
    )
    side = resolution // 8  # the VAE's 8× down-scale
    data = Batch(
        latents=torch.randn(batch, 16, side, side),
        prompt_embeds=torch.randn(batch, 512, config["joint_attention_dim"]),
        pooled=torch.randn(batch, config["pooled_projection_dim"]),
        cond_latents=torch.randn(batch, 16, side, side) if mode == "i2i" else None,
    )
    return trainer, data, params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--steps", type=int, help="timed steps (default 20 on CPU, 30 on CUDA)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--resolution", type=int, help="default 64 on CPU (tiny model), 1024 on CUDA")
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--rank", type=int, default=32)
    parser.add_argument("--mode", choices=["i2i", "t2i"], default="i2i", help="i2i: with a 1024² condition image (default)")
    parser.add_argument("--targets", choices=["attention", "wide"], default="attention")
    parser.add_argument("--no-checkpointing", action="store_true", help="CUDA: turn gradient checkpointing off")
    parser.add_argument("--threads", type=int, help="CPU: torch threads")
    parser.add_argument("--dry-run", action="store_true", help="build the full-size model + LoRA on meta: sizes only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.dry_run:
        trainer, _, params = build("meta", 1024, 1, args.rank, True, args.mode, args.targets)
        lora = trainer.trainable_parameters
        result = {"device": "meta (dry run)", "transformer_parameters": params, "lora_parameters": lora,
                  "lora_file_mib_bf16": round(lora * 2 / 2**20, 1), "rank": args.rank, "targets": args.targets}
        print(json.dumps(result) if args.json else "\n".join(f"{k:>24}: {v}" for k, v in result.items()))
        return

    import torch

    cuda = args.device == "cuda"
    if cuda and not torch.cuda.is_available():
        sys.stderr.write("train_bench: error: --device cuda but no CUDA device here; run it on the GPU box\n")
        sys.exit(1)
    if args.threads:
        torch.set_num_threads(args.threads)
    resolution = args.resolution or (1024 if cuda else 64)
    steps = args.steps or (30 if cuda else 20)
    checkpointing = cuda and not args.no_checkpointing
    started = time.perf_counter()
    trainer, data, params = build(args.device, resolution, args.batch_size, args.rank, checkpointing, args.mode,
                                  args.targets)
    build_s = time.perf_counter() - started

    def one(step: int) -> tuple[float, float]:
        generator = torch.Generator().manual_seed(step)
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        loss = trainer.step(data, generator)
        if cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - t0, loss

    for step in range(args.warmup):
        one(step)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    timings = [one(args.warmup + i) for i in range(steps)]
    seconds = [t for t, _ in timings]
    s_per_step = statistics.median(seconds)
    result: dict[str, Any] = {
        "device": args.device,
        "machine": _machine(cuda),
        "model": "FLUX.1 full-size transformer, random bf16 weights" if cuda else "tiny random FLUX transformer (tests/tiny.py)",
        "transformer_parameters": params,
        "lora_parameters": trainer.trainable_parameters,
        "resolution": resolution,
        "batch_size": args.batch_size,
        "rank": args.rank,
        "mode": args.mode,
        "targets": args.targets,
        "gradient_checkpointing": checkpointing,
        "steps_timed": steps,
        "seconds_per_step": round(s_per_step, 4),
        "seconds_per_step_mean": round(statistics.mean(seconds), 4),
        "minutes_per_1000_steps": round(s_per_step * 1000 / 60, 2),
        "build_seconds": round(build_s, 1),
        "final_loss": round(timings[-1][1], 4),
    }
    if cuda:
        result["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        result["meets_target_1000_steps_in_20_min"] = s_per_step <= TARGET_S_PER_STEP
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>34}: {value}")


def _machine(cuda: bool) -> str:
    import os

    import torch

    text = f"{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}"
    if cuda:
        props = torch.cuda.get_device_properties(0)
        text += f", {props.name} ({props.total_memory / 2**30:.0f} GiB)"
    else:
        text += f", {torch.get_num_threads()} torch threads, no GPU"
    return text


if __name__ == "__main__":
    main()
