"""The typed objects the agent reads and writes, shared with render, service, bot and CLI.

`SceneRequest` is what a person asked for; `ScenePlan` is what the agent decided.
Both are pydantic models, so the HTTP API sends them as JSON unchanged.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.walls import PlateName

MAX_TEXT_CHARS = 1000
MAX_SLOGAN_CHARS = 48
Source = Literal["llm", "rules"]

# Discord markup that must never reach the planner: user, role and channel mentions,
# @everyone/@here, and control characters.
_DISCORD_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def clean_text(text: str, *, keep_lines: bool = False) -> str:
    """Strip Discord mentions and control characters; collapse white space (with
    `keep_lines`, a line break stays one: a request's lines are separate sentences)."""
    text = _DISCORD_MENTION.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    if keep_lines:
        return "\n".join(line for line in (" ".join(part.split()) for part in text.split("\n")) if line)
    return " ".join(text.split())


class SceneRequest(BaseModel):
    """What someone asked for. `as_` is the speaker's character id (JSON key `as`)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    text: str = Field(description="The scene, in plain words")
    as_: str | None = Field(None, alias="as", description="Character id of whoever is asking")
    shirt: str | None = Field(None, description="Slogan for Milo's shirt; overrides the rotation")
    seed: int | None = Field(None, ge=0, lt=2**32)
    user: str | None = Field(None, max_length=100, description="Who asked (for fair queueing)")

    @field_validator("text")
    @classmethod
    def _text_is_usable(cls, text: str) -> str:
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"text is {len(text)} characters; keep it under {MAX_TEXT_CHARS}")
        cleaned = clean_text(text, keep_lines=True)
        if not cleaned:
            raise ValueError("text is empty; describe a scene, e.g. 'Milo debugging at 2 AM'")
        return cleaned

    @field_validator("shirt")
    @classmethod
    def _shirt_fits(cls, shirt: str | None) -> str | None:
        if shirt is None:
            return None
        shirt = clean_text(shirt)
        if not shirt:
            raise ValueError("shirt is empty; give a slogan or leave it out")
        if len(shirt) > MAX_SLOGAN_CHARS:
            raise ValueError(
                f"shirt is {len(shirt)} characters; a chest panel holds at most {MAX_SLOGAN_CHARS}"
            )
        return shirt


class ScenePlan(BaseModel):
    """What the agent decided. The keys below are a contract other parts read."""

    model_config = ConfigDict(extra="forbid")

    characters: list[str] = Field(description="Character ids, left to right in the picture")
    plate: PlateName
    slogan: str | None = Field(None, max_length=MAX_SLOGAN_CHARS)
    prompt: str = Field(min_length=1)
    clip_prompt: str | None = Field(
        None, description="A short prompt for CLIP (77 tokens); null: CLIP reads `prompt`, truncated"
    )
    source: Source = Field(description="'llm' when the LLM decided every field, else 'rules'")
    sources: dict[str, Source] = Field(default_factory=dict, description="Who decided each field")
    action: str = Field("", description="What happens in the scene, pronouns resolved")
    outfits: dict[str, str] = Field(default_factory=dict, description="Outfit name per character")
    seed: int = Field(0, ge=0, lt=2**32)
    text: str = Field("", description="The request text, cleaned")
    speaker: str | None = None
    notes: list[str] = Field(
        default_factory=list,
        description="Plain sentences for the user about what was asked but not honoured",
    )

    def position_of(self, character: str) -> Literal["left", "center", "right"] | None:
        """Where a character stands in the picture, from the left-to-right order."""
        if character not in self.characters:
            return None
        if len(self.characters) == 1:
            return "center"
        index = self.characters.index(character)
        return "left" if index == 0 else "right" if index == len(self.characters) - 1 else "center"


class LlmAnswer(TypedDict, total=False):
    """The LLM's structured answer, unvalidated: each field is checked on its own."""

    characters: Any
    plate: Any
    slogan: Any
    action: Any


class PlanItem(TypedDict, total=False):
    """One request's plan fields, filled in node by node (agent/graph.py's build_graph)."""

    request: SceneRequest  # set when the batch starts: what was asked
    seed: int  # set when the batch starts: the request's seed, else a random one
    llm: LlmAnswer | None  # understand: the LLM's reading, or None (no LLM, or it failed)
    characters: list[str]  # cast: character ids in the picture, in the order named
    plate: PlateName  # stage: the wall behind them
    slogan: str | None  # dress: the shirt text, or None (nobody wears the panel, or none asked)
    outfits: dict[str, str]  # dress: character id → "panel" (blank chest panel) or "default"
    action: str  # prompt: what they are doing, cleaned of what is not the picture
    prompt: str  # prompt: the Kontext (T5) prompt
    clip_prompt: str  # prompt: the short CLIP-L prompt
    sources: dict[str, Source]  # each node: whether the LLM or the rules decided its field
    notes: list[str]  # dress: what the user should be told (e.g. a slogan left out, and why)


class PlanState(TypedDict):
    """The graph's state: a batch of requests, planned together.

    One graph run plans a whole batch (a single request is a batch of one), so the
    graph's own per-run cost is paid once per batch rather than once per plan, and the
    LLM node can ask about several requests at the same time.
    """

    items: list[PlanItem]
