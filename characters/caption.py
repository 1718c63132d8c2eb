"""`cartoon caption`: a caption beside each dataset image, written by a vision model.

Each request shows the model two pictures, the character's reference image and the photo
to describe, with rules (seed 002): start with the trigger word; describe pose,
expression, setting, clothing and framing; never the identity traits the LoRA must learn,
so the trigger word alone comes to mean them. Requests go one at a time; a 429 (seed 001:
every other request failed) waits for `Retry-After` or an exponential backoff and tries
again. Each caption is written as it arrives, so a stopped run resumes where it left off,
and an existing `.txt` (perhaps edited by hand) is kept unless `--overwrite`.
"""

from __future__ import annotations

import base64
import email.utils
import io
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from characters.sheet import Character
from core.errors import FaultError, InputError, first_line

if TYPE_CHECKING:
    import httpx
    from openai import OpenAI

    from core.settings import Settings

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
CONNECT_ATTEMPTS = 3  # an unreachable server is not worth the full rate-limit patience


def dataset_images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def caption_rules(character: Character) -> str:
    """The system prompt: the seed's rules, with this character's trigger and traits."""
    return f"""You write training captions for an image-generation LoRA of one character.
You get two images. Image 1 is the reference: it shows {character.name}. Image 2 is the photo to caption.
Rules:
- Start the caption with exactly "{character.trigger}" (the trigger word), then describe image 2.
- Describe the pose, facial expression, setting and background, lighting, clothing and accessories, and the framing (close-up, medium or wide shot; where {character.trigger} is: left, centre or right).
- If other people or animals are present, mention them briefly but focus on {character.trigger}.
- Mention a difference from the reference only when it is visible (glasses missing, sunglasses, no beard, a hat).
- Do NOT describe what makes {character.name} recognisable, because the trigger word must learn it: {character.description}.
- One or two plain sentences, no preamble, no quotes, no lists."""


def caption_dataset(
    character: Character, settings: Settings, *, overwrite: bool = False, dataset: Path | None = None
) -> dict[str, Any]:
    """Caption every image in the character's dataset; returns the report."""
    from tqdm import tqdm

    folder = dataset or (character.folder or Path(".")) / "dataset"
    images = dataset_images(folder)
    if not images:
        raise InputError(f"{folder}: no images to caption; run cartoon prep SRC --character {character.id} first")
    client = _client(settings)
    reference = _reference(character)
    report: dict[str, Any] = {
        "character": character.id,
        "model": settings.vlm_model,
        "reference": str(reference) if reference else None,
        "captioned": [],
        "kept": [],
        "retries": 0,
    }
    todo = []
    for image in images:
        txt = image.with_suffix(".txt")
        if not overwrite and txt.is_file() and txt.read_text(encoding="utf-8").strip():
            report["kept"].append(str(txt))
        else:
            todo.append(image)
    rules = caption_rules(character)
    reference_url = _data_url(reference) if reference else None
    for image in tqdm(todo, desc=f"caption {character.id}", unit="img", file=sys.stderr, disable=not todo):
        messages = _messages(rules, character, reference_url, _data_url(image))
        text, retries = _ask(client, settings, messages, image)
        report["retries"] += retries
        caption = clean_caption(text, character.trigger)
        _write_atomic(image.with_suffix(".txt"), caption + "\n")
        report["captioned"].append(str(image.with_suffix(".txt")))
    return report


def clean_caption(text: str, trigger: str) -> str:
    """One line, no quotes or 'Caption:' preamble, starting with the trigger word."""
    line = " ".join(text.split()).strip("\"'“”` ")
    for prefix in ("caption:", "image 2:"):
        if line.lower().startswith(prefix):
            line = line[len(prefix):].strip("\"'“”` ")
    if not line.lower().startswith(trigger.lower()):
        line = f"{trigger}, {line}"
    return line


def _client(settings: Settings) -> OpenAI:
    from openai import OpenAI

    if not settings.vlm_url and not settings.vlm_api_key:
        raise InputError(
            "no vision model configured; set CARTOON_VLM_URL and CARTOON_VLM_MODEL (any OpenAI-compatible server) or OPENAI_API_KEY"
        )
    # Retries are ours (Retry-After, backoff), so the client's own are off.
    return OpenAI(
        base_url=settings.vlm_url or None,
        api_key=settings.vlm_api_key or "not-needed",
        timeout=settings.vlm_timeout_s,
        max_retries=0,
    )


