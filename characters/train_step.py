"""One LoRA training step on the FLUX Kontext transformer: flow matching (seed 002).

Given clean latents z, noise e and a noise level s drawn logit-normally
(`compute_density_for_timestep_sampling`), the transformer sees z_s = (1 - s) z + s e,
packed into FLUX's 2×2 patches, with the guidance embedding set, and is trained to predict
the velocity e - z (MSE over z's tokens). Only the peft LoRA weights learn.

Kontext's image-to-image mode (the default, as in diffusers' Kontext DreamBooth script): the
condition's clean latents c (the character's reference image) are packed too and appended
along the sequence, [z_s ; c], with position ids whose first axis is 1 for c's tokens (0 for
the target's), exactly how the pipeline passes its input image at render time; the loss reads
only the first len(z_s) tokens of the prediction. Without c (text-to-image), the sequence is
z_s alone. `cartoon train` and `benchmarks/train_bench.py` both run this class, so the
benchmark times the real step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from diffusers import FluxTransformer2DModel

    from core.settings import Settings


@dataclass(frozen=True)
class LoraSettings:
    """The LoRA and optimiser for one run; the defaults are core.settings' CARTOON_TRAIN_*."""

    rank: int
    alpha: float
    targets: tuple[str, ...]
    lr: float
    weight_decay: float
    guidance: float
    logit_mean: float = 0.0
    logit_std: float = 1.0
    max_grad_norm: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LoraSettings:
        values: dict[str, Any] = {
            "rank": settings.train_rank,
            "alpha": settings.train_alpha,
            "targets": tuple(settings.train_targets),
            "lr": settings.train_lr,
            "weight_decay": settings.train_weight_decay,
            "guidance": settings.train_guidance,
        }
        return cls(**{**values, **overrides})


@dataclass
class Batch:
    """Cached inputs for one step: VAE latents (B, 16, h, w), text embeddings, and in I2I mode
    the condition's latents (B, 16, hc, wc)."""

    latents: torch.Tensor
    prompt_embeds: torch.Tensor  # (B, seq, joint_attention_dim), T5
    pooled: torch.Tensor  # (B, pooled_projection_dim), CLIP
    cond_latents: torch.Tensor | None = None  # None: text-to-image


