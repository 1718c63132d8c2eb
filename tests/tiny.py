"""A tiny random `FluxKontextPipeline` and random character LoRAs, built entirely locally.

The same architecture as FLUX.1 Kontext (a FluxTransformer2DModel with double and single
blocks, a 16-channel FLUX VAE with an 8× down-scale, CLIP-L and T5 text encoders) at toy
sizes with random weights, so the real diffusers/peft code paths run on the CPU in well
under a second per 32×32 image. Nothing is downloaded: the tokenizers are trained here with
the `tokenizers` library on a few sentences.

    from tests.tiny import save_tiny_kontext, write_random_lora
    folder = save_tiny_kontext(tmp_path / "kontext")          # loads with from_pretrained
    write_random_lora(folder, tmp_path / "milo.safetensors", seed=1)  # loads with load_lora_weights

`build_kontext(...)` builds the same pipeline at any size (the benchmark's full-size FLUX.1
Kontext on a GPU). Tests using it should run torch on one thread: toy tensors gain nothing
from threads, and on shared cores the spinning workers make them several times slower.

Heavy imports (torch, diffusers, transformers, peft) happen inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diffusers import FluxKontextPipeline

CLIP_MAX_LENGTH = 77
T5_MAX_LENGTH = 512

# Sentences the toy tokenizers are trained on; any text still tokenizes (unknown → [UNK]).
_CORPUS = [
    "a cartoon raccoon standing upright in the lab, flat cartoon style",
    "a cartoon man with glasses and a grey beard asleep on an exercise bike",
    "m1l0 raccoon debugging at 2 AM at the desk with two monitors",
    "j4m3s man at the whiteboard next to the server rack and the workbench",
    "make this picture a flat cartoon; keep the characters from the reference images",
]

# Toy configs with the structure of FLUX.1 Kontext; the full-size ones are in
# benchmarks/kontext_bench.py.
TRANSFORMER_CONFIG: dict[str, Any] = {
    "patch_size": 1,
    "in_channels": 64,  # 16 latent channels packed 2×2, as in FLUX
    "num_layers": 1,
    "num_single_layers": 1,
    "attention_head_dim": 16,
    "num_attention_heads": 2,
    "joint_attention_dim": 32,
    "pooled_projection_dim": 32,
    "guidance_embeds": True,
    "axes_dims_rope": [4, 4, 8],
}
VAE_CONFIG: dict[str, Any] = {
    "sample_size": 32,
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [8, 8, 8, 8],  # 4 blocks → 8× down-scale, as in FLUX
    "layers_per_block": 1,
    "latent_channels": 16,
    "norm_num_groups": 4,
    "use_quant_conv": False,
    "use_post_quant_conv": False,
    "shift_factor": 0.1159,
    "scaling_factor": 0.3611,
}
CLIP_CONFIG: dict[str, Any] = {
    "hidden_size": 32,
    "intermediate_size": 37,
    "num_attention_heads": 4,
    "num_hidden_layers": 2,
    "max_position_embeddings": CLIP_MAX_LENGTH,
    "projection_dim": 32,
    "hidden_act": "gelu",
    "layer_norm_eps": 1e-5,
}
T5_CONFIG: dict[str, Any] = {
    "d_model": 32,
    "d_kv": 8,
    "d_ff": 37,
    "num_layers": 2,
    "num_decoder_layers": 2,
    "num_heads": 4,
    "relative_attention_num_buckets": 8,
    "feed_forward_proj": "gated-gelu",
    "decoder_start_token_id": 0,
}
LORA_TARGETS = ["to_q", "to_k", "to_v", "to_out.0"]


def toy_tokenizer(kind: str, vocab_size: int = 200) -> Any:
    """A WordPiece tokenizer trained on `_CORPUS`, wrapped as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    if kind == "clip":
        special = {
            "pad_token": "<|pad|>",
            "bos_token": "<|startoftext|>",
            "eos_token": "<|endoftext|>",
            "unk_token": "<|unk|>",
        }
    else:
        special = {"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}
    tok = Tokenizer(models.WordPiece(unk_token=special["unk_token"]))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(
        _CORPUS,
        trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(special.values())),
    )
    eos = special["eos_token"]
    if kind == "clip":  # CLIP wraps every prompt as <bos> … <eos>
        bos = special["bos_token"]
        tok.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A {eos}",
            special_tokens=[(bos, tok.token_to_id(bos)), (eos, tok.token_to_id(eos))],
        )
        max_length = CLIP_MAX_LENGTH
    else:  # T5 appends </s>
        tok.post_processor = processors.TemplateProcessing(
            single=f"$A {eos}", special_tokens=[(eos, tok.token_to_id(eos))]
        )
        max_length = T5_MAX_LENGTH
    return PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=max_length, **special)


def build_tiny_kontext(seed: int = 0) -> FluxKontextPipeline:
    """The tiny pipeline in memory (float32, CPU); the same seed gives the same weights."""
    return build_kontext(TRANSFORMER_CONFIG, VAE_CONFIG, CLIP_CONFIG, T5_CONFIG, seed=seed)


