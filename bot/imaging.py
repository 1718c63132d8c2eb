"""Make a rendered PNG fit Discord's upload limit (`interaction.filesize_limit`).

A PNG that fits is sent as it is. One that does not is re-encoded as JPEG at falling
quality, then downscaled, until it fits; the caller learns what was done so the message
can say so. Runs in a thread (`asyncio.to_thread`): Pillow work must not block the loop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

DEFAULT_LIMIT = 10 * 1024 * 1024  # Discord's default for a guild without boosts
_QUALITIES = (90, 80, 70, 60)


@dataclass(frozen=True)
class Fitted:
    data: bytes
    filename: str
    note: str | None  # None when the original was sent unchanged


def fit_to_limit(png: bytes, limit: int, stem: str = "milo") -> Fitted:
    """Return `png` unchanged if it fits in `limit` bytes, else a JPEG (maybe smaller) that does."""
    if len(png) <= limit:
        return Fitted(png, f"{stem}.png", None)
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    scale = 1.0
    while True:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        frame = image if scale == 1.0 else image.resize(size, Image.Resampling.LANCZOS)
        for quality in _QUALITIES:
            buffer = io.BytesIO()
            frame.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= limit:
                note = f"re-encoded as JPEG (quality {quality}"
                note += f", {size[0]}x{size[1]})" if scale != 1.0 else ")"
                return Fitted(buffer.getvalue(), f"{stem}.jpg", note + " to fit Discord's upload limit")
        if size == (1, 1):
            raise ValueError(f"cannot fit an image into {limit} bytes")
        scale *= 0.75
