"""Load and validate character sheets (`characters/<id>/character.toml`).

Adding a character is adding a folder with a sheet; nothing else in the code names
Milo or James except through these sheets.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InputError, validation_problem

SHEET_NAME = "character.toml"
# "a cartoon man in his late forties", "a raccoon standing upright": what the character is.
_KIND = re.compile(r"^\s*an?\s+(?:cartoon\s+|small\s+|tall\s+|friendly\s+)*([a-z]+)", re.IGNORECASE)


class LoraSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str = Field(description="LoRA file, relative to the character folder")
    weight: float = Field(1.0, ge=0.0, le=2.0)


class Character(BaseModel):
    """One character sheet. `folder` is filled in by the loader."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    # Words that point at the character without naming it: `roles` are nouns that mean it
    # after "the"/"our" ("owner", "AI"), `traits` what singles it out after "the guy", "the
    # one" ("bearded", "glasses", "runs the lab"). See agent/roles.py.
    roles: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)
    is_bot: bool = False
    trigger: str = Field(min_length=1)
    description: str = Field(min_length=10)
    outfits: dict[str, str]
    lora: LoraSpec
    references: list[str] = Field(default_factory=list)
    folder: Path | None = None

    @field_validator("outfits")
    @classmethod
    def _has_default_outfit(cls, outfits: dict[str, str]) -> dict[str, str]:
        if "default" not in outfits:
            raise ValueError("needs a 'default' outfit")
        return outfits

    @property
    def wears_panel(self) -> bool:
        """Whether this character can carry the slogan (has the white chest panel)."""
        return "panel" in self.outfits

    @property
    def lora_path(self) -> Path:
        return (self.folder or Path(".")) / self.lora.file

    @property
    def reference_paths(self) -> list[Path]:
        return [(self.folder or Path(".")) / ref for ref in self.references]

    def role_nouns(self) -> list[str]:
        """Nouns that mean this character after "the" or "our", lower-case: the aliases
        said with "the" ("the human" → "human"), the sheet's `roles`, and what its
        description says it is ("a cartoon man" → "man")."""
        nouns = {a.lower()[4:] for a in self.aliases if a.lower().startswith("the ")}
        kind = _KIND.match(self.description)
        return sorted({*nouns, *(r.lower() for r in self.roles), *([kind.group(1).lower()] if kind else [])})

    def names(self) -> list[str]:
        """Every word or phrase that mentions this character, lower-case."""
        first = self.name.split()[0].lower()
        return sorted({self.id, self.name.lower(), first, *(a.lower() for a in self.aliases)})


def load_sheet(path: Path) -> Character:
    """Read one sheet; the error names the file and the bad field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: character sheet not found; create it or remove the folder") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    try:
        character = Character.model_validate({**raw, "folder": path.parent})
    except ValidationError as exc:
        field, message = validation_problem(exc, default="(sheet)")
        raise InputError(f"{path}: field '{field}': {message}") from None
    if character.id != path.parent.name:
        raise InputError(
            f"{path}: field 'id': is '{character.id}' but the folder is '{path.parent.name}'; make them match"
        )
    return character


def load_characters(folder: Path) -> dict[str, Character]:
    """Every character under `folder`, in a stable (alphabetical) order."""
    return dict(_load_characters_cached(folder.resolve()))


@lru_cache(maxsize=8)
def _load_characters_cached(folder: Path) -> tuple[tuple[str, Character], ...]:
    if not folder.is_dir():
        raise InputError(f"{folder}: characters folder not found; set CARTOON_CHARACTERS_DIR")
    sheets = sorted(folder.glob(f"*/{SHEET_NAME}"))
    if not sheets:
        raise InputError(f"{folder}: no */{SHEET_NAME} found; add a character folder")
    return tuple((c.id, c) for c in map(load_sheet, sheets))
