"""Test helpers for deployments: the files of one laid out in a temporary folder (weights,
LoRAs, plates), the `Deployment` record the fixtures hand out, the bot's made-up token and
ids, and a URL where nothing listens."""

from __future__ import annotations

import base64
import json
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from safetensors.numpy import save_file

from core.paths import CHARACTERS_DIR
from core.settings import Settings
from tests.servers.discord_channels import GuildState
from tests.servers.json_http import JsonServer
from tests.servers.openai_compat import OpenAICompatServer
from tests.servers.render_health import RenderState

BOT_ID = "1234567890123456789"
# Shaped like a real bot token: base64(bot id) . timestamp . hmac (made up).
DISCORD_TOKEN = base64.urlsafe_b64encode(BOT_ID.encode()).decode().rstrip("=") + ".GhT2aB.x" + "k" * 37
RENDER_TOKEN = "render-secret-for-tests"
CHANNEL_ID = "800000000000000002"
KONTEXT_COMPONENTS = ("scheduler", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "transformer", "vae")


def write_lora(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"lora_A.weight": np.zeros((4, 8), dtype=np.float32)}, str(path))


def lay_out_files(root: Path) -> dict[str, Path]:
    """models/ (a diffusers Kontext folder, style LoRA, pose model), characters/ with LoRAs, data/plates."""
    models = root / "models"
    kontext = models / "FLUX.1-Kontext-dev"
    index = {"_class_name": "FluxKontextPipeline", "_diffusers_version": "0.42.0", "feature_extractor": [None, None]}
    for name in KONTEXT_COMPONENTS:
        (kontext / name).mkdir(parents=True)
        index[name] = ["diffusers", "X"]
    (kontext / "model_index.json").write_text(json.dumps(index))
    write_lora(models / "loras" / "flat-cartoon.safetensors")
    (models / "yolov8n-pose.pt").write_bytes(b"\x80\x02weights")
    characters = root / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "lora"))
    for sheet in characters.glob("*/character.toml"):
        write_lora(sheet.parent / "lora" / f"{sheet.parent.name}.safetensors")
    plates = root / "data" / "plates"
    plates.mkdir(parents=True)
    for wall in ("north", "east", "south", "west"):
        Image.new("RGB", (8, 8), "grey").save(plates / f"{wall}.png")
    return {"models": models, "kontext": kontext, "characters": characters, "data": root / "data"}


@dataclass
class Deployment:
    root: Path
    paths: dict[str, Path]
    render: RenderState
    guild: GuildState
    llm: OpenAICompatServer
    render_server: JsonServer
    discord_server: JsonServer

    @property
    def render_url(self) -> str:
        return self.render_server.url

    @property
    def discord_url(self) -> str:
        return self.discord_server.url

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "discord_token": DISCORD_TOKEN,
            "render_url": self.render_url,
            "render_token": RENDER_TOKEN,
            "llm_url": self.llm.url,
            "llm_model": "Qwen/Qwen3-32B",
            "models_dir": self.paths["models"],
            "kontext_model": str(self.paths["kontext"]),
            "style_lora": self.paths["models"] / "loras" / "flat-cartoon.safetensors",
            "characters_dir": self.paths["characters"],
            "data_dir": self.paths["data"],
            "daily_channel": int(CHANNEL_ID),
            "service_backend": "kontext",
            "pose_weights": self.paths["models"] / "yolov8n-pose.pt",
            "discord_api_url": self.discord_url + "/api/v10",
            "doctor_timeout_s": 3.0,
            "service_dir": self.root / "service",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    def env(self, **overrides: str) -> dict[str, str]:
        """The same deployment as environment variables, for `cartoon doctor` subprocesses."""
        s = self.settings()
        env = {
            "DISCORD_TOKEN": DISCORD_TOKEN,
            "CARTOON_RENDER_URL": self.render_url,
            "CARTOON_RENDER_TOKEN": RENDER_TOKEN,
            "CARTOON_LLM_URL": self.llm.url,
            "CARTOON_LLM_MODEL": s.llm_model,
            "CARTOON_MODELS_DIR": str(s.models_dir),
            "CARTOON_KONTEXT_MODEL": s.kontext_model,
            "CARTOON_STYLE_LORA": str(s.style_lora),
            "CARTOON_CHARACTERS_DIR": str(s.characters_dir),
            "CARTOON_DATA_DIR": str(s.data_dir),
            "CARTOON_DAILY_CHANNEL": CHANNEL_ID,
            "CARTOON_SERVICE_BACKEND": "kontext",
            "CARTOON_POSE_WEIGHTS": str(s.pose_weights),
            "CARTOON_DISCORD_API_URL": s.discord_api_url,
            "CARTOON_SERVICE_DIR": str(s.service_dir),
        }
        env.update(overrides)
        return env


def closed_port_url() -> str:
    """A URL where nothing listens (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
