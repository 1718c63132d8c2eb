"""`cartoon`: the one command-line entry point. Argument parsing only; each sub-command
is one function that imports what it needs when it runs, so `cartoon --help` is instant.

Every command that produces a result takes `--json` and prints one JSON object on
stdout; progress and logs go to stderr. Bad input exits 2 with one line on stderr,
a fault (server down, model missing) exits 1.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from characters.sheet import Character
    from core.settings import Settings

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[func.__name__.removeprefix("cmd_")] = func
    return func


def emit(obj: Any) -> None:
    """One JSON object, one line, on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"cartoon: error: {message}\n")
    return code


# --- plan ------------------------------------------------------------------------------------
@command
def cmd_plan(args: argparse.Namespace) -> int:
    from core.startup import loading_modules

    with loading_modules():
        from pydantic import ValidationError

        from agent.graph import Planner
        from agent.state import SceneRequest
        from core.errors import CartoonError
        from core.settings import get_settings

        planner = Planner(get_settings())
    if args.jsonl is None:
        if not args.text:
            return fail('give a scene, e.g. cartoon plan "Milo debugging at 2 AM", or --jsonl FILE')
        request = _request_or_error(" ".join(args.text), args.as_, args.shirt, args.seed)
        plan = planner.plan(request)
        if args.json:
            emit(plan.model_dump(mode="json"))
        else:
            print(_plan_summary(plan))
        return 0

    if args.text:
        return fail("give either scene text or --jsonl, not both")
    # Parse every line first (a bad line is reported and skipped), then plan the good ones
    # in batches; the output keeps the input's order.
    failures = 0
    parsed: list[tuple[int, SceneRequest | str]] = []
    for number, line in _jsonl_lines(args.jsonl):
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise ValueError('expected a JSON object like {"text": "Milo at the desk"}')
            parsed.append((number, SceneRequest.model_validate(raw)))
        except (ValueError, ValidationError) as exc:
            parsed.append((number, _first_error(exc)))
    requests = [r for _, r in parsed if not isinstance(r, str)]
    plans = planner.plan_many(requests)
    for number, entry in parsed:
        result: object = entry if isinstance(entry, str) else next(plans)
        if isinstance(result, (str, CartoonError)):
            failures += 1
            sys.stderr.write(f"cartoon: error: {args.jsonl}:{number}: {result}\n")
            emit({"line": number, "error": str(result)})
        else:
            emit(result.model_dump(mode="json"))
    return 2 if failures else 0


@command
def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.startup import loading_modules

    with loading_modules():
        from agent.eval import DEFAULT_SET
        from agent.eval.cases import load_cases
        from agent.eval.score import evaluate, report_text
        from agent.graph import Planner
        from core.errors import InputError
        from core.settings import get_settings

    settings = get_settings()
    if args.llm and not settings.llm_url:
        raise InputError("--llm needs an LLM: set CARTOON_LLM_URL (e.g. http://spark2:8003/v1) and CARTOON_LLM_MODEL")
    planner = Planner(settings if args.llm else settings.model_copy(update={"llm_url": None}))
    path = Path(args.file) if args.file else DEFAULT_SET
    cases = load_cases(path, set(planner.characters))
    report = {"file": str(path), **evaluate(planner, cases, "llm" if args.llm else "rules")}
    if args.json:
        emit(report)
    else:
        print(report_text(report))
    return 0


def _request_or_error(text: str, as_: str | None, shirt: str | None, seed: int | None):
    from pydantic import ValidationError

    from agent.state import SceneRequest
    from core.errors import InputError

    try:
        return SceneRequest.model_validate({"text": text, "as": as_, "shirt": shirt, "seed": seed})
    except ValidationError as exc:
        raise InputError(_first_error(exc)) from None


def _first_error(exc: Exception) -> str:
    from pydantic import ValidationError

    from core.errors import validation_problem

    if isinstance(exc, ValidationError):
        field, message = validation_problem(exc, default="request")
        return f"{field}: {message}"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    return str(exc)


def _jsonl_lines(source: str) -> Iterator[tuple[int, str]]:
    from core.errors import InputError

    if source == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(source, encoding="utf-8")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise InputError(f"{source}: file not found; give a .jsonl file or - for stdin") from None
    with stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line


