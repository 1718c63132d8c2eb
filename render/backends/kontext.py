"""The `kontext` backend: diffusers' FluxKontextPipeline with the flat-cartoon style LoRA and
one LoRA per character, on a local GPU (or the CPU, slowly).

    from core.settings import get_settings
    from render.backends.base import RenderOptions
    from render.backends.kontext import KontextBackend

    backend = KontextBackend(get_settings())        # CARTOON_KONTEXT_MODEL, CARTOON_STYLE_LORA, ...
    backend.check_inputs(plan, RenderOptions())     # InputError/FaultError before any loading
    image = backend.render(plan, seed=7, options=RenderOptions(width=1024, height=1024))

The pipeline and every LoRA are loaded once and stay loaded between requests. The style LoRA
is always on, so it is fused into the transformer's weights at load and costs nothing per step.
Each character LoRA is an adapter named `-<id>-` (the hyphens keep one id from matching inside
another: peft's hot-swap finds an adapter's weights by substring, and ids have no hyphen); a
request switches the plan's characters on with `set_adapters`, the others off. With hot-swap (on
when compiled), every adapter stays active, its sheet weight folded into B, and a character is
switched off by swapping in a copy of its LoRA with B = 0 (and back), in place; the Kontext input
is letterboxed to the output size, so every cast (one, two characters, a photo edit) has the
same shapes. The compiled graph never changes, so nothing recompiles.

Settings (core/settings.py, `# --- kontext` block): CARTOON_KONTEXT_MODEL, CARTOON_STYLE_LORA,
CARTOON_STYLE_LORA_WEIGHT, CARTOON_KONTEXT_DEVICE, CARTOON_KONTEXT_OFFLOAD (none, model,
group), CARTOON_KONTEXT_FP8, CARTOON_KONTEXT_COMPILE, CARTOON_KONTEXT_HOTSWAP,
CARTOON_KONTEXT_ATTENTION, CARTOON_KONTEXT_REQUIRE_LORAS.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from diffusers import FluxKontextPipeline
from PIL import Image
from safetensors.torch import load_file

from characters.sheet import load_characters
from core.errors import FaultError, InputError, first_line
from render.backends.base import Backend, ProgressFn, RenderOptions
from render.inputs import build_input_image, letterbox
from render.resolutions import input_size, kontext_size

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings

log = logging.getLogger(__name__)

STYLE = "style"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def adapter_name(character_id: str) -> str:
    """The peft adapter name of a LoRA: `-milo-`. Character ids never hold a hyphen (sheet.py),
    so no name is a substring of another one or of a module path."""
    return f"-{character_id}-"


# --- loading ---------------------------------------------------------------------------------
def resolve_model(value: str) -> str:
    """A local folder (must hold model_index.json) or a hub id; anything else is an error."""
    path = Path(value).expanduser()
    if path.is_dir():
        if not (path / "model_index.json").is_file():
            raise FaultError(
                f"{path}: not a diffusers model folder (no model_index.json); point "
                "CARTOON_KONTEXT_MODEL at the folder `hf download black-forest-labs/FLUX.1-Kontext-dev` wrote"
            )
        return str(path)
    if _HUB_ID.match(value) and not value.startswith((".", "~")):
        return value
    raise FaultError(
        f"{value}: Kontext model folder not found; set CARTOON_KONTEXT_MODEL to a local folder "
        "or download it with `hf download black-forest-labs/FLUX.1-Kontext-dev --local-dir DIR`"
    )


def _device_and_dtype(setting: str) -> tuple[str, torch.dtype]:
    device = ("cuda" if torch.cuda.is_available() else "cpu") if setting == "auto" else setting
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise FaultError(
            f"CARTOON_KONTEXT_DEVICE={setting} but CUDA is not available; set it to auto or cpu"
        )
    return device, (torch.bfloat16 if device.startswith("cuda") else torch.float32)


@dataclass
class _Adapter:
    """One loaded character LoRA. With hot-swap, `state` (sheet weight folded into B) and its
    B = 0 twin `zero` are what gets swapped in."""

    character: str
    path: Path
    weight: float
    state: dict[str, torch.Tensor] = field(default_factory=dict)
    zero: dict[str, torch.Tensor] = field(default_factory=dict)
    on: bool = True

    @property
    def name(self) -> str:
        return adapter_name(self.character)


def _read_lora(path: Path, what: str) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise FaultError(
            f"{path}: {what} LoRA file not found; train or copy it there, or fix the path"
        )
    try:
        return load_file(str(path))
    except Exception as exc:  # safetensors raises several kinds for a bad file
        raise FaultError(f"{path}: not a readable .safetensors LoRA ({first_line(exc)})") from None


def _copy(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A deep copy: loading may keep (and a later hot-swap overwrite) the tensors it is given."""
    return {k: v.clone() for k, v in state.items()}


