"""The finished LoRA file, and pointing the character sheet at it.

Format: diffusers' `save_lora_weights` (keys `transformer.<module>.lora_A.weight` /
`lora_B.weight`, bf16 safetensors), which `FluxKontextPipeline.load_lora_weights` loads and
which ComfyUI's LoraLoader also maps for FLUX ("transformer." + diffusers key). Neither
loader reads an alpha from this format (both assume alpha = rank), so alpha/rank is folded
into lora_B before saving and the file applies the same change in both.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def save_lora(state: dict[str, torch.Tensor], path: Path) -> Path:
    """Write `state` (peft keys, scale folded in) to `path` atomically."""
    from diffusers import FluxKontextPipeline

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".saving-") as tmp:
        FluxKontextPipeline.save_lora_weights(tmp, transformer_lora_layers=state, weight_name=path.name)
        os.replace(Path(tmp) / path.name, path)
    return path


def point_sheet_at(sheet: Path, lora: Path) -> str:
    """Set `[lora] file` in `sheet` to `lora` (relative to the character folder when inside
    it), changing only that line; returns the value written."""
    folder = sheet.parent.resolve()
    target = lora.resolve()
    value = target.relative_to(folder).as_posix() if target.is_relative_to(folder) else target.as_posix()
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    section, start, done = None, None, False
    for i, line in enumerate(lines):
        header = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            section = header[1].strip()
            if section == "lora":
                start = i
            continue
        if section == "lora" and re.match(r"^\s*file\s*=", line):
            newline = "\n" if line.endswith("\n") else ""
            lines[i] = f"file = {_toml_string(value)}{newline}"
            done = True
            break
    if not done:
        entry = f"file = {_toml_string(value)}\n"
        if start is None:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines += ["\n", "[lora]\n", entry]
        else:
            lines.insert(start + 1, entry)
    tmp = sheet.with_suffix(".toml.tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    shutil.copymode(sheet, tmp)
    os.replace(tmp, sheet)
    return value


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
