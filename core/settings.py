"""Settings from environment variables (prefix `CARTOON_`) or a `.env` file.

Every setting is listed, with a comment, in `.env.example`. Read them with
`get_settings()`; tests build `Settings(...)` directly with the values they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import CHARACTERS_DIR, DATA_DIR


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

    # --- deployment (cartoon doctor, compose.yaml) ---
    models_dir: Path = Field(Path("models"), description="Folder holding the weights (mounted at /models in the render image)")
    discord_api_url: str = Field("https://discord.com/api/v10", description="Discord REST API base; tests point it at a local server")
    doctor_timeout_s: float = Field(5.0, gt=0, description="Seconds `cartoon doctor` waits for each server")
    doctor_require_gpu: bool = Field(False, description="A missing GPU is a failure, not a warning (set on the render box)")
    doctor_min_free_gpu_gib: float = Field(24.0, ge=0, description="Free GPU memory below this is a warning")
    # Settings the doctor reads that belong to other areas (bot, service, render). Defined
    # here until those land; on a merge keep ONE definition of each (tests/deploy checks).
    discord_token: str | None = Field(None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"))
    render_url: str | None = Field(None, description="Render service base URL, e.g. http://render:8400")
    render_token: str | None = Field(None, description="Bearer token shared by the bot and the render service")
    kontext_model: str = "black-forest-labs/FLUX.1-Kontext-dev"
    style_lora: Path | None = Field(None, description="The flat-cartoon style LoRA (.safetensors)")
    pose_model: Path | None = Field(None, description="yolov8n-pose.pt for the compositor; unset = <models_dir>/yolov8n-pose.pt")
    daily_channel_id: int | None = Field(None, description="Discord channel for the daily mascot post")
    queue: str = Field("sqlite", description="Render queue engine: sqlite (one box) or redis (scale-out)")
    redis_url: str | None = Field(None, description="Redis URL for queue=redis")

    @field_validator("style_lora", "pose_model", "daily_channel_id", "discord_token", "render_url",
                     "render_token", "redis_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `NAME=` in .env (as .env.example writes it) means "not set", not "" or Path(".").
        return None if isinstance(value, str) and not value.strip() else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
