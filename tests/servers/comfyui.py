"""A small server on 127.0.0.1 that speaks ComfyUI's HTTP + websocket API, for tests.

It validates a queued workflow the way ComfyUI does (unknown node types, dangling links,
model files that are not in its models folders, images that were never uploaded) and
answers with ComfyUI's own error shapes; a valid prompt "runs": `executing` and
KSampler `progress` messages on /ws, then an output image in /history and /view. The
"render" is the uploaded input's left part (the plate) at the latent size, marked with
the seed, so a test can tell the upload, the size and the seed all got through.

Failure switches: `fail_class` (an execution_error in that node type), `drop_ws`
(close the websocket mid-render), `step_delay_s` (slow steps, for timeouts). /object_info
lists the model files as ComfyUI does (`combo_schema` picks the newer combo shape).
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.servers.uvicorn_thread import serve

KNOWN = {
    "UNETLoader", "DualCLIPLoader", "VAELoader", "LoraLoaderModelOnly", "LoadImage", "FluxKontextImageScale",
    "VAEEncode", "CLIPTextEncode", "CLIPTextEncodeFlux", "ReferenceLatent", "FluxGuidance", "ConditioningZeroOut",
    "EmptySD3LatentImage", "KSampler", "VAEDecode", "SaveImage",
}
# node type → inputs ComfyUI requires (a missing one fails validation: required_input_missing)
REQUIRED = {"CLIPTextEncodeFlux": ("clip", "clip_l", "t5xxl", "guidance"), "CLIPTextEncode": ("clip", "text")}
# node type → (input name, models folder) that ComfyUI checks against its file lists
MODEL_INPUTS = {
    "UNETLoader": [("unet_name", "diffusion_models")],
    "DualCLIPLoader": [("clip_name1", "text_encoders"), ("clip_name2", "text_encoders")],
    "VAELoader": [("vae_name", "vae")],
    "LoraLoaderModelOnly": [("lora_name", "loras")],
}


@dataclass
class FakeComfyUI:
    models: dict[str, set[str]] = field(default_factory=lambda: {
        "diffusion_models": {"flux1-kontext-dev.safetensors"},
        "text_encoders": {"clip_l.safetensors", "t5xxl_fp16.safetensors"},
        "vae": {"ae.safetensors"},
        "loras": {"FLUX-kontext-lora-flat-cartoon-style.safetensors", "milo.safetensors", "james.safetensors"},
    })
    fail_class: str | None = None
    drop_ws: bool = False
    step_delay_s: float = 0.0
    combo_schema: bool = False  # answer /object_info with the newer ["COMBO", {...}] shape
    object_info_calls: int = 0
    uploads: dict[str, bytes] = field(default_factory=dict)
    outputs: dict[str, bytes] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    sockets: dict[str, WebSocket] = field(default_factory=dict)
    url: str = ""

    # --- HTTP ------------------------------------------------------------------------------------
    async def upload(self, request: Request) -> Response:
        form = await request.form()
        upload = form.get("image")
        if upload is None or isinstance(upload, str):
            return Response(status_code=400)
        self.uploads[upload.filename] = await upload.read()
        return JSONResponse({"name": upload.filename, "subfolder": "", "type": "input"})

    async def prompt(self, request: Request) -> Response:
        body = await request.json()
        graph = body.get("prompt") or {}
        for node_id, node in graph.items():
            if node.get("class_type") not in KNOWN:
                return JSONResponse({"error": {
                    "type": "invalid_prompt", "message": f"Cannot execute because node {node.get('class_type')} does not exist.",
                    "details": f"Node ID '#{node_id}'", "extra_info": {}}, "node_errors": {}}, status_code=400)
        node_errors = {}
        for node_id, node in graph.items():
            errors = self._validate(graph, node)
            if errors:
                node_errors[node_id] = {"errors": errors, "dependent_outputs": [], "class_type": node["class_type"]}
        if node_errors:
            return JSONResponse({"error": {"type": "prompt_outputs_failed_validation",
                                           "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                                 "node_errors": node_errors}, status_code=400)
        prompt_id = str(uuid.uuid4())
        self.prompts.append({"prompt_id": prompt_id, **body})
        asyncio.get_running_loop().create_task(self._execute(prompt_id, graph, body.get("client_id")))
        return JSONResponse({"prompt_id": prompt_id, "number": len(self.prompts), "node_errors": {}})

    def _validate(self, graph: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
        errors = []
        for name, value in node.get("inputs", {}).items():
            if isinstance(value, list) and len(value) == 2 and str(value[0]) not in graph:
                errors.append({"type": "invalid_input", "message": "Link to a missing node",
                               "details": f"{name}: node {value[0]} does not exist", "extra_info": {}})
        for name in REQUIRED.get(node["class_type"], ()):
            if name not in node.get("inputs", {}):
                errors.append({"type": "required_input_missing", "message": "Required input is missing",
                               "details": name, "extra_info": {"input_name": name}})
        for name, folder in MODEL_INPUTS.get(node["class_type"], []):
            value = node["inputs"].get(name)
            if value not in self.models[folder]:
                errors.append({"type": "value_not_in_list", "message": "Value not in list",
                               "details": f"{name}: '{value}' not in {sorted(self.models[folder])}",
                               "extra_info": {"input_name": name}})
        if node["class_type"] == "LoadImage" and node["inputs"].get("image") not in self.uploads:
            errors.append({"type": "custom_validation_failed", "message": "Custom validation failed for node",
                           "details": f"image - Invalid image file: {node['inputs'].get('image')}", "extra_info": {}})
        return errors

    async def _execute(self, prompt_id: str, graph: dict[str, Any], client_id: str | None) -> None:
        async def send(kind: str, data: dict[str, Any]) -> None:
            ws = self.sockets.get(client_id or "")
            if ws is not None:
                await ws.send_json({"type": kind, "data": {**data, "prompt_id": prompt_id}})

        await send("execution_start", {"timestamp": 0})
        for node_id, node in graph.items():
            await send("executing", {"node": node_id, "display_node": node_id})
            if node["class_type"] == self.fail_class:
                await send("execution_error", {
                    "node_id": node_id, "node_type": node["class_type"], "executed": [],
                    "exception_message": "Allocation on device 0 would exceed allowed memory. (out of memory)\nCurrently allocated: 23.1 GiB",
                    "exception_type": "torch.OutOfMemoryError", "traceback": ["..."], "current_inputs": {}, "current_outputs": {}})
                self.history[prompt_id] = {"prompt": [], "outputs": {}, "status": {"status_str": "error", "completed": False, "messages": []}}
                return
            if node["class_type"] == "KSampler":
                steps = node["inputs"]["steps"]
                for step in range(1, steps + 1):
                    await asyncio.sleep(self.step_delay_s)
                    await send("progress", {"value": step, "max": steps, "node": node_id})
                    if self.drop_ws and step == 1:
                        await self.sockets.pop(client_id or "").close()
                        return
        self.history[prompt_id] = {"prompt": [], "outputs": self._render(graph, prompt_id),
                                   "status": {"status_str": "success", "completed": True, "messages": []}}
        await send("executing", {"node": None})
        await send("execution_success", {"timestamp": 0})

    def _render(self, graph: dict[str, Any], prompt_id: str) -> dict[str, Any]:
        def of(kind: str) -> tuple[str, dict[str, Any]]:
            return next((i, n["inputs"]) for i, n in graph.items() if n["class_type"] == kind)

        latent = of("EmptySD3LatentImage")[1]
        width, height = latent["width"], latent["height"]
        source = Image.open(io.BytesIO(self.uploads[of("LoadImage")[1]["image"]])).convert("RGB")
        plate = source.crop((0, 0, min(source.width, source.height * width // height), source.height))
        image = plate.resize((width, height))
        seed = of("KSampler")[1]["seed"]
        ImageDraw.Draw(image).rectangle((0, 0, 7, 7), fill=(seed % 256, seed // 256 % 256, 7))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        filename = f"milo-cartoons_{prompt_id[:8]}_.png"
        self.outputs[filename] = buffer.getvalue()
        return {of("SaveImage")[0]: {"images": [{"filename": filename, "subfolder": "", "type": "output"}]}}

    async def object_info(self, request: Request) -> Response:
        """GET /object_info/{node_class}: the node's inputs, with the model file lists as combos
        (the classic `[[names]]` shape, or the newer `["COMBO", {"options": names}]`)."""
        kind = request.path_params["node_class"]
        if kind not in KNOWN:
            return JSONResponse({})
        required: dict[str, Any] = {}
        for name, folder in MODEL_INPUTS.get(kind, []):
            names = sorted(self.models[folder])
            required[name] = ["COMBO", {"options": names}] if self.combo_schema else [names]
        self.object_info_calls += 1
        return JSONResponse({kind: {"input": {"required": required}, "name": kind}})

    async def get_history(self, request: Request) -> Response:
        prompt_id = request.path_params["prompt_id"]
        return JSONResponse({prompt_id: self.history[prompt_id]} if prompt_id in self.history else {})

    async def view(self, request: Request) -> Response:
        data = self.outputs.get(request.query_params.get("filename", ""))
        if data is None or request.query_params.get("type") != "output":
            return Response(status_code=404)
        return Response(data, media_type="image/png")

    async def websocket(self, ws: WebSocket) -> None:
        client_id = ws.query_params.get("clientId") or uuid.uuid4().hex
        await ws.accept()
        self.sockets[client_id] = ws
        await ws.send_json({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": client_id}})
        try:
            while True:
                await ws.receive_text()
        except WebSocketDisconnect:
            self.sockets.pop(client_id, None)

    # --- running ---------------------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/upload/image", self.upload, methods=["POST"]),
            Route("/prompt", self.prompt, methods=["POST"]),
            Route("/history/{prompt_id}", self.get_history),
            Route("/object_info/{node_class}", self.object_info),
            Route("/view", self.view),
            WebSocketRoute("/ws", self.websocket),
        ])

    @contextmanager
    def running(self) -> Iterator[FakeComfyUI]:
        with serve(self.app()) as url:
            self.url = url
            yield self