def _plan_summary(plan: ScenePlan) -> str:
    who = " + ".join(plan.characters) or "nobody"
    return f"{who} at the {plan.plate} wall, slogan {plan.slogan!r} ({plan.source})\n{plan.prompt}"


# --- scene, plates (render) ---
@command
def cmd_scene(args: argparse.Namespace) -> int:
    from render.cli import run_scene

    return run_scene(args, emit)


@command
def cmd_plates(args: argparse.Namespace) -> int:
    from render.cli import run_plates

    return run_plates(args, emit)


# --- shirt (compositor) ---
@command
def cmd_shirt(args: argparse.Namespace) -> int:
    from agent.state import ScenePlan
    from core.errors import InputError
    from core.settings import get_settings
    from render.compositor import compose
    from render.compositor.files import check_output, open_image, save_image
    from render.pipeline import panel_wearer

    plan = None
    if args.plan:
        try:
            with open(args.plan, encoding="utf-8") as stream:
                plan = ScenePlan.model_validate_json(stream.read())
        except FileNotFoundError:
            raise InputError(f"--plan {args.plan}: file not found; save one with cartoon plan ... --json") from None
        except ValueError as exc:
            raise InputError(f"--plan {args.plan}: not a ScenePlan ({_first_error(exc)})") from None
        except OSError as exc:
            raise InputError(f"--plan {args.plan}: cannot read it ({exc.strerror}); give a plan .json file") from None
    text = args.text if args.text is not None else (plan.slogan if plan else None)
    if text is None:
        return fail('give the slogan, e.g. --text "PEBKAC" (or a --plan with a slogan)')
    output = check_output(args.output, source=args.image)
    image = open_image(args.image)
    settings = get_settings()
    done = compose(image, text, settings=settings, plan=plan, wearer=panel_wearer(plan, settings))
    result = done.result
    if result.method == "skipped":  # asked for a slogan and nothing else: say why, write nothing
        raise InputError(result.reason or "the slogan cannot be written on this picture")
    save_image(done.image, output)
    if args.json:
        emit({
            **result.model_dump(mode="json"),
            "detect_ms": round(done.detection.ms, 3),
            "draw_ms": done.draw_ms,
            "stages": done.detection.tried,
            "width": image.width,
            "height": image.height,
            "input": str(args.image),
            "output": str(output),
        })
    else:
        lines = f"{len(result.lines)} line{'s' if len(result.lines) > 1 else ''}"
        unsure = f" (low confidence: {result.reason})" if result.confidence == "low" else ""
        print(f"{result.method}: box {list(result.box)}, angle {result.angle}°, {lines} at "
              f"{result.font_size} px, {result.ms:.1f} ms -> {output}{unsure}")
    return 0


# --- serve (render service) ---
@command
def cmd_serve(args: argparse.Namespace) -> int:
    from core.errors import InputError
    from core.settings import get_settings
    from render.service.server import serve

    if args.workers is not None and args.workers < 0:
        raise InputError(f"--workers {args.workers}: give 0 (API only) or more render threads")
    if args.port is not None and not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: give a port between 1 and 65535")
    settings = get_settings()
    serve(
        settings,
        backend=args.backend or settings.service_backend or settings.default_backend,
        host=args.host or settings.service_host,
        port=args.port if args.port is not None else settings.service_port,
        workers=args.workers if args.workers is not None else settings.service_workers,
        on_ready=emit if args.json else lambda info: sys.stderr.write(f"cartoon: serving on {info['url']} (docs at {info['docs']})\n"),
    )
    return 0



@command
def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.settings import get_settings
    from render.service.backup import backup

    result = backup(get_settings(), Path(args.file))
    if args.json:
        emit(result)
    else:
        print(f"{result['jobs']} jobs, {result['pictures']} pictures, {result['bytes']} bytes -> {result['backup']}")
    return 0


# --- bot (Discord) ---
@command
def cmd_bot(args: argparse.Namespace) -> int:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from bot.token import check_token
    from core.errors import InputError
    from core.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        raise InputError(f"setting {_first_error(exc)}") from None
    except SettingsError as exc:  # a JSON setting that is not JSON
        raise InputError(f"{exc}; CARTOON_USER_CHARACTERS takes JSON like {{\"1234\": \"james\"}}") from None
    check_token(settings.discord_token)  # one line and exit 2 before importing discord.py
    from bot.run import main

    return main(settings, json_out=args.json)


