"""Which diffusers-format FLUX LoRA keys ComfyUI's LoRA loader maps onto its model, as data.

ComfyUI (comfy/utils.py `flux_to_diffusers`, used by comfy/lora.py for FLUX) maps these
diffusers module names of the transformer to its own fused layers, and looks a LoRA's weights
up as `transformer.<module>.lora_A.weight` / `.lora_B.weight` (its "diffusers3" key style).
A key outside this table is silently ignored by ComfyUI: the LoRA would load with part of it
missing. The table lists module names only; checked against ComfyUI's source, 2026.
"""

from __future__ import annotations

import re

DOUBLE_BLOCK = {
    "attn.to_q", "attn.to_k", "attn.to_v", "attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj",
    "attn.to_out.0", "attn.to_add_out", "ff.net.0.proj", "ff.net.2", "ff_context.net.0.proj",
    "ff_context.net.2", "norm1.linear", "norm1_context.linear",
}
SINGLE_BLOCK = {"attn.to_q", "attn.to_k", "attn.to_v", "proj_mlp", "proj_out", "norm.linear"}
TOP_LEVEL = {
    "proj_out", "x_embedder", "context_embedder", "norm_out.linear",
    "time_text_embed.timestep_embedder.linear_1", "time_text_embed.timestep_embedder.linear_2",
    "time_text_embed.text_embedder.linear_1", "time_text_embed.text_embedder.linear_2",
    "time_text_embed.guidance_embedder.linear_1", "time_text_embed.guidance_embedder.linear_2",
}
_KEY = re.compile(r"^transformer\.(?P<module>.+)\.lora_(?P<which>[AB])\.weight$")
_BLOCK = re.compile(r"^(?P<kind>transformer_blocks|single_transformer_blocks)\.(?P<index>\d+)\.(?P<rest>.+)$")


def comfyui_maps(key: str) -> bool:
    """Whether ComfyUI's FLUX LoRA loader picks this file key up."""
    match = _KEY.match(key)
    if not match:
        return False
    module = match["module"]
    block = _BLOCK.match(module)
    if block is None:
        return module in TOP_LEVEL
    table = DOUBLE_BLOCK if block["kind"] == "transformer_blocks" else SINGLE_BLOCK
    return block["rest"] in table


def modules(keys: list[str]) -> dict[str, set[str]]:
    """module → the set of {"A", "B"} present for it."""
    found: dict[str, set[str]] = {}
    for key in keys:
        match = _KEY.match(key)
        if match:
            found.setdefault(match["module"], set()).add(match["which"])
    return found
