"""`cartoon caption` against a real OpenAI-compatible HTTP server on 127.0.0.1: the
reference image and rules are sent, 429s are waited out (Retry-After honoured), runs
resume, and failures are one clear line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from characters.caption import caption_dataset, clean_caption, retry_after
from characters.sheet import load_sheet
from core.errors import FaultError, InputError
from core.settings import Settings
from tests.servers.openai_compat import OpenAICompatServer, Reply

ROOT = Path(__file__).resolve().parents[2]


def rate_limited(status: int = 429, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return Reply(status=status, headers=headers, raw={"error": {"message": "Rate limit reached", "type": "rate_limit", "code": "rate_limit_exceeded"}})


@pytest.fixture
def chars(tmp_path: Path) -> Path:
    """A characters folder with james's sheet, his reference image and a 3-image dataset."""
    folder = tmp_path / "characters" / "james"
    (folder / "references").mkdir(parents=True)
    (folder / "dataset").mkdir()
    shutil.copy(ROOT / "characters" / "james" / "character.toml", folder / "character.toml")
    Image.new("RGB", (64, 64), (10, 200, 30)).save(folder / "references" / "james.png")
    for i, colour in enumerate([(200, 0, 0), (0, 0, 200), (90, 90, 90)]):
        Image.new("RGB", (64, 64), colour).save(folder / "dataset" / f"img{i}.png")
    return tmp_path / "characters"


def settings_for(server: OpenAICompatServer, chars: Path, **extra) -> Settings:
    return Settings(_env_file=None, characters_dir=chars, vlm_url=server.url, vlm_model="vlm-test", vlm_backoff_s=0.05, **extra)


def test_rate_limits_are_waited_out(chars: Path) -> None:
    """Seed 001: every other request failed. Here: single 429s and a run of three."""
    script = iter([429, 200, 429, 429, 429, 200, 429, 200])
    calls = {"n": 0}
    lock = threading.Lock()

    def handler(body: dict) -> Reply:
        with lock:
            calls["n"] += 1
            n, status = calls["n"], next(script)
        if status == 429:
            return rate_limited(retry_after="0.3" if n == 1 else None)
        return Reply(f'"Caption: sitting at a desk, smiling, medium shot {n}"')

    server = OpenAICompatServer(handler)
    james = load_sheet(chars / "james" / "character.toml")
    started = time.monotonic()
    with server.running():
        report = caption_dataset(james, settings_for(server, chars))
    assert time.monotonic() - started >= 0.3  # the first Retry-After was honoured
    assert len(report["captioned"]) == 3
    assert report["retries"] == 5
    assert calls["n"] == 8
    texts = [Path(p).read_text() for p in report["captioned"]]
    assert all(t.startswith("j4m3s man, sitting at a desk") and t.endswith("\n") for t in texts)
    # Each request: the rules (trigger, traits not to describe), reference first, then the photo.
    request = server.requests[-1]
    system, user = request["messages"]
    assert '"j4m3s man"' in system["content"]
    assert "salt-and-pepper" in system["content"]
    images = [part["image_url"]["url"] for part in user["content"] if part["type"] == "image_url"]
    assert len(images) == 2
    assert all(u.startswith("data:image/jpeg;base64,") for u in images)
    assert len({r["messages"][1]["content"][1]["image_url"]["url"] for r in server.requests}) == 1  # same reference


def test_resume_keeps_existing_and_overwrite_replaces(chars: Path) -> None:
    dataset = chars / "james" / "dataset"
    (dataset / "img1.txt").write_text("j4m3s man, edited by hand\n")
    server = OpenAICompatServer(lambda body: Reply("j4m3s man waving, wide shot"))
    james = load_sheet(chars / "james" / "character.toml")
    with server.running():
        first = caption_dataset(james, settings_for(server, chars))
        assert len(server.requests) == 2
        assert first["kept"] == [str(dataset / "img1.txt")]
        assert (dataset / "img1.txt").read_text() == "j4m3s man, edited by hand\n"
        again = caption_dataset(james, settings_for(server, chars))
        assert again["captioned"] == []
        assert len(again["kept"]) == 3
        assert len(server.requests) == 2
        caption_dataset(james, settings_for(server, chars), overwrite=True)
        assert len(server.requests) == 5
    assert (dataset / "img1.txt").read_text() == "j4m3s man waving, wide shot\n"


