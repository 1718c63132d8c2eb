"""`cartoon doctor` against a real `cartoon serve --backend preview` on 127.0.0.1 (the
same subprocess the service tests start), and the doctor agreeing with `cartoon bot`
on which tokens it can use."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.deploy.helpers import DISCORD_TOKEN, Deployment, closed_port_url
from tests.deploy.test_doctor_cli import doctor
from tests.service.helpers import TOKEN, ServeProcess, service_env, wait_for


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory):
    process = ServeProcess(service_env(tmp_path_factory.mktemp("service")), "--backend", "preview")
    try:
        # Listening comes before the worker has loaded its backend; compose waits the same
        # way (the render health check wants `loaded`).
        wait_for(lambda: httpx.get(f"{process.url}/healthz", timeout=5).json().get("loaded"), 30, "the backend to load")
        yield process
    finally:
        process.stop()


def test_doctor_passes_against_a_running_preview_service(serve: ServeProcess, deployment: Deployment) -> None:
    env = deployment.env(CARTOON_RENDER_URL=serve.url, CARTOON_RENDER_TOKEN=TOKEN)
    done = doctor("--only", "render,backend", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    render, backend = json.loads(done.stdout)["checks"]
    assert render["status"] == "ok"
    assert serve.url in render["message"]
    assert backend["status"] == "ok"
    assert backend["details"]["backend"] == "preview"
    assert backend["message"].startswith("backend 'preview' loaded")


def test_the_real_service_refuses_a_wrong_token(serve: ServeProcess, deployment: Deployment) -> None:
    env = deployment.env(CARTOON_RENDER_URL=serve.url, CARTOON_RENDER_TOKEN="wrong-" + TOKEN)
    done = doctor("--only", "render", "--json", env=env)
    assert done.returncode == 1
    assert "refused CARTOON_RENDER_TOKEN (HTTP 401)" in json.loads(done.stdout)["checks"][0]["message"]


def test_service_down(deployment: Deployment) -> None:
    done = doctor("--only", "render", env=deployment.env(CARTOON_RENDER_URL=closed_port_url()))
    assert done.returncode == 1
    assert "unreachable" in done.stdout


@pytest.mark.parametrize(
    "token", [DISCORD_TOKEN, f"Bot {DISCORD_TOKEN}", "MTIz.valid.token", "a" * 32, "", "1234567890", "a.b.c", f'"{DISCORD_TOKEN}"']
)
def test_doctor_and_bot_agree_on_tokens(token: str) -> None:
    from bot.token import check_token
    from core.doctor.discord import check_token as doctor_check
    from core.errors import InputError
    from core.settings import Settings

    try:
        check_token(token)
        bot_accepts = True
    except InputError:
        bot_accepts = False
    status = doctor_check(Settings(_env_file=None, discord_token=token)).status
    assert (status != "fail") == bot_accepts, (token, status)
