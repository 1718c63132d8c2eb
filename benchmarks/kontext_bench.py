"""Benchmark the kontext backend: seconds per image, per-stage times and peak GPU memory,
plain bf16 versus the speed and memory options.

    python benchmarks/kontext_bench.py [--json]                  # CPU: the tiny random pipeline
    python benchmarks/kontext_bench.py --device cuda [--json]    # GPU: full-size FLUX.1 Kontext
    python benchmarks/kontext_bench.py --dry-run                 # check the full-size configs on `meta`

On the CPU it renders with the tiny pipeline of tests/tiny.py (saved and loaded from a folder,
like the real model). With `--device cuda` it builds the full-size FLUX.1 Kontext architecture
(12B transformer, T5-XXL, CLIP-L, FLUX VAE) with random weights on the GPU, since the cost of
a step does not depend on the weights' values, and renders 1024×1024 at 28 steps. Each
configuration runs in a fresh process (clean memory statistics, no compile cache carried
over); each renders one warm-up image, then `--images` timed ones that alternate Milo and
James, so LoRA switching is part of the time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# FLUX.1-dev / FLUX.1-Kontext-dev transformer/config.json
FLUX_TRANSFORMER: dict[str, Any] = {
    "patch_size": 1,
    "in_channels": 64,
    "num_layers": 19,
    "num_single_layers": 38,
    "attention_head_dim": 128,
    "num_attention_heads": 24,
    "joint_attention_dim": 4096,
    "pooled_projection_dim": 768,
    "guidance_embeds": True,
    "axes_dims_rope": [16, 56, 56],
}
# FLUX.1 vae/config.json
FLUX_VAE: dict[str, Any] = {
    "sample_size": 1024,
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [128, 256, 512, 512],
    "layers_per_block": 2,
    "act_fn": "silu",
    "latent_channels": 16,
    "norm_num_groups": 32,
    "mid_block_add_attention": True,
    "force_upcast": True,
    "use_quant_conv": False,
    "use_post_quant_conv": False,
    "shift_factor": 0.1159,
    "scaling_factor": 0.3611,
}
# CLIP ViT-L/14 text tower (text_encoder/config.json)
CLIP_L: dict[str, Any] = {
    "vocab_size": 49408,
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "max_position_embeddings": 77,
    "projection_dim": 768,
    "hidden_act": "quick_gelu",
    "layer_norm_eps": 1e-5,
}
# T5 v1.1 XXL encoder (text_encoder_2/config.json)
T5_XXL: dict[str, Any] = {
    "vocab_size": 32128,
    "d_model": 4096,
    "d_kv": 64,
    "d_ff": 10240,
    "num_layers": 24,
    "num_heads": 64,
    "relative_attention_num_buckets": 32,
    "relative_attention_max_distance": 128,
    "feed_forward_proj": "gated-gelu",
    "layer_norm_epsilon": 1e-6,
    "tie_word_embeddings": False,
    "decoder_start_token_id": 0,
}
# What FLUX LoRA trainers usually adapt: every attention and MLP projection.
FULL_LORA_TARGETS = [
    "to_q", "to_k", "to_v", "to_out.0", "add_q_proj", "add_k_proj", "add_v_proj", "to_add_out",
    "ff.net.0.proj", "ff.net.2", "ff_context.net.0.proj", "ff_context.net.2", "proj_mlp", "proj_out",
]  # fmt: skip
CHARACTER_RANK, STYLE_RANK = 16, 32
Arch = tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]
FULL_SIZE: Arch = (FLUX_TRANSFORMER, FLUX_VAE, CLIP_L, T5_XXL)

# name → (settings overrides, LoRAs on, description)
CONFIGS: dict[str, tuple[dict[str, Any], bool, str]] = {
    "plain": ({"kontext_require_loras": False}, False, "{dtype}, no LoRA"),
    "lora": ({}, True, "{dtype} + style LoRA (fused at load) + character LoRA (set_adapters)"),
    "compile": ({"kontext_compile": True}, True, "{dtype} + LoRAs, torch.compile + LoRA hot-swap"),
    "fast": (
        {"kontext_compile": True, "kontext_attention": "_native_cudnn"},
        True,
        "{dtype} + LoRAs, torch.compile + hot-swap + cuDNN attention",
    ),
    "offload24": (
        {"kontext_offload": "model", "kontext_fp8": True},
        True,
        "model CPU offload + float8 weights + LoRAs (for 24 GB cards)",
    ),
    "group": ({"kontext_offload": "group"}, True, "group offload (blocks streamed) + LoRAs"),
}
DEFAULT_CONFIGS = {
    "cpu": ["plain", "lora"],
    "cuda": ["plain", "lora", "compile", "fast", "offload24"],
}


def machine(device: str) -> str:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}"
    if device.startswith("cuda"):
        props = torch.cuda.get_device_properties(device)
        text += f", {props.name} ({props.total_memory / 2**30:.0f} GiB), CUDA {torch.version.cuda}"
    return text


# --- one configuration, in its own process ---------------------------------------------------
class StageTimer:
    """Wraps the pipeline's prompt encoding and VAE calls; the rest of a render is denoising."""

    def __init__(self, pipe: Any, device: str) -> None:
        import torch

        self.sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
        self.totals: dict[str, float] = {}
        self._wrap(pipe, "encode_prompt", "encode_prompt_s")
        self._wrap(pipe.vae, "encode", "vae_encode_s")
        self._wrap(pipe.vae, "decode", "vae_decode_s")

    def _wrap(self, owner: Any, method: str, key: str) -> None:
        original = getattr(owner, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.sync()
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.sync()
                self.totals[key] = self.totals.get(key, 0.0) + time.perf_counter() - started

        setattr(owner, method, timed)


def _kit(root: Path, model: Path | None, arch: Arch | None, dtype: Any) -> dict[str, Path]:
    """Character sheets (copied) with a random LoRA each, and a random style LoRA."""
    from tests.tiny import write_random_lora

    characters = root / "characters"
    shutil.copytree(
        ROOT / "characters", characters, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    full = arch is not None
    extra: dict[str, Any] = {}
    if arch is not None:
        extra = {"transformer_config": arch[0], "targets": FULL_LORA_TARGETS, "strength": 0.1}
    for seed, cid in enumerate(["milo", "james"], start=1):
        rank = CHARACTER_RANK if full else 4
        write_random_lora(
            model,
            characters / cid / "lora" / f"{cid}.safetensors",
            seed=seed,
            rank=rank,
            dtype=dtype,
            **extra,
        )
    style = write_random_lora(
        model,
        root / "style.safetensors",
        seed=9,
        rank=STYLE_RANK if full else 4,
        dtype=dtype,
        **extra,
    )
    return {"characters": characters, "style": style}


def run_config(
    name: str, device: str, images: int, steps: int, size: int, arch: Arch | None = None
) -> dict[str, Any]:
    """One configuration: `arch` None loads the tiny pipeline from a saved folder; otherwise
    the pipeline of that architecture is built in memory with random bf16 weights."""
    import numpy as np
    import torch
    from PIL import Image

    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings
    from render.backends.base import RenderOptions
    from render.backends.kontext import KontextBackend
    from tests.tiny import build_kontext, save_tiny_kontext

    overrides, with_loras, description = CONFIGS[name]
    full = arch is not None
    on_gpu = device.startswith("cuda")
    dtype = torch.bfloat16 if full else torch.float32
    root = Path(tempfile.mkdtemp(prefix="kontext-bench-"))
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        model = None if full else save_tiny_kontext(root / "model")
        kit = (
            _kit(root, model, arch, dtype)
            if with_loras
            else {"characters": root / "none", "style": None}
        )
        if not with_loras:
            shutil.copytree(
                ROOT / "characters", kit["characters"], ignore=shutil.ignore_patterns("*.py")
            )
        settings = Settings(
            _env_file=None,
            llm_url=None,
            kontext_model=str(model or "unused"),
            kontext_device=device,
            characters_dir=kit["characters"],
            style_lora=kit["style"],
            **overrides,
        )
        backend = KontextBackend(settings)
        if arch is not None:
            # Offloading configurations start from the CPU, as a 24 GB card could not hold it all.
            build_on = "cpu" if settings.kontext_offload != "none" else device
            pipe = build_kontext(
                *arch,
                device=build_on,
                dtype=dtype,
                fast_init=True,
            )
            timings["build_s"] = time.perf_counter() - started
            started = time.perf_counter()
            backend.attach(pipe)
        else:
            timings["build_s"] = time.perf_counter() - started
            started = time.perf_counter()
            pipe = backend.load()
        timings["load_s"] = time.perf_counter() - started
        if on_gpu:
            torch.cuda.synchronize()

        planner = Planner(settings)
        milo = planner.plan(SceneRequest(text="Milo debugging at 2 AM", seed=1))
        plans = [milo, milo.model_copy(update={"characters": ["james"]})]
        rng = np.random.default_rng(0)
        plate = Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8))
        options = RenderOptions(width=size, height=size, steps=steps)
        timer = StageTimer(pipe, device)
        activate = backend._activate

        def timed_activate(*args: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return activate(*args)
            finally:
                timer.totals["lora_switch_s"] = (
                    timer.totals.get("lora_switch_s", 0.0) + time.perf_counter() - t0
                )

        backend._activate = timed_activate  # type: ignore[method-assign]

        started = time.perf_counter()
        backend.render(plans[1], seed=0, options=options, input_image=plate)  # warm-up (compiles)
        timings["first_image_s"] = time.perf_counter() - started
        timer.totals.clear()
        graphs_before = _compiled_graphs()
        if on_gpu:
            torch.cuda.reset_peak_memory_stats(device)
        walls = []
        for i in range(images):
            started = time.perf_counter()
            backend.render(plans[i % 2], seed=i, options=options, input_image=plate)
            walls.append(time.perf_counter() - started)
        per_image = statistics.median(walls)
        stages = {k: round(v / images, 4) for k, v in sorted(timer.totals.items())}
        # Denoising is what the wrapped stages leave of the mean image time.
        stages["denoise_s"] = round(statistics.mean(walls) - sum(stages.values()), 4)
        result: dict[str, Any] = {
            "config": name,
            "description": description.format(dtype=str(dtype).removeprefix("torch.")),
            "s_per_image": round(per_image, 4),
            "s_per_step": round(stages["denoise_s"] / steps, 5),
            "stages": stages,
            **{k: round(v, 3) for k, v in timings.items()},
            "recompiles_while_switching": _compiled_graphs() - graphs_before,
        }
        if on_gpu:
            result["peak_gpu_gib"] = round(torch.cuda.max_memory_allocated(device) / 2**30, 2)
            result["peak_gpu_reserved_gib"] = round(
                torch.cuda.max_memory_reserved(device) / 2**30, 2
            )
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _compiled_graphs() -> int:
    try:
        from torch._dynamo.utils import counters
    except ImportError:
        return 0
    return int(counters["stats"].get("unique_graphs", 0))


# --- the full-size configs, checked without a GPU ----------------------------------------------
def dry_run() -> dict[str, Any]:
    """Build every full-size model on `meta` (shapes only, no memory), count parameters against
    the published sizes, run the transformer on Kontext's 1024² token shapes, and name the
    full-size LoRA layers."""
    import torch
    from diffusers import AutoencoderKL, FluxTransformer2DModel
    from peft import LoraConfig, get_peft_model_state_dict
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    with torch.device("meta"):
        models = {
            "transformer": FluxTransformer2DModel(**FLUX_TRANSFORMER),
            "vae": AutoencoderKL(**FLUX_VAE),
            "clip_l": CLIPTextModel(CLIPTextConfig(**CLIP_L)),
            "t5_xxl": T5EncoderModel(T5Config(**T5_XXL)),
        }
    params = {k: sum(p.numel() for p in m.parameters()) for k, m in models.items()}
    published = {"transformer": 11.90e9, "vae": 83.8e6, "clip_l": 123.1e6, "t5_xxl": 4.76e9}
    for key, expected in published.items():
        assert abs(params[key] / expected - 1) < 0.01, (
            f"{key}: {params[key]:,} parameters, expected ~{expected:,.0f}"
        )

    # One Kontext step at 1024²: 64×64 packed latents for the output and as many for the input.
    tokens, text = (1024 // 16) ** 2, 512
    with torch.device("meta"), torch.no_grad():
        ids = torch.zeros(tokens, 3)
        out = models["transformer"](
            hidden_states=torch.randn(1, 2 * tokens, 64),
            encoder_hidden_states=torch.randn(1, text, 4096),
            pooled_projections=torch.randn(1, 768),
            timestep=torch.ones(1),
            img_ids=torch.cat([ids, ids]),
            txt_ids=torch.zeros(text, 3),
            guidance=torch.ones(1),
            return_dict=False,
        )[0]
    assert tuple(out.shape) == (1, 2 * tokens, 64), out.shape

    transformer = models["transformer"]
    transformer.add_adapter(
        LoraConfig(r=CHARACTER_RANK, lora_alpha=CHARACTER_RANK, target_modules=FULL_LORA_TARGETS)
    )
    lora = get_peft_model_state_dict(transformer)
    lora_mb = sum(t.numel() for t in lora.values()) * 2 / 2**20
    return {
        "parameters": {k: f"{v / 1e9:.3f}B" for k, v in params.items()},
        "bf16_weights_gib": round(sum(params.values()) * 2 / 2**30, 1),
        "transformer_step_output": list(out.shape),
        "character_lora": {
            "rank": CHARACTER_RANK,
            "tensors": len(lora),
            "bf16_mib": round(lora_mb, 1),
        },
    }


# --- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--device", default="cpu", help="cpu (tiny pipeline) or cuda[:N] (full size)"
    )
    parser.add_argument("--configs", help=f"comma-separated, from: {', '.join(CONFIGS)}")
    parser.add_argument("--images", type=int, default=3, help="timed images per configuration")
    parser.add_argument("--steps", type=int, default=28)
    parser.add_argument("--size", type=int, help="square size (default: 1024 on cuda, 32 on cpu)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check the full-size configs on meta"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = args.size or (1024 if args.device.startswith("cuda") else 32)
    if args.child or args.dry_run:
        from diffusers.utils import logging as diffusers_logging
        from transformers.utils import logging as transformers_logging

        diffusers_logging.set_verbosity_error()  # e.g. CLIP's 77-token warning on every image
        transformers_logging.set_verbosity_error()

    if args.child:
        if not args.device.startswith("cuda"):
            import torch

            torch.set_num_threads(1)  # toy tensors: threads only add spinning on shared cores
        arch = FULL_SIZE if args.device.startswith("cuda") else None
        print(json.dumps(run_config(args.child, args.device, args.images, args.steps, size, arch)))
        return
    if args.dry_run:
        import torch

        from tests.tiny import CLIP_CONFIG, T5_CONFIG, TRANSFORMER_CONFIG, VAE_CONFIG

        torch.set_num_threads(1)
        # The GPU code path (in-memory random bf16 build, full-size LoRA targets, attach,
        # float8 storage) run end to end at toy sizes on the CPU.
        toy: Arch = (TRANSFORMER_CONFIG, VAE_CONFIG, CLIP_CONFIG, T5_CONFIG)
        gpu_path = {
            name: run_config(name, "cpu", images=2, steps=2, size=32, arch=toy)["s_per_image"]
            for name in ("lora", "offload24")
        }
        result: dict[str, Any] = {
            "dry_run": dry_run(),
            "gpu_code_path_at_toy_size_s_per_image": gpu_path,
            "measured": False,
        }
        _report(result, args.json)
        return

    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            sys.exit(
                "kontext_bench: --device cuda but no CUDA GPU here; run it on the GPU box, or --dry-run"
            )
    kind = "cuda" if args.device.startswith("cuda") else "cpu"
    names = args.configs.split(",") if args.configs else DEFAULT_CONFIGS[kind]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        sys.exit(f"kontext_bench: unknown config {unknown}; use some of: {', '.join(CONFIGS)}")
    runs = []
    for name in names:
        command = [sys.executable, __file__, "--child", name, "--device", args.device]
        command += ["--images", str(args.images), "--steps", str(args.steps), "--size", str(size)]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            runs.append({"config": name, "error": tail})
        else:
            runs.append(json.loads(lines[-1]))
        sys.stderr.write(f"{name}: {runs[-1].get('s_per_image', runs[-1].get('error'))}\n")
    result = {
        "machine": machine(args.device),
        "pipeline": "full-size FLUX.1 Kontext, random weights"
        if kind == "cuda"
        else "tiny random FluxKontextPipeline (tests/tiny.py)",
        "size": f"{size}x{size}",
        "steps": args.steps,
        "images_per_config": args.images,
        "runs": runs,
    }
    _report(result, args.json)


def _report(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        if key != "runs":
            print(f"{key:20} {value}")
    for run in result.get("runs", []):
        print(f"- {run.pop('config')}: " + ", ".join(f"{k}={v}" for k, v in run.items()))


if __name__ == "__main__":
    main()