# --- prep, caption, train (characters) ---
@command
def cmd_prep(args: argparse.Namespace) -> int:
    from pathlib import Path

    from characters.prep import prep_folder
    from core.settings import get_settings

    settings = get_settings()
    character = _character(settings, args.character)
    out = Path(args.out) if args.out else character.folder / "dataset"
    report = prep_folder(
        Path(args.source),
        out,
        size=settings.prep_size,
        min_size=settings.prep_min_size,
        hash_threshold=args.threshold if args.threshold is not None else settings.prep_hash_threshold,
    )
    if args.json:
        emit(report.as_dict())
    else:
        print(f"{len(report.kept)} kept in {out}, {len(report.duplicates)} duplicates, {len(report.rejected)} rejected")
        for item in report.duplicates:
            print(f"  duplicate: {item['file']} (of {item['duplicate_of']})")
        for item in report.rejected:
            print(f"  rejected: {item['file']}: {item['reason']}")
    return 0


@command
def cmd_caption(args: argparse.Namespace) -> int:
    from characters.caption import caption_dataset
    from core.settings import get_settings

    settings = get_settings()
    character = _character(settings, args.character)
    report = caption_dataset(character, settings, overwrite=args.overwrite)
    if args.json:
        emit(report)
    else:
        print(f"{len(report['captioned'])} captioned, {len(report['kept'])} kept as they were ({report['retries']} retries)")
    return 0


@command
def cmd_train(args: argparse.Namespace) -> int:
    from characters.train import TrainOptions, train_character
    from core.settings import get_settings

    settings = get_settings()
    character = _character(settings, args.character)
    options = TrainOptions.from_settings(settings, args)
    result = train_character(character, options, settings)
    if args.json:
        emit(result)
    else:
        print(f"LoRA {result['lora']} after {result['step']} steps (loss {result['loss_first']:.4f} → {result['loss_last']:.4f})")
    return 0


def _character(settings: Settings, character_id: str) -> Character:
    from characters.sheet import load_characters
    from core.errors import InputError

    characters = load_characters(settings.characters_dir)
    if character_id not in characters:
        raise InputError(f"unknown character '{character_id}'; use one of: {', '.join(characters)} (or add characters/{character_id}/character.toml)")
    return characters[character_id]


# --- doctor (deployment) ---
@command
def cmd_doctor(args: argparse.Namespace) -> int:
    from core.doctor import run_doctor, select
    from core.settings import get_settings

    names = select(_names(args.only), _names(args.skip))
    report = run_doctor(get_settings(), names)
    if args.json:
        emit(report.to_json())
    else:
        print(report.to_text())
    return 0 if report.ok else 1


def _names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


# --- argument parsing ------------------------------------------------------------------------
@functools.cache
def _setting_defaults() -> dict[str, object]:
    """Every setting's default by field name (lists as a,b,c), and `size` as WxH."""
    from core.settings import Settings
    from render.resolutions import DEFAULT_SIZE

    defaults: dict[str, object] = {"size": "x".join(map(str, DEFAULT_SIZE))}
    for name, field in Settings.model_fields.items():
        value = field.default
        defaults[name] = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
    return defaults


