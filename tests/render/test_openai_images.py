"""The openai backend over real HTTP against tests/servers/openai_images.py: the inputs
that go out, the picture that comes back, and 401/400/500/timeout answers."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core.errors import FaultError, InputError
from core.settings import Settings
from render.backends.base import RenderOptions, get_backend
from render.backends.openai_images import openai_size
from render.inputs import load_plate
from tests.render.helpers import make_plan
from tests.servers.openai_images import FakeOpenAIImages, ImageReply

OPTIONS = RenderOptions(width=256, height=256)


@pytest.fixture(scope="module")
def server():
    fake = FakeOpenAIImages()
    with fake.running():
        yield fake


def backend_for(server: FakeOpenAIImages, *replies: ImageReply, timeout_s: float = 5.0):
    server.replies, server.requests = list(replies) or [ImageReply()], []
    settings = Settings(_env_file=None, openai_api_key="sk-test", openai_base_url=server.url, openai_timeout_s=timeout_s)
    return get_backend("openai", settings)


def test_edit_sends_plate_and_references_with_high_fidelity(server: FakeOpenAIImages, settings: Settings) -> None:
    plan = make_plan(["james", "milo"], "south")
    progress: list[tuple[int, int]] = []
    image = backend_for(server).render(plan, seed=1, options=OPTIONS, progress=lambda s, t: progress.append((s, t)))
    request = server.requests[-1]
    assert request["auth"] == "Bearer sk-test"
    fields = request["fields"]
    assert fields["model"] == "gpt-image-1"
    assert fields["input_fidelity"] == "high"
    assert fields["size"] == "1024x1024"
    assert fields["prompt"].startswith(plan.prompt)
    assert "reference images" in fields["prompt"]
    plate, james, milo = request["images"]
    assert np.array_equal(np.asarray(plate), np.asarray(load_plate(settings, "south", (256, 256))))
    assert james.size == milo.size == (416, 576)
    assert image.size == (256, 256)
    assert np.abs(np.subtract(image.getpixel((1, 1)), (255, 0, 0))).max() < 10
    assert progress == [(0, 1), (1, 1)]


def test_a_scene_edit_sends_the_picture_then_the_casts_references(server: FakeOpenAIImages) -> None:
    picture = Image.new("RGB", (256, 256), (10, 200, 30))
    plan = make_plan(["milo", "james"], "north")
    backend_for(server).edit_scene(picture, plan, "Edit this picture: add James.", seed=1, options=OPTIONS)
    request = server.requests[-1]
    assert request["fields"]["prompt"].startswith("Edit this picture: add James.")
    assert "picture to edit" in request["fields"]["prompt"]
    first, milo, james = request["images"]
    assert np.array_equal(np.asarray(first.convert("RGB")), np.asarray(picture))
    assert milo.size == james.size == (416, 576)
    backend_for(server).edit_scene(picture, make_plan([], "north"), "Edit this picture: an empty lab.", seed=1,
                                   options=OPTIONS)
    assert len(server.requests[-1]["images"]) == 1
    assert server.requests[-1]["fields"]["prompt"] == "Edit this picture: an empty lab."


def test_one_retry_after_a_500_then_a_clear_fault(server: FakeOpenAIImages) -> None:
    image = backend_for(server, ImageReply(status=500), ImageReply()).render(make_plan(["milo"]), seed=1, options=OPTIONS)
    assert image.size == (256, 256)
    assert len(server.requests) == 2
    backend = backend_for(server, ImageReply(status=500, error="The server had an error"))
    with pytest.raises(FaultError, match=r"OpenAI answered 500 \(tried twice\): The server had an error"):
        backend.render(make_plan(["milo"]), seed=1, options=OPTIONS)
    assert len(server.requests) == 2


def test_bad_key_refusal_and_timeout(server: FakeOpenAIImages) -> None:
    with pytest.raises(FaultError, match=r"rejected the key \(401\); check OPENAI_API_KEY"):
        backend_for(server, ImageReply(status=401)).render(make_plan(["milo"]), seed=1, options=OPTIONS)
    assert len(server.requests) == 1  # a 401 is not retried
    with pytest.raises(InputError, match="OpenAI refused the request: Your request was rejected by the safety system"):
        backend_for(server, ImageReply(status=400, error="Your request was rejected by the safety system.")).render(
            make_plan(["milo"]), seed=1, options=OPTIONS)
    with pytest.raises(FaultError, match=r"did not answer within 0.3 s \(tried twice\)"):
        backend_for(server, ImageReply(delay_s=1.0), timeout_s=0.3).render(make_plan(["milo"]), seed=1, options=OPTIONS)
    assert len(server.requests) == 2


def test_missing_key_and_sizes() -> None:
    with pytest.raises(FaultError, match="OPENAI_API_KEY is not set"):
        get_backend("openai", Settings(_env_file=None, openai_api_key=None))
    assert openai_size(1248, 832) == "1536x1024"
    assert openai_size(832, 1248) == "1024x1536"


@pytest.fixture
def fresh_settings(monkeypatch):
    from core.settings import get_settings

    for key in ("OPENAI_API_KEY", "CARTOON_OPENAI_BASE_URL", "CARTOON_DATA_DIR"):
        monkeypatch.delenv(key, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_plates_cartoonify_photos_through_the_edit_path(server: FakeOpenAIImages, fresh_settings, tmp_path, capsys) -> None:
    import json

    from PIL import Image

    import cartoon

    photos = tmp_path / "photos"
    photos.mkdir()
    colors = {"north": (200, 10, 10), "east": (10, 200, 10), "south": (10, 10, 200), "west": (200, 200, 10)}
    for wall, color in colors.items():
        Image.new("RGB", (640, 480), color).save(photos / f"{wall}.jpg")
    fresh_settings.setenv("OPENAI_API_KEY", "sk-test")
    fresh_settings.setenv("CARTOON_OPENAI_BASE_URL", server.url)
    server.replies, server.requests = [ImageReply()], []
    code = cartoon.main(["plates", "--backend", "openai", "--photos", str(photos), "--out", str(tmp_path / "plates"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(server.requests) == 4
    assert [r["fields"]["prompt"].split(" It is ")[1][:9] for r in server.requests] == [
        "the serve", "the desk ", "the fitne", "the white"]
    for wall, color in colors.items():
        plate = Image.open(out["plates"][wall])
        assert plate.size == (1024, 1024)
        assert np.abs(np.subtract(plate.getpixel((600, 600)), color)).max() < 12

    (photos / "west.jpg").unlink()
    assert cartoon.main(["plates", "--backend", "openai", "--photos", str(photos)]) == 2
    assert "no photo of the west wall; add west.jpg" in capsys.readouterr().err
    fresh_settings.delenv("OPENAI_API_KEY")
    from core.settings import get_settings

    get_settings.cache_clear()
    assert cartoon.main(["scene", "Milo at the desk", "--backend", "openai", "-o", str(tmp_path / "x.png")]) == 1
    assert capsys.readouterr().err == "cartoon: error: OPENAI_API_KEY is not set; set it for --backend openai, or use --backend preview\n"
