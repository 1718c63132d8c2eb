"""`cartoon doctor` against a healthy deployment and against each failure it names:
real servers on 127.0.0.1 (render service, OpenAI-compatible LLM, Discord REST API),
real files in a temporary folder."""

from __future__ import annotations

import pytest

from core.doctor import CHECKS, run_doctor
from core.doctor.discord import ATTACH_FILES, SEND_MESSAGES, VIEW_CHANNEL
from tests.deploy.helpers import BOT_ID, CHANNEL_ID, DISCORD_TOKEN, Deployment, closed_port_url

NO_GPU = [n for n in CHECKS if n != "gpu"]  # the GPU check has its own tests


def one(deployment: Deployment, name: str, **overrides: object):
    return run_doctor(deployment.settings(**overrides), [name]).checks[0]


def test_a_healthy_deployment_passes_every_check(deployment: Deployment) -> None:
    report = run_doctor(deployment.settings(), NO_GPU)
    assert [(c.name, c.status) for c in report.checks] == [(n, "ok") for n in NO_GPU], report.to_text()
    assert report.ok
    assert "#daily-milo" in report.checks[-1].message
    render_auth = [h.get("authorization") for _, p, h in deployment.render_server.requests if p.startswith("/v1/")]
    assert render_auth == ["Bearer render-secret-for-tests"]
    assert {h["authorization"] for _, _, h in deployment.discord_server.requests} == {f"Bot {DISCORD_TOKEN}"}


# --- token -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "says"),
    [
        (None, "DISCORD_TOKEN is not set"),
        ("", "DISCORD_TOKEN is not set"),
        (f'"{DISCORD_TOKEN}"', "quotes"),
        (BOT_ID, "application or user ID"),
        ("a" * 32, "not shaped like a bot token"),  # the client secret, pasted by mistake
        ("bm90LWRpZ2l0cy1hdC1hbGwx.GhT2aB." + "k" * 38, "its first part is not a user id"),
    ],
)
def test_a_wrong_token_is_named(deployment: Deployment, token: str | None, says: str) -> None:
    result = one(deployment, "token", discord_token=token)
    assert result.status == "fail"
    assert says in result.message
    assert "\n" not in result.message


def test_a_token_the_bot_cleans_up_is_a_warning(deployment: Deployment) -> None:
    for token in (f"Bot {DISCORD_TOKEN}", f" {DISCORD_TOKEN}\n"):
        result = one(deployment, "token", discord_token=token)
        assert result.status == "warn"
        assert "write the token alone" in result.message
    # The channel check sends the cleaned token, as the bot does.
    assert one(deployment, "channel", discord_token=f"Bot {DISCORD_TOKEN}").status == "ok"


# --- render service and backend ------------------------------------------------------------
def test_render_server_down(deployment: Deployment) -> None:
    url = closed_port_url()
    report = run_doctor(deployment.settings(render_url=url), ["render", "backend"])
    render, backend = report.checks
    assert render.status == "fail"
    assert "unreachable" in render.message
    assert url in render.message
    assert "docker compose up -d render" in render.message
    assert backend.status == "fail"
    assert "render check" in backend.message


def test_render_wrong_token(deployment: Deployment) -> None:
    result = one(deployment, "render", render_token="not-the-token")
    assert result.status == "fail"
    assert "refused CARTOON_RENDER_TOKEN (HTTP 401)" in result.message


def test_render_token_unset(deployment: Deployment) -> None:
    assert "CARTOON_RENDER_TOKEN is not set" in one(deployment, "render", render_token=None).message


def test_render_url_pointing_at_something_else(deployment: Deployment) -> None:
    result = one(deployment, "render", render_url=deployment.llm.url)
    assert result.status == "fail"
    assert "not a milo-cartoons render service" in result.message


