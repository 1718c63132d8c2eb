"""Thumbnails for the gallery's tiles, made once per picture version and kept in the job store.

A tile asks for `/gallery/p/<id>/thumb.webp?v=<image_version>`: the kept thumbnail of that
version if there is one (a hit), else one made from the picture and kept (a miss; a
re-slogan makes a new version, so its tile shows the new slogan). Every box of a Redis
deployment shares them. `hits` and `misses` count this process's lookups (the benchmark's
hit rate on a second load).
"""

from __future__ import annotations

import io
import threading

from PIL import Image

from render.service.store import Store

SIDE = 360  # px, longest side: sharp on a 2x screen at the grid's 180 CSS px
QUALITY = 80


def make_thumbnail(png: bytes) -> bytes:
    """A WebP no larger than SIDE on its longest side."""
    with Image.open(io.BytesIO(png)) as image:
        image.draft("RGB", (SIDE, SIDE))  # a no-op for PNG, a fast path should a JPEG come
        picture = image.convert("RGB")
    picture.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=QUALITY, method=2)
    return out.getvalue()


class Thumbnails:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def get(self, job_id: str, version: int) -> tuple[bytes, bool] | None:
        """The thumbnail of a job's picture at `version` and whether it was kept already (a
        hit), made and kept on a miss; None when the picture is gone."""
        kept = self.store.get_thumbnail(job_id, version)
        if kept is not None:
            with self._lock:
                self.hits += 1
            return kept, True
        png = self.store.get_blob(job_id, "image")
        if png is None:
            return None
        data = make_thumbnail(png)
        self.store.put_thumbnail(job_id, version, data)
        with self._lock:
            self.misses += 1
        return data, False

    @property
    def hit_rate(self) -> float | None:
        total = self.hits + self.misses
        return self.hits / total if total else None
