"""`cartoon train`: a character LoRA on the FLUX Kontext transformer (seed 002's recipe).

By default in Kontext's image-to-image mode (`--mode i2i`, CARTOON_TRAIN_MODE): each example
is conditioned on the character's reference image (or its own `<stem>.cond.png`), the way
every render passes the reference through the same LoRA'd attention; `--mode t2i` trains on
the text alone. `--targets wide` adds the text-stream, MLP and single-block output projections
to the default attention projections (docs in characters/README.md).

1. check the dataset (every image captioned), the condition images and the base model;
2. encode it once (VAE latents of images and conditions, T5 + CLIP embeddings, sample
   prompts), cached on disk, then the encoders leave the GPU (on a resume they are not even
   loaded);
3. add the peft LoRA to the transformer (bf16 + gradient checkpointing on CUDA);
4. train with flow matching (`characters.train_step`), a checkpoint every N steps (LoRA,
   optimizer, step, losses: a killed run loses at most N steps), samples + GIF every N;
5. save the LoRA (`characters.lora_file`) and write its path into character.toml.

Layout under characters/<id>/: `lora/<id>.safetensors`, `checkpoints/step-NNNNNN/`,
`checkpoints/cache.pt`, `samples/step-NNNNNN-pK.png`, `samples/progress.gif`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from characters.sheet import SHEET_NAME, Character
from core.errors import FaultError, InputError, first_line

if TYPE_CHECKING:
    import argparse

    import torch

    from characters.train_step import FlowMatchingLoRA
    from core.settings import Settings

log = logging.getLogger(__name__)

# `--targets` presets. "attention" (the default): every attention projection that reads the
# image tokens, in the double and single blocks, where the reference and the picture meet.
# "wide" adds the text stream's projections, the double blocks' MLPs and the single blocks'
# MLP input and output (about 3× the parameters; for a likeness the default misses).
TARGET_PRESETS: dict[str, list[str]] = {
    "attention": ["to_q", "to_k", "to_v", "to_out.0"],
    "wide": ["to_q", "to_k", "to_v", "to_out.0", "add_q_proj", "add_k_proj", "add_v_proj", "to_add_out",
             "ff.net.0.proj", "ff.net.2", "proj_mlp", "proj_out"],
}
MODES = ("i2i", "t2i")


@dataclass
class TrainOptions:
    """One training run's options. Built by `from_settings`, so the defaults live in one
    place: core.settings (CARTOON_TRAIN_*), overridden by command-line flags."""

    steps: int
    rank: int
    alpha: float
    targets: list[str]
    lr: float
    weight_decay: float
    batch_size: int
    resolution: int
    guidance: float
    checkpoint_every: int
    keep_checkpoints: int
    sample_every: int  # 0: no samples
    sample_steps: int
    sample_guidance: float
    sample_size: int
    sample_prompts: list[str]
    seed: int
    base_model: str
    mode: str = "i2i"  # i2i: conditioned on the reference image (Kontext); t2i: text alone
    resume: bool = False
    dataset: Path | None = None
    device: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, args: argparse.Namespace | None = None, **overrides: Any) -> TrainOptions:
        """Settings, then command-line flags (those given), then keyword overrides."""
        values: dict[str, Any] = {
            "steps": 0,
            "rank": settings.train_rank,
            "alpha": settings.train_alpha,
            "targets": list(settings.train_targets),
            "lr": settings.train_lr,
            "weight_decay": settings.train_weight_decay,
            "batch_size": settings.train_batch_size,
            "resolution": settings.train_resolution,
            "guidance": settings.train_guidance,
            "checkpoint_every": settings.train_checkpoint_every,
            "keep_checkpoints": settings.train_keep_checkpoints,
            "sample_every": settings.train_sample_every,
            "sample_steps": settings.train_sample_steps,
            "sample_guidance": settings.render_guidance,
            "sample_size": settings.train_sample_size,
            "sample_prompts": list(settings.train_sample_prompts),
            "seed": settings.train_seed,
            "base_model": settings.kontext_model,
            "mode": settings.train_mode,
        }
        if args is not None:
            for name in ("steps", "resume", "rank", "alpha", "lr", "batch_size", "resolution", "checkpoint_every", "keep_checkpoints",
                         "sample_every", "sample_steps", "sample_size", "seed", "base_model", "device", "mode"):
                if getattr(args, name, None) is not None:
                    values[name] = getattr(args, name)
            if getattr(args, "targets", None):
                values["targets"] = TARGET_PRESETS.get(args.targets) or [
                    t.strip() for t in args.targets.split(",") if t.strip()
                ]
            if getattr(args, "dataset", None):
                values["dataset"] = Path(args.dataset)
        values.update(overrides)
        options = cls(**values)
        options.validate()
        return options

    def validate(self) -> None:
        checks = [
            (self.steps >= 1, "--steps", "a positive number of steps, e.g. --steps 1000"),
            (self.rank >= 1, "--rank", "a positive rank, e.g. 32"),
            (self.alpha > 0, "--alpha", "a positive alpha, e.g. 16"),
            (self.lr > 0, "--lr", "a positive learning rate, e.g. 1e-4"),
            (self.batch_size >= 1, "--batch-size", "at least 1"),
            (self.resolution >= 16 and self.resolution % 16 == 0, "--resolution", "a multiple of 16, e.g. 1024"),
            (self.checkpoint_every >= 1, "--checkpoint-every", "at least 1"),
            (self.keep_checkpoints >= 1, "--keep-checkpoints", "at least 1 (the one a resume starts from)"),
            (self.sample_every >= 0, "--sample-every", "0 (no samples) or more"),
            (self.sample_size >= 16 and self.sample_size % 16 == 0, "--sample-size", "a multiple of 16, e.g. 512"),
            (bool(self.targets), "--targets", "attention, wide, or module names, e.g. to_q,to_k,to_v,to_out.0"),
            (self.mode in MODES, "--mode", "i2i (conditioned on the reference image) or t2i"),
        ]
        for ok, name, wanted in checks:
            if not ok:
                raise InputError(f"{name}: invalid value; give {wanted}")


def train_character(character: Character, options: TrainOptions, settings: Settings) -> dict[str, Any]:
    import torch

    from characters import train_data
    from characters.lora_file import point_sheet_at, save_lora
    from characters.samples import render_samples, write_progress_gif
    from characters.train_step import Batch, FlowMatchingLoRA, LoraSettings

    folder = character.folder or settings.characters_dir / character.id
    # 1. the dataset and the base model
    examples = train_data.load_examples(options.dataset or folder / "dataset", character.id)
    reference = None
    if options.mode == "i2i":
        if not character.reference_paths or not character.reference_paths[0].is_file():
            raise InputError(
                f"{character.id} has no reference image to condition on; add `references` to its "
                "character.toml, or train with --mode t2i"
            )
        reference = character.reference_paths[0]
        examples = train_data.with_conditions(examples, reference)
    model = _resolve_model(options.base_model)
    ckpt_root = folder / "checkpoints"
    samples_dir = folder / "samples"
    last = _latest_checkpoint(ckpt_root)
    if last is not None and not options.resume:
        raise InputError(
            f"{last} exists; pass --resume to continue that run, or delete {ckpt_root} to start over"
        )
    state = json.loads((last / "state.json").read_text()) if (options.resume and last) else None
    start = int(state["step"]) if state else 0
    if options.resume and last is None:
        log.warning("no checkpoint in %s; starting from step 0", ckpt_root)
    if state and state.get("config") != _config(options):
        raise InputError(
            f"{last} was trained with {state.get('config')}; resume with the same settings or delete {ckpt_root}"
        )
    device = torch.device(options.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda: CUDA is not available here; use --device cpu or run on the GPU box")
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    prompts = [p.format(trigger=character.trigger, name=character.name) for p in options.sample_prompts] if options.sample_every else []

    # 2. encode once (or reuse the cache), with the encoders on the GPU only meanwhile
    key = train_data.cache_key(examples, options.resolution, model, prompts)
    cache_path = ckpt_root / "cache.pt"
    encoded = train_data.load_cached(cache_path, key)
    pipe = _load_pipeline(model, dtype, with_text_encoders=encoded is None)
    if encoded is None:
        try:
            encoded = train_data.encode(pipe, examples, prompts, resolution=options.resolution, device=device)
        except torch.OutOfMemoryError:
            raise FaultError(
                f"out of GPU memory while encoding the dataset at {options.resolution}²; free the GPU "
                "(another model loaded?) or lower --resolution, then run again"
            ) from None
        train_data.save_cache(cache_path, key, encoded)
    pipe.text_encoder = pipe.text_encoder_2 = None  # free their memory: never needed again
    pipe.set_progress_bar_config(disable=True)

    # 3. the LoRA (its A matrices start random: seeded, so a run is reproducible)
    torch.manual_seed(options.seed)
    try:
        trainer = FlowMatchingLoRA(
            pipe.transformer,
            LoraSettings(rank=options.rank, alpha=options.alpha, targets=tuple(options.targets), lr=options.lr,
                         weight_decay=options.weight_decay, guidance=options.guidance),
            device=device,
            dtype=dtype,
            gradient_checkpointing=device.type == "cuda",
        )
    except ValueError as exc:
        raise InputError(f"--targets: {exc}") from None
    losses: list[float] = list(state["losses"]) if state else []
    if state:
        from safetensors.torch import load_file

        trainer.load_lora_state(load_file(str(last / "lora.safetensors")))
        trainer.optimizer.load_state_dict(torch.load(last / "optimizer.pt", map_location=device, weights_only=True))
        for group in trainer.optimizer.param_groups:  # a new --lr / weight decay applies from here on
            group["lr"], group["weight_decay"] = options.lr, options.weight_decay

    def sample(step: int) -> None:
        if prompts and options.sample_every:
            render_samples(pipe, encoded.sample_embeds, encoded.sample_pooled, step=step, folder=samples_dir,
                           size=options.sample_size, steps=options.sample_steps, guidance=options.sample_guidance, seed=options.seed, device=device,
                           condition=reference)
            write_progress_gif(samples_dir, samples_dir / "progress.gif")

    # 4. train
    from tqdm import tqdm

    n = encoded.latents.shape[0]
    log.info(
        "training %s: %d examples (%s), %d steps from %d, batch %d, rank %d on %s, %d trainable parameters, %s",
        character.id, n, "conditioned on " + str(reference) if reference else "text to image", options.steps, start,
        options.batch_size, options.rank, ",".join(options.targets), trainer.trainable_parameters, device,
    )
    started = time.perf_counter()
    step = start
    checkpoint = last if state else None
    bar = tqdm(total=options.steps, initial=start, desc=f"train {character.id}", unit="step", file=sys.stderr)
    try:
        if start == 0:
            sample(0)  # the "before" frame of the progress GIF
        while step < options.steps:
            step += 1
            generator = torch.Generator().manual_seed(options.seed * 1_000_003 + step)  # same step, same draw
            idx = torch.randint(n, (options.batch_size,), generator=generator)
            cond = encoded.cond_latents[idx] if encoded.cond_latents is not None else None
            batch = Batch(encoded.latents[idx], encoded.prompt_embeds[idx], encoded.pooled[idx], cond)
            loss = trainer.step(batch, generator)
            if math.isnan(loss):
                raise FaultError(f"loss became NaN at step {step}; lower --lr and run again with --resume")
            losses.append(loss)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}")
            if step % options.checkpoint_every == 0 or step == options.steps:
                checkpoint = _save_checkpoint(ckpt_root, step, trainer, losses, options)
            if options.sample_every and step % options.sample_every == 0:
                sample(step)
    except torch.OutOfMemoryError:
        raise FaultError(
            f"out of GPU memory at step {step} (resolution {options.resolution}, batch {options.batch_size}); "
            f"lower --resolution or --batch-size, or free the GPU, then run again with --resume "
            f"(last checkpoint: {checkpoint or 'none'})"
        ) from None
    except KeyboardInterrupt:
        if step > start and losses and len(losses) == step:
            _save_checkpoint(ckpt_root, step, trainer, losses, options)
        raise
    finally:
        bar.close()
    elapsed = time.perf_counter() - started

    # 5. the final file and the sheet
    lora_path = folder / "lora" / f"{character.id}.safetensors"
    save_lora(trainer.merged_scale_state(), lora_path)
    sheet_value = point_sheet_at(folder / SHEET_NAME, lora_path)
    gif = samples_dir / "progress.gif"
    head = losses[: min(10, len(losses))]
    tail = losses[-min(10, len(losses)):]
    return {
        "character": character.id,
        "lora": str(lora_path),
        "sheet_lora_file": sheet_value,
        "step": step,
        "start_step": start,
        "steps_run": step - start,
        "checkpoint": str(checkpoint) if checkpoint else None,
        "loss_first": sum(head) / len(head) if head else float("nan"),
        "loss_last": sum(tail) / len(tail) if tail else float("nan"),
        "losses": losses,
        "samples": sorted(str(p) for p in samples_dir.glob("step-*.png")) if samples_dir.is_dir() else [],
        "gif": str(gif) if gif.is_file() else None,
        "device": str(device),
        "mode": options.mode,
        "trainable_parameters": trainer.trainable_parameters,
        "seconds": round(elapsed, 2),
        "seconds_per_step": round(elapsed / (step - start), 4) if step > start else None,
    }


def _config(options: TrainOptions) -> dict[str, Any]:
    """What a checkpoint must share with the run that resumes it."""
    return {"rank": options.rank, "alpha": options.alpha, "targets": list(options.targets),
            "resolution": options.resolution, "mode": options.mode}


def _resolve_model(value: str) -> str:
    from render.backends.kontext import resolve_model

    return resolve_model(value)


def _load_pipeline(model: str, dtype: torch.dtype, *, with_text_encoders: bool):
    from diffusers import FluxKontextPipeline

    skip = {} if with_text_encoders else {"text_encoder": None, "text_encoder_2": None, "tokenizer": None, "tokenizer_2": None}
    try:
        return FluxKontextPipeline.from_pretrained(model, dtype=dtype, **skip)
    except (OSError, ValueError) as exc:
        raise FaultError(
            f"cannot load the base model {model} ({first_line(exc)}); set CARTOON_KONTEXT_MODEL or --base-model to a downloaded FLUX.1 Kontext folder"
        ) from None


def _latest_checkpoint(root: Path) -> Path | None:
    found = sorted(p for p in root.glob("step-*") if p.is_dir() and (p / "state.json").is_file())
    return found[-1] if found else None


def _save_checkpoint(root: Path, step: int, trainer: FlowMatchingLoRA, losses: list[float], options: TrainOptions) -> Path:
    """Write to a temporary folder, then rename: a kill mid-save leaves the last good one."""
    import torch
    from safetensors.torch import save_file

    final = root / f"step-{step:06d}"
    tmp = root / f".step-{step:06d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(trainer.lora_state(), str(tmp / "lora.safetensors"))
    torch.save(trainer.optimizer.state_dict(), tmp / "optimizer.pt")
    (tmp / "state.json").write_text(json.dumps({"step": step, "losses": losses, "config": _config(options)}))
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    for old in sorted(p for p in root.glob("step-*") if p.is_dir())[: -options.keep_checkpoints]:
        shutil.rmtree(old, ignore_errors=True)
    return final