def test_backend_still_loading_is_a_warning(deployment: Deployment) -> None:
    deployment.render.loaded = False
    deployment.render.backend = "kontext"
    result = one(deployment, "backend")
    assert result.status == "warn"
    assert "'kontext' is still loading" in result.message


def test_backend_load_error_is_shown(deployment: Deployment) -> None:
    deployment.render.ok = False
    deployment.render.error = "CUDA out of memory loading the transformer; set CARTOON_KONTEXT_OFFLOAD=model"
    result = one(deployment, "backend")
    assert result.status == "fail"
    assert result.message == f"backend 'preview' failed to load: {deployment.render.error}"


# --- files -----------------------------------------------------------------------------------
def test_missing_character_lora(deployment: Deployment) -> None:
    (deployment.paths["characters"] / "milo" / "lora" / "milo.safetensors").unlink()
    result = one(deployment, "loras")
    assert result.status == "fail"
    assert result.message.startswith("milo: ")
    assert "milo.safetensors is missing" in result.message
    assert "james" not in result.message


def test_missing_lora_is_a_warning_when_the_backend_may_fall_back(deployment: Deployment) -> None:
    (deployment.paths["characters"] / "milo" / "lora" / "milo.safetensors").unlink()
    result = one(deployment, "loras", kontext_require_loras=False)
    assert result.status == "warn"
    assert "reference image only" in result.message


def test_lfs_pointer_instead_of_lora(deployment: Deployment) -> None:
    lora = deployment.paths["characters"] / "james" / "lora" / "james.safetensors"
    lora.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")
    assert "Git LFS pointer" in one(deployment, "loras").message


def test_truncated_style_lora(deployment: Deployment) -> None:
    style = deployment.paths["models"] / "loras" / "flat-cartoon.safetensors"
    style.write_bytes(style.read_bytes()[:40])
    result = one(deployment, "models")
    assert result.status == "fail"
    assert "style LoRA" in result.message


def test_incomplete_kontext_download(deployment: Deployment) -> None:
    (deployment.paths["kontext"] / "transformer").rmdir()
    result = one(deployment, "models")
    assert result.status == "fail"
    assert "lacks the component folder(s) transformer" in result.message


def test_kontext_folder_missing(deployment: Deployment) -> None:
    result = one(deployment, "models", kontext_model=str(deployment.root / "nowhere"))
    assert result.status == "fail"
    assert "is missing" in result.message


def test_hub_id_and_no_pose_model_are_warnings(deployment: Deployment) -> None:
    (deployment.paths["models"] / "yolov8n-pose.pt").unlink()
    result = one(deployment, "models", kontext_model="black-forest-labs/FLUX.1-Kontext-dev")
    assert result.status == "warn"
    assert "hub id" in result.message
    assert "yolov8n-pose.pt is missing" in result.message


def test_missing_plates_are_a_warning_and_broken_ones_fail(deployment: Deployment) -> None:
    plates = deployment.paths["data"] / "plates"
    (plates / "south.png").unlink()
    missing = one(deployment, "plates")
    assert missing.status == "warn"
    assert "lacks south.png" in missing.message
    assert "cartoon plates" in missing.message
    (plates / "west.png").write_text("not a png")
    broken = one(deployment, "plates")
    assert broken.status == "fail"
    assert "west.png not readable" in broken.message


def test_missing_reference_image(deployment: Deployment) -> None:
    (deployment.paths["characters"] / "james" / "references" / "james.png").unlink()
    for backend in ("kontext", "comfyui"):
        result = one(deployment, "loras", service_backend=backend)
        assert result.status == "fail" and "james: reference image" in result.message, backend


def test_backends_without_local_weights(deployment: Deployment) -> None:
    (deployment.paths["characters"] / "milo" / "lora" / "milo.safetensors").unlink()
    assert one(deployment, "loras", service_backend="comfyui").status == "ok"  # LoRAs live in ComfyUI
    assert one(deployment, "loras", service_backend="preview").status == "ok"
    models = one(deployment, "models", service_backend="openai", openai_api_key=None)
    assert models.status == "fail"
    assert "OPENAI_API_KEY" in models.message
    assert one(deployment, "models", service_backend="openai", openai_api_key="sk-test").status == "ok"


