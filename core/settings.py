"""Settings from environment variables (prefix `CARTOON_`) or a `.env` file.

Every setting is listed, with a comment, in `.env.example`. Read them with
`get_settings()`; tests build `Settings(...)` directly with the values they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import CHARACTERS_DIR, DATA_DIR, REPO_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CARTOON_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- the planner's LLM (any OpenAI-compatible chat endpoint, e.g. vLLM + Qwen3) ---
    llm_url: str | None = Field(None, description="Base URL, e.g. http://spark2:8003/v1; unset = rules only")
    llm_model: str = "Qwen/Qwen3-32B"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 8.0

    # --- data ---
    data_dir: Path = DATA_DIR
    characters_dir: Path = CHARACTERS_DIR

    # --- render: backends, `cartoon scene`, `cartoon plates` ---
    default_backend: str = Field("preview", description="preview | kontext | comfyui | openai")
    output_dir: Path = Field(Path("out"), description="Where `cartoon scene` writes when -o has no folder")
    comfyui_url: str = Field("http://127.0.0.1:8188", description="ComfyUI server, e.g. http://spark2:8188")
    comfyui_timeout_s: float = Field(900.0, gt=0, description="Longest wait for one ComfyUI render")
    comfyui_workflow: str | None = Field(None, description="API-format workflow; unset = render/workflows/kontext_api.json")
    comfyui_unet: str = "flux1-kontext-dev.safetensors"
    comfyui_clip_l: str = "clip_l.safetensors"
    comfyui_t5: str = "t5xxl_fp16.safetensors"
    comfyui_vae: str = "ae.safetensors"
    comfyui_style_lora: str | None = Field(
        "FLUX-kontext-lora-flat-cartoon-style.safetensors", description="In ComfyUI's models/loras; empty = none"
    )
    comfyui_style_lora_weight: float = Field(1.0, ge=0.0, le=2.0)
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key"), repr=False
    )
    openai_base_url: str | None = Field(None, description="Unset = api.openai.com; any OpenAI-compatible images API")
    openai_image_model: str = "gpt-image-1"
    openai_timeout_s: float = Field(180.0, gt=0, description="Per attempt; one retry on timeout or 5xx")

    # --- compositor (shirt text) ---
    pose_weights: Path = Field(
        REPO_ROOT / "models" / "yolov8n-pose.pt",
        description="YOLOv8-pose weights for the compositor's pose stage; missing = stage skipped",
    )
    shirt_min_font_px: int = Field(12, ge=6, description="Smallest readable slogan size; below it = error")

    # --- kontext: the diffusers FluxKontextPipeline backend ---
    kontext_model: str = Field(
        "black-forest-labs/FLUX.1-Kontext-dev", description="Local model folder or hub id"
    )
    style_lora: Path | None = Field(None, description="Flat-cartoon style LoRA (.safetensors)")
    style_lora_weight: float = Field(1.0, ge=0.0, le=2.0)
    kontext_device: str = Field("auto", description="auto (cuda if present), cuda, cuda:1, cpu")
    kontext_offload: Literal["none", "model", "group"] = Field(
        "none", description="CPU offload for smaller cards: model (whole models) or group (blocks)"
    )
    kontext_fp8: bool = Field(False, description="Store the transformer's weights in float8")
    kontext_compile: bool = Field(
        False, description="torch.compile the transformer (implies hotswap)"
    )
    kontext_hotswap: bool | None = Field(None, description="LoRA hot-swap; unset: on with compile")
    kontext_attention: str | None = Field(
        None, description="diffusers attention backend, e.g. _native_cudnn, flash; unset: PyTorch SDPA"
    )
    kontext_require_loras: bool = Field(
        True, description="A plan character without a LoRA file is an error (false: reference only)"
    )

    @field_validator("style_lora", "kontext_hotswap", "kontext_attention", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("kontext_offload", mode="before")
    @classmethod
    def _offload_bool(cls, value: object) -> object:
        # CARTOON_KONTEXT_OFFLOAD=true means model offload; false or empty means none.
        text = str(value).strip().lower()
        aliases = {"true": "model", "1": "model", "yes": "model", "false": "none", "0": "none", "no": "none"}
        return aliases.get(text, "none" if text == "" else value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