class _SettingsHelp(argparse.HelpFormatter):
    """Help text may say `(default %(train_rank)s)`: filled in from core.settings' field
    defaults when help is printed, so each default has one home and `cartoon --help`
    never imports the settings."""

    def _expand_help(self, action: argparse.Action) -> str:
        text = self._get_help_string(action) or ""
        if "%(" not in text:
            return text
        own = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
        return text % {**_setting_defaults(), **own, "prog": self._prog}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _SettingsHelp)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cartoon",
        description="Draw Milo and James in the lab: plan scenes, render them, write the shirt slogan.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plan = sub.add_parser("plan", help="print the ScenePlan the agent makes for a request")
    plan.add_argument("text", nargs="*", help="the scene, e.g. 'Milo debugging at 2 AM'")
    plan.add_argument("--as", dest="as_", metavar="CHARACTER", help="who is asking (resolves me/us)")
    plan.add_argument("--shirt", help="slogan for Milo's shirt (overrides the rotation)")
    plan.add_argument("--seed", type=int, help="seed (picks the slogan; default random)")
    plan.add_argument("--jsonl", metavar="FILE", help="plan one JSON request per line (- for stdin)")
    plan.add_argument("--json", action="store_true", help="print the plan as one JSON object")

    evaluate = sub.add_parser("eval", help="score the planner on labelled requests: accuracy per field and kind, misses")
    evaluate.add_argument("file", nargs="?", metavar="FILE.jsonl",
                          help="labelled requests, one JSON object a line (default agent/eval/requests.jsonl)")
    evaluate.add_argument("--llm", action="store_true", help="plan with the LLM at CARTOON_LLM_URL (default: the rules alone)")
    evaluate.add_argument("--json", action="store_true", help="print the report as one JSON object")

    # --- scene, plates (render) ---
    scene = sub.add_parser("scene", help="plan, render and write the slogan: one PNG (default backend: preview)")
    scene.add_argument("text", nargs="*", help="the scene, e.g. 'Milo debugging at 2 AM'")
    scene.add_argument("--shirt", help="slogan for Milo's shirt (overrides the rotation)")
    scene.add_argument("--seed", type=int, help="seed (slogan and picture; default random)")
    scene.add_argument("--as", dest="as_", metavar="CHARACTER", help="who is asking (resolves me/us)")
    scene.add_argument("--backend", help="preview | kontext | comfyui | openai (default CARTOON_DEFAULT_BACKEND: %(default_backend)s)")
    scene.add_argument("--size", metavar="WxH", help="picture size, snapped to a Kontext resolution (default %(size)s)")
    scene.add_argument("--steps", type=int, help="sampling steps (kontext/comfyui; default CARTOON_RENDER_STEPS: %(render_steps)s)")
    scene.add_argument("--guidance", type=float, help="guidance (kontext/comfyui; default CARTOON_RENDER_GUIDANCE: %(render_guidance)s)")
    scene.add_argument("-o", "--out", metavar="FILE.png", help="the PNG; the clean render goes beside it as FILE.clean.png")
    scene.add_argument("--json", action="store_true", help="print the result as one JSON object")

    plates = sub.add_parser("plates", help="make the four wall plates data/plates/{north,east,south,west}.png")
    plates.add_argument("--backend", default="preview", help="preview draws them; kontext | openai cartoonify --photos")
    plates.add_argument("--photos", metavar="DIR", help="photos of the walls: DIR/north.jpg, east.png, ... (kontext, openai)")
    plates.add_argument("--out", metavar="DIR", help="where to write them (default data/plates)")
    plates.add_argument("--seed", type=int, default=0, help="seed (default %(default)s)")
    plates.add_argument("--size", metavar="WxH", help="plate size, snapped to a Kontext resolution (default %(size)s)")
    plates.add_argument("--json", action="store_true", help="print the written paths as one JSON object")

    # --- shirt (compositor) ---
    shirt = sub.add_parser("shirt", help="write a slogan on Milo's chest in a picture")
    shirt.add_argument("image", help="the picture (PNG, JPEG, WebP; at most 40 megapixels); never modified")
    shirt.add_argument("--text", help="the slogan, e.g. PEBKAC (default: the --plan's slogan)")
    shirt.add_argument("-o", "--output", required=True, help="where to write the result (.png, .jpg)")
    shirt.add_argument("--plan", metavar="PLAN.json",
                       help="a ScenePlan (cartoon plan --json): says where Milo stands")
    shirt.add_argument("--json", action="store_true",
                       help='print {"method", "box", "angle", "ms", ...} as one JSON object')

    # --- serve (render service) ---
    srv = sub.add_parser("serve", help="run the render service: HTTP API, job queue and render workers")
    srv.add_argument("--backend", help="render backend (default CARTOON_SERVICE_BACKEND, else CARTOON_DEFAULT_BACKEND: %(default_backend)s)")
    srv.add_argument("--host", help="address to listen on (default CARTOON_SERVICE_HOST: %(service_host)s; others need CARTOON_RENDER_TOKEN)")
    srv.add_argument("--port", type=int, help="port (default CARTOON_SERVICE_PORT: %(service_port)s)")
    srv.add_argument("--workers", type=int, help="render threads here, one per GPU (0: API only; default CARTOON_SERVICE_WORKERS: %(service_workers)s)")
    srv.add_argument("--json", action="store_true", help="print one JSON object (url, pid, ...) once listening")
    bkp = sub.add_parser("backup", help="copy the render service's job store (jobs.db) while it runs")
    bkp.add_argument("file", help="where to write the copy, e.g. jobs-2025-01-31.db (replaced if it exists)")
    bkp.add_argument("--json", action="store_true", help='print {"backup", "jobs", "pictures", "bytes", "ms"}')

    # --- bot (Discord) ---
    bot = sub.add_parser("bot", help="run the Discord bot (needs DISCORD_TOKEN and a render service)")
    bot.add_argument("--json", action="store_true", help="print one JSON object when the bot is ready")

    # --- prep, caption, train (characters) ---
    prep = sub.add_parser("prep", help="square-crop, resize and de-duplicate photos into a training set")
    prep.add_argument("source", help="folder of photos (never modified)")
    prep.add_argument("--character", required=True, help="character id, e.g. james")
    prep.add_argument("--out", help="output folder (default characters/<id>/dataset)")
    prep.add_argument("--threshold", type=int, help="perceptual-hash distance that counts as a duplicate (default %(prep_hash_threshold)s)")
    prep.add_argument("--json", action="store_true", help="print the report as one JSON object")

    caption = sub.add_parser("caption", help="caption each dataset image with a vision model and the reference image")
    caption.add_argument("--character", required=True, help="character id, e.g. james")
    caption.add_argument("--overwrite", action="store_true", help="re-caption images that already have a .txt")
    caption.add_argument("--json", action="store_true", help="print the report as one JSON object")

    train = sub.add_parser("train", help="train the character's LoRA on its captioned dataset")
    train.add_argument("--character", required=True, help="character id, e.g. james")
    train.add_argument("--steps", type=int, required=True, help="total optimizer steps (with --resume: the total, not more)")
    train.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    train.add_argument("--rank", type=int, help="LoRA rank (default %(train_rank)s)")
    train.add_argument("--alpha", type=float, help="LoRA alpha (default %(train_alpha)s)")
    train.add_argument("--targets", help="attention (default: %(train_targets)s), wide, or comma-separated modules")
    train.add_argument("--mode", choices=["i2i", "t2i"],
                       help="i2i: condition on the reference image as Kontext renders; t2i: text alone (default %(train_mode)s)")
    train.add_argument("--lr", type=float, help="learning rate (default %(train_lr)s)")
    train.add_argument("--batch-size", type=int, help="images per step (default %(train_batch_size)s)")
    train.add_argument("--resolution", type=int, help="training side in pixels (default %(train_resolution)s)")
    train.add_argument("--checkpoint-every", type=int, help="steps between checkpoints (default %(train_checkpoint_every)s)")
    train.add_argument("--keep-checkpoints", type=int, help="checkpoints kept on disk (default %(train_keep_checkpoints)s)")
    train.add_argument("--sample-every", type=int, help="steps between sample images (default %(train_sample_every)s; 0 = none)")
    train.add_argument("--sample-steps", type=int, help="denoising steps per sample (default %(train_sample_steps)s)")
    train.add_argument("--sample-size", type=int, help="sample side in pixels (default %(train_sample_size)s)")
    train.add_argument("--seed", type=int, help="seed for noise, timesteps and samples (default %(train_seed)s)")
    train.add_argument("--base-model", help="diffusers folder or hub id (default CARTOON_KONTEXT_MODEL)")
    train.add_argument("--dataset", help="captioned images (default characters/<id>/dataset)")
    train.add_argument("--device", help="cuda or cpu (default: cuda when available)")
    train.add_argument("--json", action="store_true", help="print the result as one JSON object")

    # --- doctor (deployment) ---
    doctor = sub.add_parser(
        "doctor",
        help="check a deployment (token, render service, GPU, weights, LLM, plates, channel)",
        description="Check a deployment from the inside; each check says ok, warn or fail and "
        "what to do. Exit 1 when any check fails.",
    )
    doctor.add_argument("--only", metavar="NAMES", help="comma-separated checks to run (default: all): "
                        "token,render,backend,queue,gpu,models,loras,llm,plates,channel")
    doctor.add_argument("--skip", metavar="NAMES", help="comma-separated checks to leave out")
    doctor.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from core.errors import CartoonError

    try:
        return COMMANDS[args.command](args)
    except CartoonError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