class FlowMatchingLoRA:
    """A FLUX transformer with a fresh peft LoRA and its AdamW optimizer."""

    def __init__(
        self,
        transformer: FluxTransformer2DModel,
        lora: LoraSettings,
        *,
        device: str | torch.device,
        dtype: torch.dtype,
        gradient_checkpointing: bool,
        num_train_timesteps: int = 1000,
    ) -> None:
        from diffusers.training_utils import cast_training_params
        from peft import LoraConfig

        self.lora = lora
        self.device = torch.device(device)
        self.dtype = dtype
        self.num_train_timesteps = num_train_timesteps
        transformer.requires_grad_(False)
        transformer.to(self.device, dtype=dtype)
        transformer.add_adapter(
            LoraConfig(
                r=lora.rank,
                lora_alpha=lora.alpha,
                init_lora_weights="gaussian",
                target_modules=list(lora.targets),
            )
        )
        if gradient_checkpointing:
            transformer.enable_gradient_checkpointing()
        # The frozen base may be bf16; the LoRA weights train in float32 for stable Adam updates.
        cast_training_params(transformer, dtype=torch.float32)
        transformer.train()
        self.transformer = transformer
        self.params = [p for p in transformer.parameters() if p.requires_grad]
        if not self.params:
            raise ValueError(f"no module matched LoRA targets {list(lora.targets)}; pass names such as to_q,to_k,to_v,to_out.0")
        self.optimizer = torch.optim.AdamW(self.params, lr=lora.lr, weight_decay=lora.weight_decay)

    @property
    def trainable_parameters(self) -> int:
        return sum(p.numel() for p in self.params)

    def loss(self, batch: Batch, generator: torch.Generator) -> torch.Tensor:
        """The flow-matching loss for `batch`; noise and noise levels come from `generator`."""
        from diffusers import FluxKontextPipeline
        from diffusers.training_utils import compute_density_for_timestep_sampling

        z = batch.latents.to(self.device, self.dtype)
        bsz, channels, height, width = z.shape
        noise = torch.randn(z.shape, generator=generator, dtype=torch.float32).to(self.device, self.dtype)
        u = compute_density_for_timestep_sampling(
            weighting_scheme="logit_normal",
            batch_size=bsz,
            logit_mean=self.lora.logit_mean,
            logit_std=self.lora.logit_std,
            generator=generator,
        )
        # The scheduler's training grid: sigma = t / 1000 for t in 1..1000 (FLUX shifts only at inference).
        steps = (u * self.num_train_timesteps).long().clamp(0, self.num_train_timesteps - 1)
        sigmas = ((self.num_train_timesteps - steps).float() / self.num_train_timesteps).to(self.device)
        s = sigmas.view(-1, 1, 1, 1).to(self.dtype)
        noisy = (1.0 - s) * z + s * noise

        packed = FluxKontextPipeline._pack_latents(noisy, bsz, channels, height, width)  # (B, T, 64)
        ids = FluxKontextPipeline._prepare_latent_image_ids(bsz, height // 2, width // 2, self.device, self.dtype)
        tokens = packed.shape[1]
        if batch.cond_latents is not None:
            c = batch.cond_latents.to(self.device, self.dtype)
            _, _, cond_h, cond_w = c.shape
            cond_ids = FluxKontextPipeline._prepare_latent_image_ids(bsz, cond_h // 2, cond_w // 2, self.device, self.dtype)
            cond_ids[..., 0] = 1  # Kontext marks the condition's tokens on the first id axis
            packed = torch.cat([packed, FluxKontextPipeline._pack_latents(c, bsz, channels, cond_h, cond_w)], dim=1)
            ids = torch.cat([ids, cond_ids], dim=0)
        prompt_embeds = batch.prompt_embeds.to(self.device, self.dtype)
        txt_ids = torch.zeros(prompt_embeds.shape[1], 3, device=self.device, dtype=self.dtype)
        guidance = None
        if self.transformer.config.guidance_embeds:
            guidance = torch.full((bsz,), self.lora.guidance, device=self.device, dtype=torch.float32)
        pred = self.transformer(
            hidden_states=packed,
            timestep=sigmas.to(self.dtype),
            guidance=guidance,
            pooled_projections=batch.pooled.to(self.device, self.dtype),
            encoder_hidden_states=prompt_embeds,
            txt_ids=txt_ids,
            img_ids=ids,
            return_dict=False,
        )[0][:, :tokens]  # the target's tokens only
        # The velocity e - z, packed the same way (the MSE does not care about token order).
        target = FluxKontextPipeline._pack_latents(noise - z, bsz, channels, height, width)
        return torch.nn.functional.mse_loss(pred.float(), target.float())

    def step(self, batch: Batch, generator: torch.Generator) -> float:
        """One optimizer step; returns the loss."""
        loss = self.loss(batch, generator)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, self.lora.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return float(loss.detach())

    # --- state for checkpoints and the final file ---
    def lora_state(self) -> dict[str, torch.Tensor]:
        """peft's state dict of the LoRA weights (keys without the adapter name)."""
        from peft import get_peft_model_state_dict

        return {k: v.detach().to("cpu").contiguous() for k, v in get_peft_model_state_dict(self.transformer).items()}

    def load_lora_state(self, state: dict[str, torch.Tensor]) -> None:
        from peft import set_peft_model_state_dict

        result = set_peft_model_state_dict(self.transformer, state)
        unexpected = getattr(result, "unexpected_keys", None)
        if unexpected:
            raise ValueError(f"checkpoint does not match this LoRA (rank/targets changed?): {unexpected[0]}")
        from diffusers.training_utils import cast_training_params

        cast_training_params(self.transformer, dtype=torch.float32)

    def merged_scale_state(self) -> dict[str, torch.Tensor]:
        """The LoRA with alpha/rank folded into B (bf16): loaders that assume alpha = rank
        (ComfyUI without alpha keys, diffusers without metadata) then apply it unchanged."""
        scale = self.lora.alpha / self.lora.rank
        out = {}
        for key, value in self.lora_state().items():
            value = value.float() * scale if "lora_B" in key else value.float()
            out[key] = value.to(torch.bfloat16)
        return out