def test_gives_up_after_max_attempts_and_keeps_what_was_done(chars: Path) -> None:
    calls = {"n": 0}

    def handler(body: dict) -> Reply:
        calls["n"] += 1
        return Reply("j4m3s man ok") if calls["n"] == 1 else rate_limited(retry_after="0")

    server = OpenAICompatServer(handler)
    james = load_sheet(chars / "james" / "character.toml")
    with server.running(), pytest.raises(FaultError, match="still failing on img1.png after 4 tries .*429"):
        caption_dataset(james, settings_for(server, chars, vlm_max_attempts=4))
    assert calls["n"] == 5
    assert (chars / "james" / "dataset" / "img0.txt").read_text() == "j4m3s man ok\n"


def test_errors_are_clear(chars: Path, tmp_path: Path) -> None:
    james = load_sheet(chars / "james" / "character.toml")
    with pytest.raises(InputError, match="no vision model configured"):
        caption_dataset(james, Settings(_env_file=None, vlm_url=None, vlm_api_key=None))
    with pytest.raises(InputError, match="run cartoon prep"):
        caption_dataset(james, Settings(_env_file=None, vlm_url="http://127.0.0.1:9/v1"), dataset=tmp_path / "none")
    unreachable = Settings(_env_file=None, vlm_url="http://127.0.0.1:9/v1", vlm_backoff_s=0.01)
    with pytest.raises(FaultError, match="cannot reach the vision model at http://127.0.0.1:9/v1"):
        caption_dataset(james, unreachable)
    reference = chars / "james" / "references" / "james.png"
    saved = reference.read_bytes()
    reference.write_bytes(b"not a png")
    with pytest.raises(InputError, match="james.png: not a readable image"):
        caption_dataset(james, unreachable)
    reference.write_bytes(saved)
    server = OpenAICompatServer(lambda body: Reply(status=404, raw={"error": {"message": "model vlm-test does not exist"}}))
    with server.running(), pytest.raises(FaultError, match="refused img0.png .404: model vlm-test does not exist"):
        caption_dataset(james, settings_for(server, chars))


def test_helpers() -> None:
    assert clean_caption('  "m1l0 raccoon typing"\n', "m1l0 raccoon") == "m1l0 raccoon typing"
    assert clean_caption("A raccoon typing.", "m1l0 raccoon") == "m1l0 raccoon, A raccoon typing."
    import httpx

    assert retry_after(httpx.Response(429, headers={"Retry-After": "7"}), 1.0, 60) == 7.0
    assert retry_after(httpx.Response(429, headers={"retry-after-ms": "250"}), 1.0, 60) == 0.25
    assert retry_after(httpx.Response(429, headers={"Retry-After": "9999"}), 1.0, 60) == 60
    assert retry_after(httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), 1.0, 60) == 0.0
    assert retry_after(httpx.Response(429), 1.5, 60) == 1.5


def test_cli_without_reference_warns_in_one_line(chars: Path) -> None:
    (chars / "james" / "references" / "james.png").unlink()
    server = OpenAICompatServer(lambda body: Reply("j4m3s man at the rack"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CARTOON_CHARACTERS_DIR": str(chars), "CARTOON_VLM_MODEL": "vlm-test"}
    with server.running():
        env["CARTOON_VLM_URL"] = server.url
        proc = subprocess.run(
            [sys.executable, "cartoon.py", "caption", "--character", "james", "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["reference"] is None
    assert len(report["captioned"]) == 3
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line.lower()]
    assert len(warnings) == 1
    assert "references/james.png not found" in warnings[0]
    images = [p for p in server.requests[0]["messages"][1]["content"] if p["type"] == "image_url"]
    assert len(images) == 1
