"""Reading the picture to write on and saving the result, with one-line errors.

The input is opened read-only and never written; the output is written to a temporary
file beside it and renamed into place, so a crash leaves no half-written picture.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image

from core.errors import FaultError, InputError
from render.compositor.modes import as_rgb

MAX_PIXELS = 40_000_000


def open_image(path: str | Path) -> Image.Image:
    """Open and fully decode a picture; InputError if it is missing, not a picture,
    truncated, or larger than 40 megapixels (checked before decoding)."""
    path = Path(path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "not found"
        raise InputError(f"{path}: {what}; give the path of a PNG, JPEG or WebP picture")
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InputError(_too_big(path, width, height))
            image.load()  # an animated picture: its first frame
            picture = as_rgb(image)
            return picture.copy() if picture is image else picture
    except Image.DecompressionBombError:
        raise InputError(f"{path}: the picture is far over {MAX_PIXELS // 1_000_000} megapixels; scale it down") from None
    except Image.UnidentifiedImageError:
        raise InputError(f"{path}: not a picture Pillow can read; give a PNG, JPEG or WebP file") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"{path}: the picture is truncated or damaged ({exc}); export it again") from None


def _too_big(path: Path, width: int, height: int) -> str:
    return (
        f"{path}: the picture is {width}×{height} ({width * height / 1e6:.1f} megapixels); "
        f"scale it below {MAX_PIXELS // 1_000_000} megapixels"
    )


def check_output(path: str | Path, *, source: str | Path | None = None) -> Path:
    """The output path, if it can be written: its folder exists, its extension is a picture
    format, and it is not the input (the input is never modified)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"-o {path}: is a folder; give a file name such as {path / 'out.png'}")
    if not path.parent.is_dir():
        raise InputError(f"-o {path}: folder {path.parent} does not exist; create it or choose another")
    if path.suffix.lower() not in Image.registered_extensions():
        raise InputError(f"-o {path}: unknown picture type {path.suffix or '(none)'}; end it in .png or .jpg")
    if source is not None and path.exists() and path.resolve() == Path(source).resolve():
        raise InputError(f"-o {path}: is the input picture; choose another name so the input is kept")
    return path


def save_image(image: Image.Image, path: str | Path) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path = Path(path)
    fmt = Image.registered_extensions()[path.suffix.lower()]
    if fmt == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as stream:
            image.save(stream, format=fmt)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise InputError(f"-o {path}: cannot write there ({exc.strerror}); choose another folder") from None
    except OSError as exc:
        raise FaultError(f"-o {path}: writing failed ({exc}); check the disk") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
