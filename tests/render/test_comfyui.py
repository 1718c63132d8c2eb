"""The comfyui backend over real HTTP and a real websocket, against tests/servers/comfyui.py."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core.errors import FaultError, InputError
from core.settings import Settings
from render.backends.base import RenderOptions, get_backend
from render.inputs import kontext_input
from tests.render.helpers import make_plan
from tests.servers.comfyui import FakeComfyUI
from tests.service.helpers import free_port

OPTIONS = RenderOptions(width=240, height=160, steps=4, guidance=3.0)  # a Kontext size: no snapping


def settings_for(url: str, **extra) -> Settings:
    return Settings(_env_file=None, comfyui_url=url, **extra)


@pytest.fixture(scope="module")
def comfy():
    fake = FakeComfyUI()
    with fake.running():
        yield fake


@pytest.fixture(autouse=True)
def _reset(comfy: FakeComfyUI):
    yield
    comfy.fail_class, comfy.drop_ws, comfy.step_delay_s, comfy.combo_schema = None, False, 0.0, False
    comfy.models["loras"] |= {"milo.safetensors"}


def test_renders_the_plan_through_upload_prompt_websocket_history_and_view(comfy: FakeComfyUI) -> None:
    settings = settings_for(comfy.url)
    plan = make_plan(["james", "milo"], "north").model_copy(update={"clip_prompt": "m1l0 raccoon and j4m3s man"})
    steps: list[tuple[int, int]] = []
    backend = get_backend("comfyui", settings)
    try:
        image = backend.render(plan, seed=4242, options=OPTIONS, progress=lambda s, t: steps.append((s, t)))
    finally:
        backend.close()

    assert image.size == (240, 160)
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]
    graph = comfy.prompts[-1]["prompt"]
    by_class = {n["class_type"]: n["inputs"] for n in graph.values()}
    assert by_class["KSampler"]["seed"] == 4242
    assert by_class["KSampler"]["steps"] == 4
    assert by_class["FluxGuidance"]["guidance"] == 3.0
    # CLIP-L reads the short prompt (77 tokens), T5 the full one, as in the kontext backend
    assert plan.clip_prompt
    assert plan.clip_prompt != plan.prompt
    assert by_class["CLIPTextEncodeFlux"]["clip_l"] == plan.clip_prompt
    assert by_class["CLIPTextEncodeFlux"]["t5xxl"] == plan.prompt
    assert by_class["CLIPTextEncodeFlux"]["guidance"] == 3.0
    assert (by_class["EmptySD3LatentImage"]["width"], by_class["EmptySD3LatentImage"]["height"]) == (240, 160)
    # the LoRA chain: UNET → style → james (1.0) → milo (0.9, from the sheets) → KSampler
    chain, link = [], by_class["KSampler"]["model"]
    while graph[link[0]]["class_type"] == "LoraLoaderModelOnly":
        inputs = graph[link[0]]["inputs"]
        chain.append((inputs["lora_name"], inputs["strength_model"]))
        link = inputs["model"]
    assert graph[link[0]]["class_type"] == "UNETLoader"
    assert chain[::-1] == [("FLUX-kontext-lora-flat-cartoon-style.safetensors", 1.0),
                           ("james.safetensors", 1.0), ("milo.safetensors", 0.9)]
    # the uploaded input is the stitched plate + references; the output came back from /view
    expected = np.asarray(kontext_input(plan, settings, size=(240, 160)))
    uploaded = np.asarray(Image.open(__import__("io").BytesIO(comfy.uploads[by_class["LoadImage"]["image"]])))
    assert np.array_equal(uploaded, expected)
    out = np.asarray(image)
    assert np.array_equal(out[8:, 8:], expected[8:160, 8:240])
    assert tuple(out[0, 0]) == (4242 % 256, 4242 // 256, 7)


def test_edit_uses_only_the_style_lora_and_none_when_unset(comfy: FakeComfyUI) -> None:
    photo = Image.new("RGB", (300, 200), (10, 120, 200))
    backend = get_backend("comfyui", settings_for(comfy.url))
    assert backend.edit(photo, "cartoonify", seed=1, options=OPTIONS).size == (240, 160)
    loras = [n["inputs"]["lora_name"] for n in comfy.prompts[-1]["prompt"].values() if n["class_type"] == "LoraLoaderModelOnly"]
    assert loras == ["FLUX-kontext-lora-flat-cartoon-style.safetensors"]
    backend = get_backend("comfyui", settings_for(comfy.url, comfyui_style_lora=""))
    backend.edit(photo, "cartoonify", seed=1, options=OPTIONS)
    graph = comfy.prompts[-1]["prompt"]
    assert not [n for n in graph.values() if n["class_type"] == "LoraLoaderModelOnly"]
    assert graph["13"]["inputs"]["model"] == ["1", 0]


def test_a_scene_edit_sends_the_picture_the_instruction_and_the_casts_loras(comfy: FakeComfyUI) -> None:
    picture = Image.new("RGB", (240, 160), (200, 60, 90))
    plan = make_plan(["milo", "james"], "north").model_copy(update={"clip_prompt": "m1l0 raccoon and j4m3s man at the rack"})
    backend = get_backend("comfyui", settings_for(comfy.url))
    try:
        assert backend.edit_scene(picture, plan, "Edit this picture: make it night.", seed=9, options=OPTIONS).size == (240, 160)
    finally:
        backend.close()
    graph = comfy.prompts[-1]["prompt"]
    by_class = {n["class_type"]: n["inputs"] for n in graph.values()}
    assert by_class["CLIPTextEncodeFlux"]["t5xxl"] == "Edit this picture: make it night."
    assert by_class["CLIPTextEncodeFlux"]["clip_l"] == plan.clip_prompt
    assert by_class["KSampler"]["seed"] == 9
    uploaded = Image.open(__import__("io").BytesIO(comfy.uploads[by_class["LoadImage"]["image"]]))
    assert np.array_equal(np.asarray(uploaded), np.asarray(picture))  # the finished picture, not a plate
    loras = [n["inputs"]["lora_name"] for n in graph.values() if n["class_type"] == "LoraLoaderModelOnly"]
    assert loras == ["FLUX-kontext-lora-flat-cartoon-style.safetensors", "milo.safetensors", "james.safetensors"]


@pytest.mark.parametrize("combo_schema", [False, True])
def test_a_missing_lora_is_named_before_anything_is_sent(comfy: FakeComfyUI, combo_schema: bool) -> None:
    comfy.models["loras"].discard("milo.safetensors")
    comfy.combo_schema = combo_schema
    prompts, uploads = len(comfy.prompts), len(comfy.uploads)
    backend = get_backend("comfyui", settings_for(comfy.url))
    with pytest.raises(FaultError) as info:
        backend.render(make_plan(["milo"]), seed=1, options=OPTIONS)
    message = str(info.value)
    assert "has no 'milo.safetensors' in models/loras, needed as milo's LoRA (" in message
    assert "copy the file into ComfyUI's models/loras folder" in message
    assert "\n" not in message
    assert (len(comfy.prompts), len(comfy.uploads)) == (prompts, uploads)  # nothing was sent
    comfy.models["loras"].discard("FLUX-kontext-lora-flat-cartoon-style.safetensors")
    with pytest.raises(FaultError, match=r"needed as the style LoRA \(CARTOON_COMFYUI_STYLE_LORA\)"):
        backend.edit(Image.new("RGB", (64, 64)), "cartoonify", seed=1, options=OPTIONS)
    comfy.models["loras"].add("FLUX-kontext-lora-flat-cartoon-style.safetensors")


def test_the_output_size_is_snapped_to_a_kontext_resolution(comfy: FakeComfyUI) -> None:
    """1000×700 (as the service may pass it) becomes the Kontext size of that aspect and area,
    the one the kontext backend draws; a 1024² request stays."""
    backend = get_backend("comfyui", settings_for(comfy.url))
    for (width, height), expected in [((1000, 700), (1024, 672)), ((1024, 1024), (1024, 1024)), ((300, 200), (288, 192))]:
        image = backend.render(make_plan(["milo"]), seed=1, options=RenderOptions(width=width, height=height, steps=1))
        latent = next(n["inputs"] for n in comfy.prompts[-1]["prompt"].values() if n["class_type"] == "EmptySD3LatentImage")
        assert (latent["width"], latent["height"]) == expected
        assert latent["width"] % 16 == 0
        assert latent["height"] % 16 == 0
        assert image.size == expected


def test_a_workflow_with_plain_clip_text_encode_still_works(comfy: FakeComfyUI, tmp_path) -> None:
    import json

    from render.backends.comfyui_graph import WORKFLOW

    graph = json.loads(WORKFLOW.read_text())
    graph["8"] = {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}}
    custom = tmp_path / "plain.json"
    custom.write_text(json.dumps(graph))
    plan = make_plan(["james"])
    get_backend("comfyui", settings_for(comfy.url, comfyui_workflow=str(custom))).render(plan, seed=1, options=OPTIONS)
    assert comfy.prompts[-1]["prompt"]["8"]["inputs"]["text"] == plan.prompt


def test_an_execution_error_comes_back_from_the_websocket(comfy: FakeComfyUI) -> None:
    comfy.fail_class = "KSampler"
    backend = get_backend("comfyui", settings_for(comfy.url))
    with pytest.raises(FaultError, match=r"failed in node 13 \(KSampler\): Allocation .*out of memory\) Currently.*; free GPU memory") as info:
        backend.render(make_plan(["milo"]), seed=1, options=OPTIONS)
    assert "\n" not in str(info.value)


def test_a_dropped_websocket_and_a_slow_server_are_faults(comfy: FakeComfyUI) -> None:
    comfy.drop_ws = True
    with pytest.raises(FaultError, match="closed the progress connection"):
        get_backend("comfyui", settings_for(comfy.url)).render(make_plan(["milo"]), seed=1, options=OPTIONS)
    comfy.drop_ws, comfy.step_delay_s = False, 0.4
    slow = settings_for(comfy.url, comfyui_timeout_s=0.3)
    with pytest.raises(FaultError, match=r"longer than 0.3 s; raise CARTOON_COMFYUI_TIMEOUT_S"):
        get_backend("comfyui", slow).render(make_plan(["milo"]), seed=1, options=OPTIONS)


def test_server_down_and_bad_settings() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(FaultError, match=rf"ComfyUI at {url} is not reachable .*; start it or set CARTOON_COMFYUI_URL"):
        get_backend("comfyui", settings_for(url)).render(make_plan(["milo"]), seed=1, options=OPTIONS)
    with pytest.raises(InputError, match="give http://HOST:PORT"):
        get_backend("comfyui", settings_for("spark2:8188"))
    with pytest.raises(InputError, match="workflow not found"):
        get_backend("comfyui", settings_for(url, comfyui_workflow="/nonexistent/flow.json"))


def test_a_workflow_with_a_node_the_server_lacks_is_rejected_in_one_line(comfy: FakeComfyUI, tmp_path) -> None:
    import json

    from render.backends.comfyui_graph import WORKFLOW

    graph = json.loads(WORKFLOW.read_text())
    graph["99"] = {"class_type": "FancyUpscaler", "inputs": {"image": ["14", 0]}}
    custom = tmp_path / "flow.json"
    custom.write_text(json.dumps(graph))
    backend = get_backend("comfyui", settings_for(comfy.url, comfyui_workflow=str(custom)))
    with pytest.raises(FaultError, match="rejected the workflow: Cannot execute because node FancyUpscaler does not exist"):
        backend.edit(Image.new("RGB", (64, 64)), "x", seed=1, options=OPTIONS)
    custom.write_text('{"1": {"inputs": {}}}')
    with pytest.raises(InputError, match="not an API-format workflow"):
        get_backend("comfyui", settings_for(comfy.url, comfyui_workflow=str(custom)))