def build_kontext(
    transformer_config: dict[str, Any],
    vae_config: dict[str, Any],
    clip_config: dict[str, Any],
    t5_config: dict[str, Any],
    *,
    seed: int = 0,
    device: str = "cpu",
    dtype: Any = None,
    fast_init: bool = False,
) -> FluxKontextPipeline:
    """A FluxKontextPipeline of any size with random weights and the toy tokenizers.

    `fast_init` builds each model on the `meta` device and fills it on `device` with
    N(0, 0.02) weights (norm scales 1): seconds for the full 17-billion-parameter FLUX
    Kontext on a GPU, where the modules' own initialisers would take minutes on the CPU.
    """
    import torch
    from diffusers import AutoencoderKL, FluxKontextPipeline, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    dtype = dtype or torch.float32
    tokenizer = toy_tokenizer("clip")
    tokenizer_2 = toy_tokenizer("t5")
    clip = CLIPTextConfig(
        **{"vocab_size": len(tokenizer), **clip_config},
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    t5 = T5Config(
        **{"vocab_size": len(tokenizer_2), **t5_config},
        pad_token_id=tokenizer_2.pad_token_id,
        eos_token_id=tokenizer_2.eos_token_id,
    )
    makers = {
        "transformer": lambda: FluxTransformer2DModel(**transformer_config),
        "vae": lambda: AutoencoderKL(**vae_config),
        "text_encoder": lambda: CLIPTextModel(clip),
        "text_encoder_2": lambda: T5EncoderModel(t5),
    }
    models: dict[str, Any] = {}
    for name, make in makers.items():
        torch.manual_seed(seed)
        if not fast_init:
            model = make().to(device)
            models[name] = model if dtype == torch.float32 else model.to(dtype)
            continue
        default_dtype = torch.get_default_dtype()
        torch.set_default_dtype(dtype)
        try:
            with torch.device("meta"):
                model = make()
        finally:
            torch.set_default_dtype(default_dtype)
        model = model.to_empty(device=device)
        generator = torch.Generator(device=device).manual_seed(seed)
        with torch.no_grad():
            for pname, param in model.named_parameters():
                if param.ndim == 1 and ("norm" in pname or pname.endswith("scale")):
                    param.fill_(1.0)
                else:
                    param.normal_(0.0, 0.02, generator=generator)
            for buffer in model.buffers():  # e.g. position ids: rebuild what to_empty left empty
                if buffer.is_floating_point():
                    buffer.zero_()
        models[name] = model
    for name in ("text_encoder", "text_encoder_2"):  # position ids are buffers
        if fast_init:
            _reset_position_ids(models[name], device)
    pipe = FluxKontextPipeline(
        scheduler=flux_scheduler(),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer_2,
        **models,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _reset_position_ids(model: Any, device: str) -> None:
    import torch

    for module in model.modules():
        ids = getattr(module, "position_ids", None)
        if isinstance(ids, torch.Tensor) and not ids.is_floating_point():
            module.position_ids = (
                torch.arange(ids.shape[-1], device=device).expand(ids.shape).clone()
            )


def flux_scheduler() -> Any:
    """FLUX.1's scheduler settings (dynamic shifting by image size)."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    return FlowMatchEulerDiscreteScheduler(
        num_train_timesteps=1000,
        shift=3.0,
        use_dynamic_shifting=True,
        base_shift=0.5,
        max_shift=1.15,
        base_image_seq_len=256,
        max_image_seq_len=4096,
    )


def save_tiny_kontext(folder: Path, seed: int = 0) -> Path:
    """Write the tiny pipeline with `save_pretrained`, laid out like the hub's model folders,
    so `FluxKontextPipeline.from_pretrained(folder)` loads it the way it loads the real one."""
    folder = Path(folder)
    build_tiny_kontext(seed).save_pretrained(folder)
    return folder


def write_random_lora(
    model_folder: Path | None,
    path: Path,
    *,
    seed: int,
    rank: int = 4,
    targets: list[str] | None = None,
    transformer_config: dict[str, Any] | None = None,
    strength: float = 2.0,
    dtype: Any = None,
) -> Path:
    """A random LoRA for the transformer at `model_folder` (or `transformer_config`; both
    None: the tiny one), saved in the diffusers format with `FluxKontextPipeline.save_lora_weights`.

    peft names the LoRA layers on a `meta` copy of the transformer (no memory, any size);
    A and B are then filled with seeded random values (peft's default B = 0 is a no-op),
    B scaled by `strength` so the LoRA clearly moves the tiny model's output.
    """
    import torch
    from diffusers import FluxKontextPipeline, FluxTransformer2DModel
    from peft import LoraConfig, get_peft_model_state_dict

    if transformer_config is None:
        transformer_config = (
            dict(FluxTransformer2DModel.load_config(Path(model_folder) / "transformer"))
            if model_folder is not None
            else TRANSFORMER_CONFIG
        )
    with torch.device("meta"):
        transformer = FluxTransformer2DModel.from_config(transformer_config)
    transformer.add_adapter(
        LoraConfig(r=rank, lora_alpha=rank, target_modules=targets or LORA_TARGETS)
    )
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for key, meta in sorted(get_peft_model_state_dict(transformer).items()):
        fan_in = meta.shape[1]
        value = (torch.rand(meta.shape, generator=generator) * 2 - 1) / fan_in**0.5
        if "lora_B" in key:
            value = value * strength
        state[key] = value.to(dtype or torch.float32)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FluxKontextPipeline.save_lora_weights(
        path.parent, transformer_lora_layers=state, weight_name=path.name
    )
    return path
