"""The openai backend: gpt-image-1 `images.edit` with the plate and the characters'
reference images as inputs and `input_fidelity="high"`; for when the GPU box is down.

The key comes from OPENAI_API_KEY; each attempt times out after CARTOON_OPENAI_TIMEOUT_S
and the client retries once (timeouts, connection errors, 429 and 5xx answers).
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from core.errors import FaultError, InputError
from render.backends.base import Backend, ProgressFn, RenderOptions

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings

# The sizes gpt-image-1 draws; the answer is resized to the requested size.
OPENAI_SIZES = ((1024, 1024), (1536, 1024), (1024, 1536))
INPUTS_NOTE = (
    " The first input image is the wall of the lab to draw the scene in; the next ones are the "
    "characters' reference images, in the order they stand from left to right."
)

EDIT_INPUTS_NOTE = (
    " The first input image is the picture to edit; the next ones are the characters' reference images, "
    "in the order they stand from left to right."
)


def openai_size(width: int, height: int) -> str:
    w, h = min(OPENAI_SIZES, key=lambda size: abs(size[0] / size[1] - width / height))
    return f"{w}x{h}"


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        if not settings.openai_api_key:
            raise FaultError("OPENAI_API_KEY is not set; set it for --backend openai, or use --backend preview")
        self.settings = settings
        self.client = OpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url or None,
            timeout=settings.openai_timeout_s,
            max_retries=1,
        )

    def render(
        self, plan: ScenePlan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None
    ) -> Image.Image:
        from render.inputs import load_plate, load_references

        images = [load_plate(self.settings, plan.plate, (options.width, options.height))]
        images += load_references(self.settings, plan.characters)
        return self._edit(images, plan.prompt + INPUTS_NOTE, options, progress)

    def edit(
        self, image: Image.Image, prompt: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        return self._edit([image], prompt, options, progress)

    def edit_scene(
        self, image: Image.Image, plan: ScenePlan, instruction: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """The finished picture first, then the reference images of the plan's cast (so a
        newcomer looks like themselves), with the edit instruction."""
        from render.inputs import load_references

        images = [image, *load_references(self.settings, plan.characters)]
        note = EDIT_INPUTS_NOTE if len(images) > 1 else ""
        return self._edit(images, instruction + note, options, progress)

    def close(self) -> None:
        self.client.close()

    def _edit(self, images: list[Image.Image], prompt: str, options: RenderOptions,
              progress: ProgressFn | None) -> Image.Image:
        import openai

        files = []
        for index, image in enumerate(images):
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="PNG")
            files.append((f"input{index}.png", buffer.getvalue(), "image/png"))
        if progress:
            progress(0, 1)
        try:
            answer = self.client.images.edit(
                model=self.settings.openai_image_model,
                image=files,
                prompt=prompt,
                input_fidelity="high",
                size=openai_size(options.width, options.height),
                n=1,
            )
        except openai.APITimeoutError:
            raise FaultError(
                f"OpenAI did not answer within {self.settings.openai_timeout_s:g} s (tried twice); "
                "raise CARTOON_OPENAI_TIMEOUT_S or try again later"
            ) from None
        except openai.APIConnectionError as exc:
            raise FaultError(f"OpenAI at {self.client.base_url} is not reachable ({exc.__class__.__name__}); "
                             "check the network or CARTOON_OPENAI_BASE_URL") from None
        except openai.AuthenticationError:
            raise FaultError("OpenAI rejected the key (401); check OPENAI_API_KEY") from None
        except openai.BadRequestError as exc:
            raise InputError(f"OpenAI refused the request: {_message(exc)}") from None
        except openai.RateLimitError:
            raise FaultError("OpenAI is rate limiting this key (429, tried twice); try again later") from None
        except openai.APIStatusError as exc:
            raise FaultError(f"OpenAI answered {exc.status_code} (tried twice): {_message(exc)}") from None
        if progress:
            progress(1, 1)
        return _decode(answer).resize((options.width, options.height), Image.Resampling.LANCZOS)


def _decode(answer) -> Image.Image:
    data = answer.data[0].b64_json if answer.data else None
    if not data:
        raise FaultError("OpenAI answered without an image (no b64_json); try again")
    try:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            return image.convert("RGB")
    except (binascii.Error, UnidentifiedImageError, OSError, ImportError):  # ImportError: see render.inputs
        raise FaultError("OpenAI answered with image data that is not a picture; try again") from None


def _message(exc) -> str:
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(str(message or exc).split())[:240]


