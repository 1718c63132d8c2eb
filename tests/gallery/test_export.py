"""Exports for the blog: every width and format gives the size and the format asked for, the
snippets name those files with width, height, srcset and escaped alt text, and the ZIP holds
every favourite at every width."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from PIL import Image

from render.service.gallery.export import (
    WIDTHS,
    ExportError,
    export,
    favourites_zip,
    file_name,
    parse_format,
    parse_width,
    snippets,
)

JOB = "0123456789abcdef0123456789abcdef"


def png(width: int = 1024, height: int = 1024, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (200, 60, 30) if mode == "RGB" else (200, 60, 30, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("source", "width", "fmt", "size"),
    [
        # columns: the render's size, the width asked for, the format, the size written
        ((1024, 1024), "640", "webp", (640, 640)),
        ((1024, 1024), "1200", "png", (1200, 1200)),  # wider than the render: scaled up
        ((1024, 1024), "original", "webp", (1024, 1024)),
        ((1024, 768), "640", "png", (640, 480)),
        ((768, 1024), "1200", "webp", (1200, 1600)),
        ((1200, 800), "1200", "png", (1200, 800)),
    ],
)
def test_each_width_and_format_is_what_the_file_is(source: tuple[int, int], width: str, fmt: str, size: tuple[int, int]) -> None:
    item = export(png(*source), JOB, parse_width(width), fmt)
    with Image.open(io.BytesIO(item.data)) as image:
        assert image.format == fmt.upper()
        assert image.size == size
    assert (item.width, item.height) == size
    assert item.name == f"cartoon-{JOB[:12]}-{size[0]}.{fmt}"
    assert item.media_type == f"image/{fmt}"


def test_transparency_is_kept() -> None:
    item = export(png(64, 64, "RGBA"), JOB, None, "webp")
    with Image.open(io.BytesIO(item.data)) as image:
        assert image.mode == "RGBA"


@pytest.mark.parametrize("width", ["800", "0", "-640", "1200px", "ORIGINAL ", "", None])
def test_widths_outside_the_choices(width: str | None) -> None:
    if width in ("", None, "ORIGINAL "):
        assert parse_width(width) is None  # empty and any case mean the original
        return
    with pytest.raises(ExportError) as caught:
        parse_width(width)
    assert caught.value.field == "width"
    assert "640, 1200, original" in str(caught.value)


@pytest.mark.parametrize("fmt", ["jpeg", "gif", "png;", "web p"])
def test_formats_outside_the_choices(fmt: str) -> None:
    with pytest.raises(ExportError) as caught:
        parse_format(fmt)
    assert "webp, png" in str(caught.value)


def test_snippets_name_the_exported_files() -> None:
    alt = 'Milo says "no" — ça va; [brackets] & <tags>'
    snip = snippets(JOB, alt, (1024, 768), "webp")
    expected_alt = 'Milo says "no" — ça va; \\[brackets\\] & <tags>'
    assert snip.markdown == f"![{expected_alt}]({file_name(JOB, 1200, 'webp')})"
    tag = snip.html
    assert tag.startswith("<img ")
    assert f'src="{file_name(JOB, 1200, "webp")}"' in tag
    assert 'width="1200" height="900"' in tag
    assert f'alt="{html.escape(alt, quote=True)}"' in tag
    srcset = re.search(r'srcset="([^"]+)"', tag)[1]
    assert srcset.split(", ") == [f"{file_name(JOB, w, 'webp')} {w}w" for w in (640, 1024, 1200)]
    assert "<tags>" not in tag  # nothing unescaped from the alt text


def test_the_zip_holds_every_favourite_at_every_width() -> None:
    data = favourites_zip([("a" * 32, png(), "First [one]"), ("b" * 32, png(800, 600), "Second")], "png")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        expected = {file_name("a" * 32, w, "png") for w in (640, 1200, 1024)} | {
            file_name("b" * 32, w, "png") for w in (640, 1200, 800)
        }
        assert names == expected | {"snippets.md"}
        notes = archive.read("snippets.md").decode()
        assert r"![First \[one\]]" in notes
        assert "Second" in notes
        with Image.open(io.BytesIO(archive.read(file_name("b" * 32, 640, "png")))) as image:
            assert image.size == (640, 480)
    assert len(WIDTHS) == 3