def _is_b(key: str) -> bool:
    return "lora_B" in key or "lora_up" in key


def _lora_rank(state: dict[str, torch.Tensor]) -> int:
    return max(
        (t.shape[0] for k, t in state.items() if "lora_A" in k or "lora_down" in k), default=1
    )


# --- the backend -----------------------------------------------------------------------------
class KontextBackend(Backend):
    """FLUX.1 Kontext + style LoRA + character LoRAs; see the module docstring.

    `compile_backend` is torch.compile's backend ("inductor"; tests pass a counting one)."""

    name = "kontext"

    def __init__(self, settings: Settings, compile_backend: str | Callable[..., Any] = "inductor") -> None:
        self.settings = settings
        self.compile_backend = compile_backend
        self.pipe: FluxKontextPipeline | None = None
        self.adapters: dict[str, _Adapter] = {}  # by character id
        self.style_fused = False
        self.hotswap = (
            settings.kontext_hotswap
            if settings.kontext_hotswap is not None
            else settings.kontext_compile
        )
        self.device, self.dtype = "cpu", torch.float32
        self._lock = threading.Lock()  # one render at a time on one pipeline

    @property
    def loaded(self) -> bool:
        return self.pipe is not None

    def check_inputs(self, plan: ScenePlan, options: RenderOptions) -> None:
        """Refuse what this backend cannot draw, before any loading: steps, guidance and size
        out of range, a character without a sheet, or (CARTOON_KONTEXT_REQUIRE_LORAS) one
        whose LoRA file is missing."""
        steps = self.settings.render_steps if options.steps is None else options.steps
        guidance = self.settings.render_guidance if options.guidance is None else options.guidance
        if not 1 <= steps <= 200:
            raise InputError(
                f"steps={steps}: pass a number of steps from 1 to 200 (default {self.settings.render_steps})"
            )
        if not 0 <= guidance <= 30:
            raise InputError(
                f"guidance={guidance}: pass a guidance from 0 to 30 (default {self.settings.render_guidance})"
            )
        if not (16 <= options.width <= 2048 and 16 <= options.height <= 2048):
            raise InputError(
                f"size {options.width}x{options.height}: pass a width and height from 16 to 2048"
            )
        sheets = load_characters(self.settings.characters_dir)
        for cid in plan.characters:
            if cid not in sheets:
                raise InputError(f"unknown character '{cid}'; use one of: {', '.join(sheets)}")
            if cid in self.adapters or not self.settings.kontext_require_loras:
                continue
            if not sheets[cid].lora_path.is_file():
                raise FaultError(
                    f"{sheets[cid].lora_path}: {cid}'s LoRA file not found; train it or copy it there, "
                    "or set CARTOON_KONTEXT_REQUIRE_LORAS=false to draw it from its reference alone"
                )
            if self.hotswap and self.pipe is not None:
                raise FaultError(
                    f"{cid}'s LoRA appeared after the compiled pipeline loaded; restart the render "
                    "service to load it (a compiled, hot-swapping pipeline cannot add adapters)"
                )

    # --- loading once ------------------------------------------------------------------------
    def load(self) -> FluxKontextPipeline:
        """Load the pipeline and every available LoRA (idempotent)."""
        if self.pipe is not None:
            return self.pipe
        model = resolve_model(self.settings.kontext_model)
        self.device, self.dtype = _device_and_dtype(self.settings.kontext_device)
        style, loras = self.read_loras()  # before minutes of model loading: a bad file fails fast
        log.info("loading %s on %s (%s)", model, self.device, self.dtype)
        try:
            pipe = FluxKontextPipeline.from_pretrained(model, dtype=self.dtype)
        except Exception as exc:
            raise FaultError(
                f"could not load the Kontext model '{model}' ({first_line(exc)}); set "
                "CARTOON_KONTEXT_MODEL to a local folder or download it with `hf download`"
            ) from None
        try:
            return self.attach(pipe, loras, style)
        except torch.OutOfMemoryError:
            pass  # freed below: inside `except` the traceback still holds the tensors
        del pipe
        self._free_cuda()
        raise FaultError(
            "CUDA out of memory loading the Kontext model; set CARTOON_KONTEXT_OFFLOAD=model "
            "and CARTOON_KONTEXT_FP8=true for a 24 GB card"
        )

    def read_loras(self) -> tuple[dict[str, torch.Tensor] | None, list[tuple[_Adapter, dict[str, torch.Tensor]]]]:
        """The style LoRA (if set) and every character LoRA whose file exists, read from disk."""
        settings = self.settings
        style = None
        if settings.style_lora is not None:
            style = _read_lora(settings.style_lora, "style (CARTOON_STYLE_LORA)")
        loras: list[tuple[_Adapter, dict[str, torch.Tensor]]] = []
        for cid, character in load_characters(settings.characters_dir).items():
            if character.lora_path.is_file():  # a missing one is an error only when needed
                adapter = _Adapter(cid, character.lora_path, character.lora.weight)
                loras.append((adapter, _read_lora(adapter.path, f"{cid}'s")))
        return style, loras

    def attach(
        self,
        pipe: FluxKontextPipeline,
        loras: list[tuple[_Adapter, dict[str, torch.Tensor]]] | None = None,
        style: dict[str, torch.Tensor] | None = None,
    ) -> FluxKontextPipeline:
        """Make `pipe` (loaded, or built in memory by the benchmark) this backend's pipeline:
        fuse the style LoRA, load the character LoRAs as named adapters, then storage dtype,
        placement and compile, in the order diffusers needs (hot-swap before the first
        adapter; float8 after the fusing; compile after the last adapter)."""
        settings = self.settings
        if loras is None:
            style, loras = self.read_loras()
        self.device, _ = _device_and_dtype(settings.kontext_device)
        self.dtype = pipe.transformer.dtype
        pipe.set_progress_bar_config(disable=True)  # progress goes through the callback
        if style is not None:
            self._fuse_style(pipe, style)
        if self.hotswap and loras:
            pipe.enable_lora_hotswap(target_rank=max(_lora_rank(s) for _, s in loras))
        for adapter, state in loras:
            if self.hotswap:
                # The sheet weight lives in B: set_adapters would turn the hot-swap scaling
                # into floats (a recompile each change), and each swap resets it to alpha/rank.
                adapter.state = {k: v * adapter.weight if _is_b(k) else v for k, v in state.items()}
                adapter.zero = {k: torch.zeros_like(v) if _is_b(k) else v for k, v in state.items()}
                state = adapter.state
            self._load_adapter(pipe, adapter, state)
        if self.hotswap and self.adapters:
            # Every adapter stays active, its scaling untouched; characters switch by swapping B.
            from peft.tuners.tuners_utils import set_adapter

            set_adapter(pipe.transformer, [a.name for a in self.adapters.values()], inference_mode=True)
        if settings.kontext_fp8:
            # Weights stored in float8, each layer cast up to the compute dtype as it runs:
            # the transformer takes ~12 GB instead of ~24 GB.
            pipe.transformer.enable_layerwise_casting(
                storage_dtype=torch.float8_e4m3fn, compute_dtype=self.dtype
            )
        self._place(pipe)
        if settings.kontext_attention:
            try:
                pipe.transformer.set_attention_backend(settings.kontext_attention)
            except (ValueError, RuntimeError, ImportError) as exc:
                raise FaultError(
                    f"CARTOON_KONTEXT_ATTENTION={settings.kontext_attention}: {first_line(exc)}; "
                    "unset it for PyTorch's default attention"
                ) from None
        if settings.kontext_compile:
            pipe.transformer.compile(backend=self.compile_backend)
        self.pipe = pipe
        return pipe

    def _fuse_style(self, pipe: FluxKontextPipeline, state: dict[str, torch.Tensor]) -> None:
        """The always-on style LoRA, merged into the base weights once (then unloaded), so no
        step pays for it and the character adapters are the only ones left."""
        path = self.settings.style_lora
        try:
            pipe.load_lora_weights(_copy(state), adapter_name=adapter_name(STYLE))
            pipe.fuse_lora(
                components=["transformer"],
                lora_scale=self.settings.style_lora_weight,
                adapter_names=[adapter_name(STYLE)],
            )
            pipe.unload_lora_weights()
        except torch.OutOfMemoryError:
            raise
        except Exception as exc:
            raise FaultError(f"{path}: not a FLUX LoRA diffusers can load ({first_line(exc)})") from None
        self.style_fused = True

    def _load_adapter(
        self,
        pipe: FluxKontextPipeline,
        adapter: _Adapter,
        state: dict[str, torch.Tensor] | None = None,
    ) -> None:
        if state is None:
            state = _read_lora(adapter.path, f"{adapter.character}'s")
        try:
            with warnings.catch_warnings():
                # peft warns on every adapter after the first; several named adapters
                # (one per character) are the design here, not a mistake.
                warnings.filterwarnings("ignore", message="Already found a `peft_config`", category=UserWarning)
                pipe.load_lora_weights(_copy(state), adapter_name=adapter.name)
        except torch.OutOfMemoryError:
            raise
        except Exception as exc:
            raise FaultError(
                f"{adapter.path}: not a FLUX LoRA diffusers can load ({first_line(exc)})"
            ) from None
        self.adapters[adapter.character] = adapter

    def _lift_to_compute_dtype(self, pipe: FluxKontextPipeline, adapter: _Adapter) -> None:
        """A LoRA loaded into a float8-stored transformer: peft gives its A and B the base
        layer's dtype (float8), which no matmul takes; they are small, so keep them in the
        compute dtype."""
        for module in pipe.transformer.modules():
            for kind in ("lora_A", "lora_B"):
                layers = getattr(module, kind, None)
                if isinstance(layers, torch.nn.ModuleDict) and adapter.name in layers:
                    layers[adapter.name].to(self.dtype)

    def _place(self, pipe: FluxKontextPipeline) -> None:
        offload = self.settings.kontext_offload
        on_gpu = self.device.startswith("cuda")
        if offload == "model" and on_gpu:
            pipe.enable_model_cpu_offload(device=self.device)
        elif offload == "group" and on_gpu:
            # Blocks stream to the GPU just before they run, on a side CUDA stream.
            pipe.enable_group_offload(
                onload_device=torch.device(self.device),
                offload_device=torch.device("cpu"),
                offload_type="block_level",
                num_blocks_per_group=1,
                use_stream=True,
            )
        else:
            pipe.to(self.device)

    # --- switching LoRAs per request ---------------------------------------------------------
    def _activate(self, pipe: FluxKontextPipeline, plan: ScenePlan) -> list[str]:
        """Turn on the plan's characters' LoRAs, nothing else (the style LoRA is fused)."""
        wanted: list[str] = []
        for cid in plan.characters:
            if cid in self.adapters:
                wanted.append(cid)
                continue
            character = load_characters(self.settings.characters_dir).get(cid)
            where = character.lora_path if character else f"characters/{cid}/"
            if character and character.lora_path.is_file() and not self.hotswap:
                # Trained since the pipeline loaded: load it now, once. (A compiled,
                # hot-swapping pipeline cannot grow adapters; restart it instead.)
                adapter = _Adapter(cid, character.lora_path, character.lora.weight)
                self._load_adapter(pipe, adapter)
                if self.settings.kontext_fp8:
                    self._lift_to_compute_dtype(pipe, adapter)
                wanted.append(cid)
                continue
            if self.settings.kontext_require_loras:
                raise FaultError(
                    f"{where}: {cid}'s LoRA file not found; train it or copy it there, or set "
                    "CARTOON_KONTEXT_REQUIRE_LORAS=false to draw it from its reference alone"
                )
            log.warning("%s: no LoRA; drawing %s from the reference image alone", where, cid)
        if self.hotswap:
            for adapter in self.adapters.values():
                on = adapter.character in wanted
                if on != adapter.on:
                    source = adapter.state if on else adapter.zero
                    pipe.load_lora_weights(_copy(source), adapter_name=adapter.name, hotswap=True)
                    adapter.on = on
        elif wanted:
            pipe.enable_lora()
            pipe.set_adapters(
                [self.adapters[c].name for c in wanted], [self.adapters[c].weight for c in wanted]
            )
        elif self.adapters:
            pipe.disable_lora()
        return wanted

    # --- rendering ---------------------------------------------------------------------------
    def render(
        self,
        plan: ScenePlan,
        *,
        seed: int,
        options: RenderOptions,
        progress: ProgressFn | None = None,
        input_image: Image.Image | None = None,
    ) -> Image.Image:
        """One picture. `input_image` is the Kontext input (the plate with the characters'
        references stitched on); None builds it from the plan with `render.inputs`."""
        # 1. check the inputs
        self.check_inputs(plan, options)
        steps = self.settings.render_steps if options.steps is None else options.steps
        guidance = self.settings.render_guidance if options.guidance is None else options.guidance
        if input_image is None:
            input_image = build_input_image(plan, self.settings)

        with self._lock:
            try:
                # 2. the pipeline and the plan's LoRAs
                pipe = self.load()
                self._activate(pipe, plan)

                # 3. sizes: the output snapped to a Kontext resolution; the input to the
                # Kontext resolution of its aspect, or (compiled) letterboxed to the output's
                multiple_of = pipe.vae_scale_factor * 2
                width, height = kontext_size(options.width, options.height, multiple_of)
                if self.settings.kontext_compile:
                    image = letterbox(input_image, width, height)
                else:
                    in_w, in_h = input_size(input_image.width, input_image.height, width * height, multiple_of)
                    image = input_image.convert("RGB").resize((in_w, in_h), Image.Resampling.LANCZOS)

                # 4. denoise, reporting each step
                def on_step(_pipe: Any, step: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
                    if progress is not None:
                        progress(step + 1, steps)
                    return kwargs

                result = pipe(
                    image=image,
                    prompt=plan.clip_prompt or plan.prompt,  # CLIP: 77 tokens
                    prompt_2=plan.prompt,  # T5: the full prompt
                    height=height,
                    width=width,
                    max_area=width * height,
                    _auto_resize=False,  # the input is already at a Kontext resolution
                    num_inference_steps=steps,
                    guidance_scale=guidance,
                    generator=torch.Generator(device="cpu").manual_seed(seed),
                    callback_on_step_end=on_step,
                )
                return result.images[0]
            except torch.OutOfMemoryError:
                pass  # freed below: inside `except` the traceback still holds the activations
        self._free_cuda()
        raise FaultError(
            f"CUDA out of memory rendering {options.width}x{options.height}; memory freed. "
            "Set CARTOON_KONTEXT_OFFLOAD=model and CARTOON_KONTEXT_FP8=true, or render a smaller --size"
        )

    def edit(
        self,
        image: Image.Image,
        prompt: str,
        *,
        seed: int,
        options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Edit one picture by a prompt (`cartoon plates` cartoonifies wall photos): the
        picture is the Kontext input, and no character LoRA is active (the style is fused)."""
        from agent.state import ScenePlan

        plan = ScenePlan(characters=[], plate="east", prompt=prompt, source="rules")
        return self.render(plan, seed=seed, options=options, progress=progress, input_image=image)

    def edit_scene(
        self,
        image: Image.Image,
        plan: ScenePlan,
        instruction: str,
        *,
        seed: int,
        options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Edit a finished picture: the picture is the Kontext input, T5 reads the edit
        instruction (the panel kept blank there), CLIP the edited scene's short prompt, and
        the LoRAs of the plan's cast are on (a newcomer's too)."""
        edit = plan.model_copy(update={"prompt": instruction})
        return self.render(edit, seed=seed, options=options, progress=progress, input_image=image)

    @staticmethod
    def _free_cuda() -> None:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def close(self) -> None:
        self.pipe = None
        self.adapters.clear()
        self._free_cuda()
