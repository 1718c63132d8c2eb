"""Reading a labelled evaluation file: one JSON object a line, checked line by line.

    {"text": "James is off sick, Milo at the desk", "characters": ["milo"],
     "plates": ["east"], "slogan": "RTFM", "as": "james", "shirt": null, "kind": "absence"}

`characters` is a set (order is not scored); `plates` lists every acceptable wall;
`slogan`, when given, is the exact text wanted on Milo's shirt; without it the plan may
carry no slogan or one from the rotation, never text taken from the request. A malformed
line raises `InputError` naming the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agent.state import SceneRequest
from agent.walls import PlateName
from core.errors import InputError, validation_problem


class EvalCase(BaseModel):
    """One labelled request; `line` is where it was read."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    text: str
    characters: list[str]
    plates: list[PlateName] = Field(min_length=1)
    slogan: str | None = None
    as_: str | None = Field(None, alias="as")
    shirt: str | None = None
    kind: str = "plain"
    seed: int | None = Field(None, ge=0, lt=2**32)
    line: int = 0

    @field_validator("characters")
    @classmethod
    def _no_repeats(cls, characters: list[str]) -> list[str]:
        if len(set(characters)) != len(characters):
            raise ValueError("characters lists someone twice; it is a set")
        return characters

    @property
    def wants_slogan(self) -> bool:
        return self.slogan is not None

    def request(self) -> SceneRequest:
        """The request to plan; the seed defaults to the line number, so runs repeat."""
        seed = self.seed if self.seed is not None else self.line
        return SceneRequest(text=self.text, as_=self.as_, shirt=self.shirt, seed=seed)


def load_cases(path: Path, known_characters: set[str]) -> list[EvalCase]:
    """Every case of a .jsonl file; the first bad line raises InputError with its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; give a .jsonl file of labelled requests") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc}); give a UTF-8 .jsonl file") from None
    cases: list[EvalCase] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cases.append(_parse_line(path, number, line, known_characters))
    if not cases:
        raise InputError(f"{path}: no cases; write one JSON object a line, e.g. " + _EXAMPLE)
    return cases


_EXAMPLE = '{"text": "Milo at the rack", "characters": ["milo"], "plates": ["north"], "kind": "plain"}'


def _parse_line(path: Path, number: int, line: str, known: set[str]) -> EvalCase:
    where = f"{path}:{number}"
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a JSON object like {_EXAMPLE}")
    try:
        case = EvalCase.model_validate({**raw, "line": number})
        case.request()  # the same checks as `cartoon plan`: empty, too long, bad shirt
    except ValidationError as exc:
        field, message = validation_problem(exc, default="case")
        raise InputError(f"{where}: {field}: {message}") from None
    unknown = [c for c in [*case.characters, *([case.as_] if case.as_ else [])] if c not in known]
    if unknown:
        raise InputError(f"{where}: unknown character '{unknown[0]}'; use one of: {', '.join(sorted(known))}")
    return case
