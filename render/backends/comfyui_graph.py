"""Fill the shipped ComfyUI API workflow in for one request: models, prompts (CLIPTextEncodeFlux:
the short `clip_prompt` for CLIP-L's 77 tokens, the full prompt for T5, as the kontext backend
does), the input image's uploaded name, seed, steps, guidance, size, and a
LoraLoaderModelOnly per LoRA (the style LoRA, then each present character's) chained in front
of the KSampler.

Nodes are found by `class_type`, so another workflow with the same kinds of node works.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import InputError

Graph = dict[str, dict[str, Any]]
WORKFLOW = Path(__file__).resolve().parent.parent / "workflows" / "kontext_api.json"
STYLE_TITLE = "flat cartoon style LoRA"


@dataclass(frozen=True)
class GraphRequest:
    image_name: str
    prompt: str  # the full prompt, for T5
    seed: int
    steps: int
    guidance: float
    width: int
    height: int
    unet: str
    clip_l: str
    t5: str
    vae: str
    loras: tuple[tuple[str, float], ...] = ()  # (file name in models/loras, strength)
    clip_prompt: str | None = None  # the short prompt for CLIP-L; None: the full one


def load_workflow(path: Path | None = None) -> Graph:
    path = Path(path) if path else WORKFLOW
    try:
        graph = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: ComfyUI workflow not found; set CARTOON_COMFYUI_WORKFLOW to an API-format JSON") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(graph, dict) or not all(isinstance(n, dict) and "class_type" in n for n in graph.values()):
        raise InputError(f"{path}: not an API-format workflow (export it with 'Save (API)')")
    return graph


def node_of(graph: Graph, class_type: str) -> tuple[str, dict[str, Any]]:
    for node_id, node in graph.items():
        if node["class_type"] == class_type:
            return node_id, node
    raise InputError(f"the ComfyUI workflow has no {class_type} node; use render/workflows/kontext_api.json")


def build_graph(template: Graph, request: GraphRequest) -> Graph:
    graph = copy.deepcopy(template)
    node_of(graph, "UNETLoader")[1]["inputs"]["unet_name"] = request.unet
    clip = node_of(graph, "DualCLIPLoader")[1]["inputs"]
    clip["clip_name1"], clip["clip_name2"] = request.clip_l, request.t5
    node_of(graph, "VAELoader")[1]["inputs"]["vae_name"] = request.vae
    node_of(graph, "LoadImage")[1]["inputs"]["image"] = request.image_name
    flux = [n for n in graph.values() if n["class_type"] == "CLIPTextEncodeFlux"]
    if flux:
        for node in flux:
            node["inputs"]["clip_l"] = request.clip_prompt or request.prompt
            node["inputs"]["t5xxl"] = request.prompt
            node["inputs"]["guidance"] = request.guidance
    else:  # a workflow of the user's with one CLIPTextEncode: both encoders read the prompt
        node_of(graph, "CLIPTextEncode")[1]["inputs"]["text"] = request.prompt
    node_of(graph, "FluxGuidance")[1]["inputs"]["guidance"] = request.guidance
    latent = node_of(graph, "EmptySD3LatentImage")[1]["inputs"]
    latent["width"], latent["height"] = request.width, request.height
    sampler_id, sampler = node_of(graph, "KSampler")
    sampler["inputs"]["seed"], sampler["inputs"]["steps"] = request.seed, request.steps

    # The LoRA chain: drop the template's LoRA nodes, then chain ours from the UNET.
    for node_id in [i for i, n in graph.items() if n["class_type"] == "LoraLoaderModelOnly"]:
        del graph[node_id]
    model: list[Any] = [node_of(graph, "UNETLoader")[0], 0]
    for index, (name, strength) in enumerate(request.loras, start=1):
        node_id = f"lora{index}"
        graph[node_id] = {
            "class_type": "LoraLoaderModelOnly",
            "_meta": {"title": f"LoRA {name}"},
            "inputs": {"model": model, "lora_name": name, "strength_model": strength},
        }
        model = [node_id, 0]
    graph[sampler_id]["inputs"]["model"] = model
    return graph
