"""`cartoon scene` and `cartoon plates`: argument checks, progress on stderr, output.

Called from cartoon.py's command functions; heavy backends load only when chosen.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.walls import PLATES, WALLS
from core.errors import InputError, validation_problem
from render.backends.base import BACKENDS, ProgressFn, RenderOptions
from render.resolutions import DEFAULT_SIZE, parse_size

Emit = Callable[[Any], None]
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def render_options(args: argparse.Namespace) -> RenderOptions:
    """--size/--steps/--guidance checked and turned into RenderOptions."""
    width, height = parse_size(args.size) if getattr(args, "size", None) else DEFAULT_SIZE
    steps = getattr(args, "steps", None)
    guidance = getattr(args, "guidance", None)
    if steps is not None and not 1 <= steps <= 200:
        raise InputError(f"--steps {steps}: give 1 to 200 (CARTOON_RENDER_STEPS is the default)")
    if guidance is not None and not 0.0 <= guidance <= 30.0:
        raise InputError(f"--guidance {guidance}: give 0 to 30 (CARTOON_RENDER_GUIDANCE is the default)")
    return RenderOptions(width=width, height=height, steps=steps, guidance=guidance)


def backend_name(name: str | None, default: str) -> str:
    name = name or default
    if name not in BACKENDS:
        raise InputError(f"unknown backend '{name}'; use one of: {', '.join(BACKENDS)}")
    return name


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressFn]:
    """A tqdm bar on stderr, driven by a backend's progress(step, total) calls; it
    appears at the first call, so a backend that reports nothing prints nothing."""
    from tqdm import tqdm

    bars: list[tqdm] = []

    def update(step: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=description, file=sys.stderr, unit="step", leave=False))
        bar = bars[0]
        if bar.total != total:
            bar.reset(total=total)
        bar.n = step
        bar.refresh()

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()


def run_scene(args: argparse.Namespace, emit: Emit) -> int:
    from core.startup import loading_modules

    with loading_modules():
        from pydantic import ValidationError

        from agent.graph import Planner
        from agent.state import SceneRequest
        from core.settings import get_settings
        from render.backends.base import get_backend
        from render.pipeline import ScenePipeline

    settings = get_settings()
    # 1. Check every argument before planning or loading anything.
    text = " ".join(args.text).strip()
    if not text:
        raise InputError('give a scene, e.g. cartoon scene "Milo debugging at 2 AM" -o scene.png')
    name = backend_name(args.backend, settings.default_backend)
    options = render_options(args)
    out = Path(args.out) if args.out else None
    if out is not None and (out.suffix.lower() != ".png" or out.name.startswith(".")):
        raise InputError(f"-o {args.out}: give a .png file name, e.g. -o scene.png")
    try:
        request = SceneRequest.model_validate({"text": text, "as": args.as_, "shirt": args.shirt, "seed": args.seed})
    except ValidationError as exc:
        field, message = validation_problem(exc, default="text")
        field = {"as": "--as", "shirt": "--shirt", "seed": "--seed"}.get(field, field)
        raise InputError(f"{field}: {message}") from None

    # 2. Plan.
    started = time.perf_counter()
    plan = Planner(settings).plan(request)
    plan_ms = round((time.perf_counter() - started) * 1000, 2)

    # 3. Render, write the slogan, save; the backend refuses what it cannot draw first.
    backend = get_backend(name, settings)
    try:
        backend.check_inputs(plan, options)
        with progress_bar(f"{name} render") as progress:
            result = ScenePipeline(settings, backend).render(
                plan,
                options=options,
                out_dir=out.parent if out else Path(settings.output_dir),
                progress=progress,
                stem=out.stem if out else None,
            )
    finally:
        backend.close()
    result.timings = {"plan_ms": plan_ms, **result.timings}

    if args.json:
        emit(result.model_dump(mode="json"))
    else:
        where = ""
        if result.compositor is not None and result.compositor.method == "skipped":
            where = f", slogan {plan.slogan!r} not written ({result.compositor.reason})"
        elif result.compositor is not None:
            where = f", slogan {plan.slogan!r} ({result.compositor.method})"
        print(f"{result.image}: {' + '.join(plan.characters) or 'nobody'} at the {plan.plate} wall{where}")
    return 0


def plate_prompt(wall: str) -> str:
    """The edit prompt that turns a photo of a wall into its cartoon plate."""
    return (
        "Turn this photo into a flat cartoon style illustration, clean bold outlines, flat colours, "
        f"soft shading. It is {WALLS[wall].title} of a home AI lab: {WALLS[wall].description}. "
        "Keep the layout, the furniture and the camera angle exactly; no people, no text."
    )


def find_photo(folder: Path, wall: str) -> Path:
    for suffix in PHOTO_SUFFIXES:
        for candidate in (folder / f"{wall}{suffix}", folder / f"{wall}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    raise InputError(f"{folder}: no photo of the {wall} wall; add {wall}.jpg (or .png/.webp)")


def run_plates(args: argparse.Namespace, emit: Emit) -> int:
    from core.settings import get_settings
    from render.pipeline import save_png

    settings = get_settings()
    name = backend_name(args.backend, "preview")
    width, height = parse_size(args.size) if args.size else DEFAULT_SIZE
    out_dir = Path(args.out) if args.out else Path(settings.data_dir) / "plates"
    written: dict[str, str] = {}

    if name == "preview":
        from render.draw.plates import draw_plate

        if args.photos:
            raise InputError("--photos is for kontext, comfyui or openai; preview draws the plates itself")
        for wall in PLATES:
            path = out_dir / f"{wall}.png"
            save_png(draw_plate(wall, (width, height), args.seed), path)
            written[wall] = str(path)
    else:
        from render.backends.base import get_backend
        from render.inputs import open_image

        if not args.photos:
            raise InputError(f"--backend {name} cartoonifies photos: give --photos DIR with north.jpg, east.jpg, ...")
        folder = Path(args.photos)
        if not folder.is_dir():
            raise InputError(f"--photos {folder}: not a folder; give the folder holding north.jpg, east.jpg, ...")
        photos = {wall: find_photo(folder, wall) for wall in PLATES}  # all found before any GPU work
        options = RenderOptions(width=width, height=height)
        backend = get_backend(name, settings)
        try:
            for wall, photo in photos.items():
                with progress_bar(f"{name} {wall}") as progress:
                    image = backend.edit(open_image(photo, "photo"), plate_prompt(wall), seed=args.seed,
                                         options=options, progress=progress)
                path = out_dir / f"{wall}.png"
                save_png(image.convert("RGB").resize((width, height)), path)
                written[wall] = str(path)
        finally:
            backend.close()

    if args.json:
        emit({"backend": name, "plates": written, "width": width, "height": height})
    else:
        for wall, path in written.items():
            print(f"{wall}: {path}")
    return 0
