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
    render_steps: int = Field(28, ge=1, le=200, description="Sampling steps (kontext, comfyui, training samples) when a request gives none")
    render_guidance: float = Field(2.5, ge=0.0, le=30.0, description="Guidance (kontext, comfyui, training samples) when a request gives none")
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
    # --- render service (service): `cartoon serve`, render/service/ ---
    render_token: str | None = Field(None, description="Bearer token the render service requires")
    render_admin_token: str | None = Field(
        None, description="A second bearer token that may also list every user's jobs; unset = none", repr=False
    )
    service_dir: Path = DATA_DIR / "service"
    service_backend: str | None = Field(None, description="Unset = CARTOON_DEFAULT_BACKEND")
    service_host: str = "127.0.0.1"
    service_port: int = 8400
    service_workers: int = Field(1, ge=0, description="Render threads in this process (0: API only)")
    queue: Literal["sqlite", "redis"] = "sqlite"
    redis_url: str = "redis://127.0.0.1:6379/0"
    service_width: int = Field(1024, ge=16, le=4096)
    service_height: int = Field(1024, ge=16, le=4096)
    service_steps: int | None = Field(None, ge=1, le=200)
    service_max_queued_per_user: int = Field(10, ge=1)
    service_max_running_per_user: int = Field(1, ge=1)
    service_max_queued: int = Field(500, ge=1)
    service_job_timeout_s: float = Field(600.0, gt=0)
    service_worker_timeout_s: float = Field(15.0, gt=0)
    service_max_attempts: int = Field(3, ge=1)
    service_retention_s: float = Field(7 * 86400.0, gt=0)
    service_isolation: Literal["auto", "process", "thread"] = Field(
        "auto", description="Where renders run: auto = a supervised process per slot, except preview (a thread)"
    )
    service_slot_gpus: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$",
        description="One GPU (index or UUID) per worker slot, e.g. 0,1: each slot process gets it as CUDA_VISIBLE_DEVICES; unset = inherit",
    )
    service_min_free_mb: int = Field(100, ge=0, description="Below this much free disk, submits answer 507")
    service_max_connections: int = Field(1000, ge=1, description="Open HTTP connections; idle ones make way")
    service_header_timeout_s: float = Field(10.0, gt=0, description="Seconds a client may take to send a request")
    service_keepalive_s: float = Field(5.0, gt=0, description="Seconds an idle keep-alive connection stays open")

    # --- gallery (gallery): the blog's picture pages under /gallery of `cartoon serve` ---
    gallery_url: str | None = Field(
        None, description="Public address of the gallery, e.g. https://cartoons.example/gallery; set: a 🖼 Gallery button under the bot's pictures"
    )
    gallery_password: str | None = Field(
        None, repr=False, description="A second secret for the gallery's login: browse, pick and export, not change pictures"
    )
    gallery_secret: str | None = Field(
        None, repr=False, description="Key that signs the gallery's cookies and share links; unset = derived from the token and password"
    )
    gallery_session_s: float = Field(14 * 86400.0, gt=0, description="Seconds a gallery login lasts")
    gallery_share_s: float = Field(7 * 86400.0, gt=0, description="Seconds a picture's share link works")
    gallery_page_size: int = Field(24, ge=1, le=200, description="Pictures per gallery page")

    @field_validator("gallery_url", "gallery_password", "gallery_secret", mode="before")
    @classmethod
    def _blank_gallery_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("gallery_url")
    @classmethod
    def _gallery_url_is_web(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value[:60]}' is not a web address; use e.g. https://cartoons.example/gallery")
        return value

    # --- bot (Discord): the bot process talks to the render service over HTTP ---
    # DISCORD_TOKEN has no CARTOON_ prefix (validation_alias), like the platform's own docs.
    discord_token: str | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"),
        description="Bot token from the Discord developer portal",
    )
    render_url: str = Field("http://127.0.0.1:8400", description="Base URL of `cartoon serve`")
    # The bot sends CARTOON_RENDER_TOKEN (the service's own setting) as its bearer token.
    render_fallback_url: str | None = Field(
        None, description="A second `cartoon serve` (e.g. --backend openai) used when the first is down; unset = none"
    )
    render_fallback_token: str | None = Field(
        None, description="Bearer token of the fallback service; unset = CARTOON_RENDER_TOKEN"
    )
    dev_guild: int | None = Field(None, description="Guild id: sync slash commands there at once")
    user_characters: dict[str, str] = Field(
        default_factory=dict, description='Discord user id → character id, e.g. {"1234": "james"}'
    )
    daily_channel: int | None = Field(None, description="Channel id for the daily post; unset = off")
    daily_time: str = Field("09:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", description="HH:MM")
    daily_tz: str = Field("UTC", description="IANA time zone of daily_time, e.g. Europe/Berlin")
    daily_prompts: Path = DATA_DIR / "daily_prompts.txt"
    daily_james_every: int = Field(3, ge=0, description="James joins Milo every Nth day (0 = never)")
    bot_state_dir: Path = Field(DATA_DIR / "bot", description="Followed jobs, scheduler job store, daily state, command-sync hash")
    bot_progress_interval_s: float = Field(2.5, ge=2.0, le=3.0, description="Seconds between edits")
    bot_max_text_chars: int = Field(500, ge=10, le=1000, description="Longest scene text accepted")
    bot_job_timeout_s: float = Field(1800.0, gt=0, description="Give up on (and cancel) a job after this long")
    bot_slogan_cooldown_s: float = Field(20.0, ge=0, description="Seconds between two slogan changes of one person")
    bot_blocked_words: str = Field(
        "", description="Words refused in scenes, slogans and edits besides data/blocked_words.txt, comma-separated"
    )

    @field_validator("daily_tz")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name like Europe/Berlin or UTC") from None
        return value

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

    # --- compositor (shirt text) ---
    pose_weights: Path = Field(
        REPO_ROOT / "models" / "yolov8n-pose.pt",
        description="YOLOv8-pose weights for the compositor's pose stage; missing = stage skipped",
    )
    shirt_min_font_px: int = Field(12, ge=6, description="Smallest readable slogan size; below it = error")

    # --- deployment (cartoon doctor, compose.yaml) ---
    models_dir: Path = Field(Path("models"), description="Folder holding the weights (mounted at /models in the render image)")
    discord_api_url: str = Field("https://discord.com/api/v10", description="Discord REST API base of the bot and the doctor; tests point it at a local server")
    doctor_timeout_s: float = Field(5.0, gt=0, description="Seconds `cartoon doctor` waits for each server")
    doctor_require_gpu: bool = Field(False, description="A missing GPU is a failure, not a warning (set on the render box)")
    doctor_min_free_gpu_gib: float = Field(24.0, ge=0, description="Free GPU memory below this is a warning")

    @field_validator("service_steps", "dev_guild", "daily_channel", "service_slot_gpus", mode="before")
    @classmethod
    def _blank_number_is_unset(cls, value: object) -> object:
        # `NAME=` as .env.example lists it must mean "unset", or `cp .env.example .env`
        # breaks every command (tests/deploy/test_env_example.py loads the example).
        return None if isinstance(value, str) and not value.strip() else value

    # --- characters: prep, caption, train (making a character) ---
    prep_size: int = Field(1024, ge=64, description="Side of the square training images")
    prep_min_size: int = Field(512, ge=1, description="Images whose short side is smaller are rejected")
    prep_hash_threshold: int = Field(6, ge=0, le=64, description="Perceptual-hash distance at or below which two images are duplicates")
    vlm_url: str | None = Field(None, description="OpenAI-compatible vision endpoint for captions; unset + OPENAI_API_KEY = OpenAI")
    vlm_model: str = "gpt-4o-mini"
    vlm_api_key: str | None = Field(
        None, validation_alias=AliasChoices("vlm_api_key", "CARTOON_VLM_API_KEY", "OPENAI_API_KEY")
    )
    vlm_timeout_s: float = 60.0
    vlm_max_attempts: int = Field(8, ge=1, description="Tries per image on 429/5xx before giving up")
    vlm_backoff_s: float = Field(2.0, ge=0.0, description="First wait after a 429 without Retry-After; doubles each time")
    vlm_backoff_max_s: float = 60.0
    train_rank: int = Field(32, ge=1)
    train_alpha: float = Field(16.0, gt=0)
    train_targets: list[str] = ["to_q", "to_k", "to_v", "to_out.0"]
    train_mode: Literal["i2i", "t2i"] = Field(
        "i2i", description="i2i: condition on the character's reference image (Kontext); t2i: text alone"
    )
    train_lr: float = 1e-4
    train_weight_decay: float = 1e-4
    train_batch_size: int = Field(1, ge=1)
    train_resolution: int = Field(1024, ge=16, description="Training images are resized to this square side")
    train_guidance: float = Field(1.0, description="Value fed to FLUX's guidance embedding while training")
    train_checkpoint_every: int = Field(100, ge=1)
    train_keep_checkpoints: int = Field(2, ge=1, description="Checkpoints kept on disk; older ones are deleted as new ones land")
    train_sample_every: int = Field(100, ge=0, description="Steps between sample images; 0 = none")
    train_sample_steps: int = Field(20, ge=1)
    train_sample_size: int = Field(512, ge=16)
    train_sample_prompts: list[str] = [
        "{trigger}, standing in a home lab next to a server rack, full body, flat cartoon style",
        "{trigger}, close-up portrait, smiling, plain background, flat cartoon style",
    ]
    train_seed: int = 42


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
