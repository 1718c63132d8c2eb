"""The comfyui backend: the same FLUX Kontext + LoRA graph run by a ComfyUI server
(`CARTOON_COMFYUI_URL`) through its HTTP API.

For each picture: check that the server has every LoRA the request needs (GET
/object_info/LoraLoaderModelOnly, so a missing one is named with its character before
anything is sent), open the /ws websocket (so no progress message is missed), upload the
stitched input image (/upload/image), queue the filled-in workflow (POST /prompt), follow
`progress` messages until the prompt finishes, then read /history/{id} and /view. The output
size is snapped to a Kontext resolution as the kontext backend snaps it. Node errors,
execution errors and an unreachable server come back as one-line errors.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

from core.errors import FaultError, InputError, first_line
from render.backends.base import Backend, ProgressFn, RenderOptions
from render.backends.comfyui_graph import GraphRequest, build_graph, load_workflow
from render.resolutions import kontext_size

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

    from agent.state import ScenePlan
    from core.settings import Settings



@dataclass(frozen=True)
class Lora:
    name: str  # the file name in ComfyUI's models/loras
    weight: float
    for_what: str  # whose it is, for the error when the server lacks it


class ComfyUIBackend(Backend):
    name = "comfyui"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.comfyui_url.rstrip("/")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"CARTOON_COMFYUI_URL '{settings.comfyui_url}': give http://HOST:PORT, e.g. http://spark2:8188")
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path}/ws"
        self.template = load_workflow(Path(settings.comfyui_workflow) if settings.comfyui_workflow else None)
        self.client_id = uuid.uuid4().hex
        self.http = httpx.Client(base_url=self.url, timeout=httpx.Timeout(60.0, connect=10.0))

    # --- Backend --------------------------------------------------------------------------------
    def render(
        self, plan: ScenePlan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None
    ) -> Image.Image:
        from render.inputs import kontext_input

        loras = self._cast_loras(plan)
        self._check_loras(loras)
        image = kontext_input(plan, self.settings, size=(options.width, options.height))
        return self._run(image, plan.prompt, plan.clip_prompt, seed, options, loras, progress)

    def edit_scene(
        self, image: Image.Image, plan: ScenePlan, instruction: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """The finished picture as the graph's input image, the instruction for T5, the edited
        scene's short prompt for CLIP, the LoRAs of the plan's cast."""
        loras = self._cast_loras(plan)
        self._check_loras(loras)
        return self._run(image, instruction, plan.clip_prompt, seed, options, loras, progress)

    def _cast_loras(self, plan: ScenePlan) -> list[Lora]:
        """The style LoRA, then each of the plan's characters' (as their sheets name them)."""
        from characters.sheet import load_characters

        sheets = load_characters(Path(self.settings.characters_dir))
        return self._style_lora() + [
            Lora(Path(sheets[c].lora.file).name, sheets[c].lora.weight, f"{c}'s LoRA ({sheets[c].lora_path})")
            for c in plan.characters if c in sheets
        ]

    def edit(
        self, image: Image.Image, prompt: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        loras = self._style_lora()
        self._check_loras(loras)
        return self._run(image, prompt, None, seed, options, loras, progress)

    def close(self) -> None:
        self.http.close()

    # --- one prompt, end to end -------------------------------------------------------------------
    def _run(self, image: Image.Image, prompt: str, clip_prompt: str | None, seed: int, options: RenderOptions,
             loras: list[Lora], progress: ProgressFn | None) -> Image.Image:
        width, height = kontext_size(options.width, options.height)
        with self._websocket() as ws:
            name = self._upload(image)
            graph = build_graph(self.template, GraphRequest(
                image_name=name, prompt=prompt, clip_prompt=clip_prompt, seed=seed,
                steps=self.settings.render_steps if options.steps is None else options.steps,
                guidance=self.settings.render_guidance if options.guidance is None else options.guidance,
                width=width, height=height,
                unet=self.settings.comfyui_unet, clip_l=self.settings.comfyui_clip_l,
                t5=self.settings.comfyui_t5, vae=self.settings.comfyui_vae,
                loras=tuple((lora.name, lora.weight) for lora in loras),
            ))
            prompt_id = self._queue(graph)
            self._follow(ws, prompt_id, progress)
        return self._fetch(prompt_id)

    def _style_lora(self) -> list[Lora]:
        name = self.settings.comfyui_style_lora
        return [Lora(name, self.settings.comfyui_style_lora_weight, "the style LoRA (CARTOON_COMFYUI_STYLE_LORA)")] if name else []

    def _check_loras(self, loras: list[Lora]) -> None:
        """Every LoRA must be a file in the server's models/loras; ask before sending anything,
        so the error names whose LoRA it is. A server that does not list them is left to
        validate the prompt itself."""
        if not loras:
            return
        answer = self._call("GET", "/object_info/LoraLoaderModelOnly", ok=(200, 404))
        try:
            available = combo_options(answer.json()["LoraLoaderModelOnly"]["input"]["required"]["lora_name"])
        except (ValueError, KeyError, TypeError, IndexError):
            return
        for lora in loras:
            if lora.name not in available:
                raise FaultError(
                    f"ComfyUI at {self.url} has no '{lora.name}' in models/loras, needed as {lora.for_what}; "
                    "copy the file into ComfyUI's models/loras folder (or fix the name), then try again"
                )

    @contextmanager
    def _websocket(self) -> Iterator[ClientConnection]:
        from websockets.exceptions import InvalidHandshake, InvalidURI
        from websockets.sync.client import connect

        try:
            ws = connect(f"{self.ws_url}?clientId={self.client_id}", open_timeout=10, max_size=None)
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise self._unreachable(exc) from None
        with ws:
            yield ws

    def _upload(self, image: Image.Image) -> str:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG")
        filename = f"milo-cartoons-{uuid.uuid4().hex[:12]}.png"
        answer = self._call("POST", "/upload/image", files={"image": (filename, buffer.getvalue(), "image/png")},
                            data={"type": "input", "overwrite": "true"})
        try:
            body = answer.json()
            return f"{body['subfolder']}/{body['name']}" if body.get("subfolder") else body["name"]
        except (ValueError, KeyError, TypeError):
            raise FaultError(f"ComfyUI at {self.url} answered /upload/image without a file name; is it ComfyUI?") from None

    def _queue(self, graph: dict[str, Any]) -> str:
        answer = self._call("POST", "/prompt", json={"prompt": graph, "client_id": self.client_id}, ok=(200, 400))
        try:
            body = answer.json()
        except ValueError:
            raise FaultError(f"ComfyUI at {self.url} answered /prompt with {answer.status_code} and no JSON") from None
        if answer.status_code == 400 or body.get("node_errors"):
            raise FaultError(describe_rejection(body))
        if "prompt_id" not in body:
            raise FaultError(f"ComfyUI at {self.url} answered /prompt without a prompt_id")
        return str(body["prompt_id"])

    def _follow(self, ws: ClientConnection, prompt_id: str, progress: ProgressFn | None) -> None:
        """Read websocket messages until our prompt is done; raise on its errors."""
        from websockets.exceptions import ConnectionClosed

        deadline = time.monotonic() + self.settings.comfyui_timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FaultError(
                    f"ComfyUI took longer than {self.settings.comfyui_timeout_s:g} s; "
                    "raise CARTOON_COMFYUI_TIMEOUT_S or check the server's queue"
                )
            try:
                raw = ws.recv(timeout=min(left, 5.0))
            except TimeoutError:
                continue
            except ConnectionClosed:
                raise FaultError(f"ComfyUI at {self.url} closed the progress connection mid-render; check its log") from None
            if isinstance(raw, bytes):
                continue  # preview frames
            try:
                message = json.loads(raw)
                kind, data = message.get("type"), message.get("data") or {}
            except (ValueError, AttributeError):
                continue  # not a ComfyUI event; ComfyUI's own are JSON objects
            if data.get("prompt_id") not in (None, prompt_id):
                continue
            if kind == "progress" and progress:
                progress(int(data.get("value", 0)), int(data.get("max", 1)))
            elif kind == "execution_error":
                reason = one_line(data.get("exception_message", "unknown error"))[:300]
                hint = ("; free GPU memory on the ComfyUI box (other models loaded?) or render smaller with --size"
                        if "out of memory" in reason.lower() or "OutOfMemory" in str(data.get("exception_type")) else "")
                raise FaultError(f"ComfyUI failed in node {data.get('node_id')} ({data.get('node_type')}): {reason}{hint}")
            elif kind == "execution_interrupted":
                raise FaultError("ComfyUI interrupted the render (someone pressed Cancel); try again")
            elif kind == "execution_success" or (kind == "executing" and data.get("node") is None
                                                  and data.get("prompt_id") == prompt_id):
                return

    def _fetch(self, prompt_id: str) -> Image.Image:
        try:
            history = self._call("GET", f"/history/{prompt_id}").json().get(prompt_id)
        except (ValueError, AttributeError):
            raise FaultError(f"ComfyUI at {self.url} answered /history with something that is not JSON") from None
        if not history:
            raise FaultError(f"ComfyUI has no history for prompt {prompt_id}; was the server restarted?")
        status = history.get("status") or {}
        if status.get("status_str") == "error":
            raise FaultError(f"ComfyUI reports prompt {prompt_id} failed; check its log")
        for output in (history.get("outputs") or {}).values():
            for picture in output.get("images", []):
                if picture.get("type", "output") != "output":
                    continue
                answer = self._call("GET", "/view", params={
                    "filename": picture["filename"], "subfolder": picture.get("subfolder", ""), "type": "output"})
                try:
                    with Image.open(io.BytesIO(answer.content)) as result:
                        return result.convert("RGB")
                except (UnidentifiedImageError, OSError, ImportError):  # ImportError: see render.inputs
                    raise FaultError(f"ComfyUI's /view sent something that is not an image for {picture['filename']}") from None
        raise FaultError(f"ComfyUI finished prompt {prompt_id} without saving an image; the workflow needs a SaveImage node")

    # --- HTTP ------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, ok: tuple[int, ...] = (200,), **kwargs: Any) -> httpx.Response:
        try:
            answer = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from None
        if answer.status_code not in ok:
            raise FaultError(f"ComfyUI {method} {path} answered {answer.status_code}: {one_line(answer.text)[:200]}")
        return answer

    def _unreachable(self, exc: BaseException) -> FaultError:
        reason = first_line(exc)
        return FaultError(f"ComfyUI at {self.url} is not reachable ({reason}); start it or set CARTOON_COMFYUI_URL")


def combo_options(spec: list[Any]) -> list[str]:
    """The choices of a combo input in /object_info: `[[a, b]]`, or `["COMBO", {"options": [a, b]}]`
    in the newer node schema."""
    if isinstance(spec[0], list):
        return [str(v) for v in spec[0]]
    if spec[0] == "COMBO":
        return [str(v) for v in spec[1]["options"]]
    raise TypeError(f"not a combo input: {spec[0]!r}")


def describe_rejection(body: dict[str, Any]) -> str:
    """ComfyUI's 400 answer to /prompt, as one line that says what to fix."""
    for node_id, node in (body.get("node_errors") or {}).items():
        for error in node.get("errors", []):
            details = one_line(error.get("details", ""))[:240]
            hint = ""
            if error.get("type") == "value_not_in_list":
                hint = "; put the file in ComfyUI's models folder or fix CARTOON_COMFYUI_* / the character's LoRA"
            return (f"ComfyUI rejected the workflow: node {node_id} ({node.get('class_type')}): "
                    f"{error.get('message', 'error')}: {details}{hint}")
    error = body.get("error") or {}
    message = error.get("message") if isinstance(error, dict) else error
    return f"ComfyUI rejected the workflow: {one_line(str(message or body))[:240]}"


def one_line(text: str) -> str:
    """A server's answer body (HTML, JSON, a traceback) folded onto one line; an exception's
    message goes through `core.errors.first_line` instead."""
    return " ".join(str(text).split())