def _reference(character: Character) -> Path | None:
    for path in character.reference_paths:
        if path.is_file():
            return path
    where = ", ".join(str(p) for p in character.reference_paths) or f"characters/{character.id}/references/"
    log.warning(
        "reference image %s not found; captioning without it (add it and run with --overwrite for consistent captions)", where
    )
    return None


def _messages(rules: str, character: Character, reference_url: str | None, image_url: str) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = []
    if reference_url:
        content += [
            {"type": "text", "text": f"Image 1 (reference, {character.name}):"},
            {"type": "image_url", "image_url": {"url": reference_url}},
            {"type": "text", "text": "Image 2 (caption this one):"},
        ]
    else:
        content.append({"type": "text", "text": f"No reference image: the main subject is {character.name}. Caption this image:"})
    content.append({"type": "image_url", "image_url": {"url": image_url}})
    return [{"role": "system", "content": rules}, {"role": "user", "content": content}]


def _ask(client: OpenAI, settings: Settings, messages: list[dict[str, Any]], image: Path) -> tuple[str, int]:
    """The model's answer and how many retries it took; waits out 429s and 5xx answers."""
    import openai

    where = settings.vlm_url or "the OpenAI API"
    for attempt in range(1, settings.vlm_max_attempts + 1):
        backoff = min(settings.vlm_backoff_s * 2 ** (attempt - 1), settings.vlm_backoff_max_s)
        try:
            response = client.chat.completions.create(
                model=settings.vlm_model, messages=messages, temperature=0.2, max_tokens=200
            )
            text = (response.choices[0].message.content or "").strip() if response.choices else ""
            if text:
                return text, attempt - 1
            wait, why = backoff, "an empty answer"
        except openai.RateLimitError as exc:
            wait, why = retry_after(exc.response, backoff, settings.vlm_backoff_max_s), "429 rate limited"
        except openai.APIStatusError as exc:
            if exc.status_code < 500:
                raise FaultError(
                    f"vision model at {where} refused {image.name} ({exc.status_code}: {_error_text(exc)}); check CARTOON_VLM_MODEL and the API key"
                ) from None
            wait, why = backoff, f"server error {exc.status_code}"
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            if attempt >= CONNECT_ATTEMPTS:
                raise FaultError(
                    f"cannot reach the vision model at {where} ({type(exc).__name__}); start it or fix CARTOON_VLM_URL, then run cartoon caption again (captions so far are kept)"
                ) from None
            wait, why = backoff, type(exc).__name__
        if attempt == settings.vlm_max_attempts:
            break
        log.warning("caption %s: %s; waiting %.1f s (try %d of %d)", image.name, why, wait, attempt + 1, settings.vlm_max_attempts)
        time.sleep(wait)
    raise FaultError(
        f"vision model at {where} still failing on {image.name} after {settings.vlm_max_attempts} tries ({why}); run cartoon caption again later (captions so far are kept)"
    )


def retry_after(response: httpx.Response | None, default: float, cap: float) -> float:
    """Seconds to wait from `retry-after-ms` / `Retry-After` (seconds or an HTTP date)."""
    headers = response.headers if response is not None else {}
    try:
        if "retry-after-ms" in headers:
            return min(max(float(headers["retry-after-ms"]) / 1000, 0.0), cap)
        value = headers.get("retry-after")
        if value is None:
            return default
        try:
            return min(max(float(value), 0.0), cap)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), cap)
    except (TypeError, ValueError):
        return default


def _data_url(path: Path, max_side: int = 1024) -> str:
    try:
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.thumbnail((max_side, max_side))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=90)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable image ({type(exc).__name__}); replace or remove it") from None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _error_text(exc: Any) -> str:
    """The server's own error message, first line, without the client's 'Error code' prefix."""
    body = exc.body
    text = body.get("message") if isinstance(body, dict) else None
    return first_line(str(text or exc.message or "")) or "no message"