# --- LLM -------------------------------------------------------------------------------------
def test_llm_down(deployment: Deployment) -> None:
    result = one(deployment, "llm", llm_url=closed_port_url() + "/v1")
    assert result.status == "fail"
    assert "unreachable" in result.message
    assert "--profile llm" in result.message


def test_llm_serving_another_model(deployment: Deployment) -> None:
    deployment.llm.models = ["Qwen/Qwen3-8B"]
    result = one(deployment, "llm")
    assert result.status == "fail"
    assert "serves Qwen/Qwen3-8B, not CARTOON_LLM_MODEL=Qwen/Qwen3-32B" in result.message


def test_llm_unset_is_a_warning(deployment: Deployment) -> None:
    assert one(deployment, "llm", llm_url=None).status == "warn"


# --- daily channel ---------------------------------------------------------------------------
def test_channel_with_a_rejected_token(deployment: Deployment) -> None:
    deployment.guild.token = "another" + DISCORD_TOKEN  # Discord no longer accepts ours
    result = one(deployment, "channel")
    assert result.status == "fail"
    assert "401 Unauthorized" in result.message


def test_unknown_channel(deployment: Deployment) -> None:
    result = one(deployment, "channel", daily_channel=999)
    assert result.status == "fail"
    assert "does not exist" in result.message


def test_channel_in_a_server_the_bot_is_not_in(deployment: Deployment) -> None:
    deployment.guild.foreign_channels.add("555")
    result = one(deployment, "channel", daily_channel=555)
    assert result.status == "fail"
    assert "Missing Access" in result.message


def test_voice_channel(deployment: Deployment) -> None:
    deployment.guild.add_channel("556", name="lounge", type_=2)
    assert "not a text channel" in one(deployment, "channel", daily_channel=556).message


def test_channel_overwrite_denying_send_and_attach(deployment: Deployment) -> None:
    g = deployment.guild
    g.add_channel(CHANNEL_ID, overwrites=[{"id": g.guild_id, "type": 0, "allow": "0", "deny": str(SEND_MESSAGES | ATTACH_FILES)}])
    result = one(deployment, "channel")
    assert result.status == "fail"
    assert "lacks Send Messages, Attach Files in #daily" in result.message


def test_role_overwrite_gives_back_what_everyone_lost(deployment: Deployment) -> None:
    g = deployment.guild
    g.roles["900"] = 0
    g.bot_roles = ["900"]
    g.add_channel(CHANNEL_ID, overwrites=[
        {"id": g.guild_id, "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL | SEND_MESSAGES | ATTACH_FILES)},
        {"id": "900", "type": 0, "allow": str(VIEW_CHANNEL | SEND_MESSAGES | ATTACH_FILES), "deny": "0"},
    ])
    assert one(deployment, "channel").status == "ok"
    # A member overwrite on the bot itself beats its roles.
    g.channels[CHANNEL_ID]["permission_overwrites"].append({"id": BOT_ID, "type": 1, "allow": "0", "deny": str(ATTACH_FILES)})
    assert "lacks Attach Files" in one(deployment, "channel").message


def test_administrator_role_can_post_anywhere(deployment: Deployment) -> None:
    g = deployment.guild
    g.everyone_permissions = 0
    g.roles["901"] = 1 << 3
    g.bot_roles = ["901"]
    g.add_channel(CHANNEL_ID, overwrites=[{"id": g.guild_id, "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)}])
    assert one(deployment, "channel").status == "ok"


def test_no_channel_configured_is_a_warning(deployment: Deployment) -> None:
    assert one(deployment, "channel", daily_channel=None).status == "warn"
