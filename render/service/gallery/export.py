"""Pictures for the blog: PNG or WebP at the blog widths, the `<img>` snippets, a ZIP.

Widths: 640, 1200 and `original` (the render's own size); a width wider than the render is
scaled up (Lanczos), so a 1024 px render still fills a 1200 px column. Files are named
`cartoon-<first 12 of the job id>-<width>.<png|webp>`, the names the Markdown and HTML
snippets use, so the snippet works once the exported files sit beside the post. Pure
functions on PNG bytes.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image

from render.service.gallery.alt_text import markdown_alt

WIDTHS: tuple[str, ...] = ("640", "1200", "original")
FORMATS: tuple[str, ...] = ("webp", "png")
MEDIA_TYPES = {"png": "image/png", "webp": "image/webp"}
WEBP_QUALITY = 85  # visually clean for flat cartoon colours, about a tenth of the PNG
MAX_ZIP_PICTURES = 200  # favourites in one ZIP


class ExportError(ValueError):
    """A width or format the export does not offer: `field`, and a line listing the choices."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Exported:
    data: bytes
    width: int
    height: int
    fmt: str
    name: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


def parse_width(value: str | None) -> int | None:
    """A blog width in pixels, or None for the original; ExportError for anything else."""
    value = (value or "original").strip().lower()
    if value not in WIDTHS:
        raise ExportError("width", f"width must be one of {', '.join(WIDTHS)}, not '{value[:20]}'")
    return None if value == "original" else int(value)


def parse_format(value: str | None) -> str:
    value = (value or "webp").strip().lower()
    if value not in FORMATS:
        raise ExportError("format", f"format must be one of {', '.join(FORMATS)}, not '{value[:20]}'")
    return value


def file_name(job_id: str, width: int, fmt: str) -> str:
    return f"cartoon-{job_id[:12]}-{width}.{fmt}"


def size_at(original: tuple[int, int], width: int | None) -> tuple[int, int]:
    w, h = original
    if width is None or width == w:
        return w, h
    return width, max(1, round(h * width / w))


def export(png: bytes, job_id: str, width: int | None, fmt: str) -> Exported:
    """The picture at `width` (None: its own) as PNG or WebP."""
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    size = size_at(picture.size, width)
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "webp":
        picture.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        picture.save(out, "PNG", compress_level=6)
    return Exported(out.getvalue(), size[0], size[1], fmt, file_name(job_id, size[0], fmt))


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


@dataclass(frozen=True)
class Snippets:
    markdown: str
    html: str


def snippets(job_id: str, alt: str, original: tuple[int, int], fmt: str) -> Snippets:
    """Copy-ready Markdown and HTML for the exported files: the 1200 px file as `src`, every
    blog width in `srcset`, its width and height (no layout shift) and the alt text."""
    widths = sorted({size_at(original, parse_width(w))[0] for w in WIDTHS})
    main_w, main_h = size_at(original, 1200)
    src = file_name(job_id, main_w, fmt)
    srcset = ", ".join(f"{file_name(job_id, w, fmt)} {w}w" for w in widths)
    tag = (
        f'<img src="{src}" srcset="{srcset}" sizes="(max-width: {main_w}px) 100vw, {main_w}px" '
        f'width="{main_w}" height="{main_h}" alt="{html.escape(alt, quote=True)}" loading="lazy">'
    )
    return Snippets(markdown=f"![{markdown_alt(alt)}]({src})", html=tag)


def favourites_zip(pictures: Iterable[tuple[str, bytes, str]], fmt: str) -> bytes:
    """A ZIP of (job id, PNG, alt text) at every blog width, with `snippets.md` (each
    picture's alt text and snippets) beside the files."""
    buffer = io.BytesIO()
    notes = ["# Favourites from the milo-cartoons gallery", ""]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for job_id, png, alt in pictures:
            for width in WIDTHS:
                item = export(png, job_id, parse_width(width), fmt)
                archive.writestr(item.name, item.data)
            snip = snippets(job_id, alt, png_size(png), fmt)
            notes += [f"## {job_id}", "", alt, "", "```markdown", snip.markdown, "```", "", "```html", snip.html, "```", ""]
        archive.writestr("snippets.md", "\n".join(notes), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
