"""One GPU per render slot: with CARTOON_SERVICE_SLOT_GPUS="0,1" each supervised slot
process starts with CUDA_VISIBLE_DEVICES set to its own GPU (a restarted one too); unset,
every slot inherits the service's environment. No GPU needed: the test backend's render
processes report the environment they were started with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import CartoonError
from render.service.app import create_app
from tests.service.helpers import (
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
    wait_state,
)

ENV = "tests.service.slow_backend:EnvBackend"


def reported(folder: Path, pid: int) -> str | None:
    path = folder / f"{pid}.json"
    return json.loads(path.read_text())["CUDA_VISIBLE_DEVICES"] if path.exists() else "not yet"


def ready_slots(http) -> list[dict]:
    slots = http.get("/healthz").json()["slots"]
    return slots if slots and all(s["state"] == "ready" for s in slots) else []


@pytest.fixture
def env_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "env"
    folder.mkdir()
    monkeypatch.setenv("CARTOON_TEST_ENV_DIR", str(folder))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "5,6")  # what the service itself was given
    return folder


def test_each_slot_process_gets_its_own_gpu_also_after_a_restart(tmp_path: Path, env_dir: Path) -> None:
    settings = service_settings(tmp_path / "service", service_slot_gpus="0,1", service_job_timeout_s=3.0)
    server = ThreadServer(create_app(settings, backend=ENV, workers=2))
    try:
        http = client(server.url)
        slots = wait_for(lambda: ready_slots(http), 60, "both slots to load")
        assert [s["gpu"] for s in slots] == ["0", "1"]
        assert {s["slot"]: reported(env_dir, s["pid"]) for s in slots} == {0: "0", 1: "1"}

        frozen = submit(http, "Milo freeze at the desk", user="x")  # its slot is killed past 3 s
        assert wait_state(http, frozen, {"failed", "done"}, timeout=60)["state"] == "failed"
        restarted = wait_for(
            lambda: (now := ready_slots(http)) and any(s["restarts"] for s in now) and now, 60, "the fresh process"
        )
        fresh = next(s for s in restarted if s["restarts"])
        assert fresh["pid"] not in {s["pid"] for s in slots}
        wait_for(lambda: reported(env_dir, fresh["pid"]) != "not yet", 30, "the fresh process's report")
        assert reported(env_dir, fresh["pid"]) == str(fresh["slot"]) == fresh["gpu"]
    finally:
        server.stop()


def test_unset_every_slot_inherits_the_services_gpus(tmp_path: Path, env_dir: Path) -> None:
    server = ThreadServer(create_app(service_settings(tmp_path / "service"), backend=ENV, workers=2))
    try:
        http = client(server.url)
        slots = wait_for(lambda: ready_slots(http), 60, "both slots to load")
        assert [s["gpu"] for s in slots] == [None, None]
        assert [reported(env_dir, s["pid"]) for s in slots] == ["5,6", "5,6"]
        job = submit(http, "Milo at the desk", user="x")
        assert wait_state(http, job, {"done", "failed"}, timeout=60)["state"] == "done"
    finally:
        server.stop()


def test_fewer_gpus_than_slots_is_refused_in_one_line(tmp_path: Path) -> None:
    settings = service_settings(tmp_path / "service", service_slot_gpus="0")
    with pytest.raises(CartoonError) as refused:
        create_app(settings, backend=ENV, workers=2)
    message = str(refused.value)
    assert "CARTOON_SERVICE_SLOT_GPUS" in message
    assert "2" in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize("value", ["0,,1", "0, 1", "gpu0;1", ","])
def test_a_malformed_list_is_a_settings_error(value: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="service_slot_gpus"):
        service_settings(Path("/nonexistent"), service_slot_gpus=value)
