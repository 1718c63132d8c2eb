"""Checks of the files a render box needs: the Kontext model folder, the style LoRA, the
pose model, each character's LoRA, and the four wall plates."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings

GUIDE = "docs/OPERATORS.md#1-getting-the-weights"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def safetensors_problem(path: Path) -> str | None:
    """Why `path` is not a readable .safetensors file (header only), or None.

    Catches the usual: a missing file, an empty or cut-off download, a Git LFS pointer."""
    if not path.is_file():
        return f"{path} is missing"
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if (head + f.read(16)).startswith(b"version https://git-lfs"):
                return f"{path} is a Git LFS pointer, not the weights; run git lfs pull or download the file"
            if len(head) < 8:
                return f"{path} is empty or cut off; download it again"
            (length,) = struct.unpack("<Q", head)
            f.seek(8)
            if length > 100_000_000 or length > path.stat().st_size:
                return f"{path} is not a safetensors file (bad header); download it again"
            header = json.loads(f.read(length))
    except (OSError, ValueError) as exc:
        return f"{path} cannot be read as safetensors ({exc}); download it again"
    if not isinstance(header, dict) or not any(k != "__metadata__" for k in header):
        return f"{path} holds no tensors; download or train it again"
    return None


def backend_name(settings: Settings) -> str:
    """The backend `cartoon serve` renders with on this box (its --backend flag aside)."""
    return settings.service_backend or settings.default_backend


def check_models(settings: Settings) -> CheckResult:
    backend = backend_name(settings)
    problems: list[str] = []
    notes: list[str] = []
    if backend == "kontext":
        _kontext_files(settings, problems, notes)
    elif backend == "openai" and not settings.openai_api_key:
        problems.append("backend openai needs OPENAI_API_KEY; set it in .env")
    pose = settings.pose_weights
    if not pose.is_file():
        notes.append(f"{pose} is missing: the compositor skips the pose step")
    if problems:
        return fail("models", f"{'; '.join(problems)}; see {GUIDE}", backend=backend)
    if notes:
        return warn("models", "; ".join(notes), backend=backend)
    if backend == "kontext":
        return ok("models", f"Kontext model, style LoRA and pose model present (backend {backend})", backend=backend)
    return ok("models", f"backend {backend} needs no local diffusion weights; pose model present", backend=backend)


def _kontext_files(settings: Settings, problems: list[str], notes: list[str]) -> None:
    model = settings.kontext_model
    folder = Path(model)
    if folder.is_dir() or model.startswith(("/", ".", "~")):
        problems += _diffusers_folder_problems(folder.expanduser())
    else:
        notes.append(
            f"CARTOON_KONTEXT_MODEL={model} is a hub id: the service downloads about 34 GB at start "
            f"(needs HF_TOKEN and the licence accepted); download it into {settings.models_dir} instead"
        )
    if settings.style_lora is None:
        notes.append("CARTOON_STYLE_LORA is not set: pictures lose the flat-cartoon look")
    elif problem := safetensors_problem(settings.style_lora):
        problems.append(f"style LoRA: {problem}")


def _diffusers_folder_problems(folder: Path) -> list[str]:
    index = folder / "model_index.json"
    if not folder.is_dir():
        return [f"CARTOON_KONTEXT_MODEL folder {folder} is missing"]
    if not index.is_file():
        return [f"{folder} has no model_index.json, so it is not a diffusers model folder"]
    try:
        components = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{index} is not valid JSON ({exc})"]
    missing = [
        name for name, spec in components.items()
        if not name.startswith("_") and isinstance(spec, list) and spec[0] is not None
        and not (folder / name).is_dir()
    ]
    if missing:
        return [f"{folder} lacks the component folder(s) {', '.join(sorted(missing))} (an incomplete download)"]
    return []


def check_loras(settings: Settings) -> CheckResult:
    """Each character's LoRA (kontext) and first reference image (every image-edit backend)."""
    from characters.sheet import load_characters
    from core.errors import CartoonError

    backend = backend_name(settings)
    if backend == "preview":
        return ok("loras", "backend preview draws stand-ins: no LoRAs or references needed")
    try:
        characters = load_characters(settings.characters_dir)
    except CartoonError as exc:
        return fail("loras", str(exc))
    problems, fallbacks = [], []
    for c in characters.values():
        refs = c.reference_paths
        if not refs or not refs[0].is_file():
            problems.append(f"{c.id}: reference image {refs[0] if refs else '(none in character.toml)'} is missing")
        if backend == "kontext" and (problem := safetensors_problem(c.lora_path)):
            # With CARTOON_KONTEXT_REQUIRE_LORAS=false the backend draws from the reference alone.
            (problems if settings.kontext_require_loras else fallbacks).append(f"{c.id}: {problem}")
    if problems:
        return fail(
            "loras",
            f"{'; '.join(problems)}; train the LoRA (cartoon train --character ID) or copy it in, see {GUIDE}",
            missing=len(problems),
        )
    if fallbacks:
        return warn(
            "loras",
            f"{'; '.join(fallbacks)}: drawn from the reference image only (CARTOON_KONTEXT_REQUIRE_LORAS=false), "
            f"less alike; train or copy the LoRA",
        )
    what = "LoRAs and reference images" if backend == "kontext" else "reference images"
    return ok("loras", f"character {what} present for {', '.join(characters)}")


def check_plates(settings: Settings) -> CheckResult:
    from agent.walls import PLATES

    folder = settings.data_dir / "plates"
    paths = {wall: folder / f"{wall}.png" for wall in PLATES}
    broken = [f"{w}.png" for w, p in paths.items() if p.exists() and not _is_png(p)]
    missing = [f"{w}.png" for w, p in paths.items() if not p.exists()]
    if broken:
        return fail("plates", f"{folder}: {', '.join(broken)} not readable PNGs; replace them (cartoon plates)")
    if missing:
        # The render pipeline draws a stand-in wall for a missing plate (render/inputs.py).
        return warn(
            "plates",
            f"{folder} lacks {', '.join(missing)}: scenes there use drawn stand-in walls; make plates from "
            f"photos with `cartoon plates --backend kontext --photos DIR` (or --backend preview)",
        )
    return ok("plates", f"all four wall plates present in {folder}")


def _is_png(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(8) == PNG_SIGNATURE
    except OSError:
        return False
