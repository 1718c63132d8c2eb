"""Settings from environment variables (prefix `CARTOON_`) or a `.env` file.

Every setting is listed, with a comment, in `.env.example`. Read them with
`get_settings()`; tests build `Settings(...)` directly with the values they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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

    # --- compositor (shirt text) ---
    pose_weights: Path = Field(
        REPO_ROOT / "models" / "yolov8n-pose.pt",
        description="YOLOv8-pose weights for the compositor's pose stage; missing = stage skipped",
    )
    shirt_min_font_px: int = Field(12, ge=6, description="Smallest readable slogan size; below it = error")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
