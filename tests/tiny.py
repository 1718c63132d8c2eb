"""A tiny random `FluxKontextPipeline` and random character LoRAs, built entirely locally.

The same architecture as FLUX.1 Kontext (a FluxTransformer2DModel with double and single
blocks, a 16-channel FLUX VAE with an 8× down-scale, CLIP-L and T5 text encoders) at toy
sizes with random weights, so the real diffusers/peft code paths run on the CPU in well
under a second per 32×32 image. Nothing is downloaded: the tokenizers are trained here with
the `tokenizers` library on a few sentences.

    from tests.tiny import save_tiny_kontext, write_random_lora
    folder = save_tiny_kontext(tmp_path / "kontext")          # loads with from_pretrained
    write_random_lora(folder, tmp_path / "milo.safetensors", seed=1)  # loads with load_lora_weights

Heavy imports (torch, diffusers, transformers, peft) happen inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diffusers import FluxKontextPipeline, FluxTransformer2DModel

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


def _train_tokenizer(kind: str, vocab_size: int = 200) -> Any:
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


def tiny_transformer(seed: int = 0) -> FluxTransformer2DModel:
    import torch
    from diffusers import FluxTransformer2DModel

    torch.manual_seed(seed)
    return FluxTransformer2DModel(**TRANSFORMER_CONFIG)


def build_tiny_kontext(seed: int = 0) -> FluxKontextPipeline:
    """The tiny pipeline in memory (float32, CPU); the same seed gives the same weights."""
    import torch
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxKontextPipeline
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    tokenizer = _train_tokenizer("clip")
    tokenizer_2 = _train_tokenizer("t5")
    transformer = tiny_transformer(seed)
    torch.manual_seed(seed)
    vae = AutoencoderKL(**VAE_CONFIG)
    torch.manual_seed(seed)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            **CLIP_CONFIG,
            vocab_size=len(tokenizer),
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    torch.manual_seed(seed)
    text_encoder_2 = T5EncoderModel(
        T5Config(
            **T5_CONFIG,
            vocab_size=len(tokenizer_2),
            pad_token_id=tokenizer_2.pad_token_id,
            eos_token_id=tokenizer_2.eos_token_id,
        )
    )
    # FLUX.1's scheduler settings (dynamic shifting by image size).
    scheduler = FlowMatchEulerDiscreteScheduler(
        num_train_timesteps=1000,
        shift=3.0,
        use_dynamic_shifting=True,
        base_shift=0.5,
        max_shift=1.15,
        base_image_seq_len=256,
        max_image_seq_len=4096,
    )
    pipe = FluxKontextPipeline(
        scheduler=scheduler,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        text_encoder_2=text_encoder_2,
        tokenizer_2=tokenizer_2,
        transformer=transformer,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


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
) -> Path:
    """A random LoRA for the transformer at `model_folder` (None: the tiny config), saved in
    the diffusers format with `FluxKontextPipeline.save_lora_weights`.

    peft's `init_lora_weights=False` makes both A and B random, so the LoRA changes the
    output (the default init makes B zero: a no-op).
    """
    import torch
    from diffusers import FluxKontextPipeline, FluxTransformer2DModel
    from peft import LoraConfig, get_peft_model_state_dict

    if model_folder is None:
        transformer = tiny_transformer()
    else:
        config = FluxTransformer2DModel.load_config(Path(model_folder) / "transformer")
        with torch.device("meta"):  # only module names and shapes matter here
            transformer = FluxTransformer2DModel.from_config(config)
        transformer.to_empty(device="cpu")
    torch.manual_seed(seed)
    transformer.add_adapter(
        LoraConfig(
            r=rank, lora_alpha=rank, target_modules=targets or LORA_TARGETS, init_lora_weights=False
        )
    )
    # Scale the random LoRA so it moves the tiny model's output clearly but stays finite.
    state = {k: v.detach().clone() * 2.0 for k, v in get_peft_model_state_dict(transformer).items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FluxKontextPipeline.save_lora_weights(
        path.parent, transformer_lora_layers=state, weight_name=path.name
    )
    return path
