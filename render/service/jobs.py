"""The service's job record and the JSON bodies of its HTTP API.

A `Job` is what the store keeps (one per accepted request); `JobView` is what
`GET /v1/jobs/{id}` and the SSE events send. The wire shapes are in docs/CONTRACTS.md.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from agent.state import MAX_SLOGAN_CHARS, MAX_TEXT_CHARS, ScenePlan, Source
from render.service.door import (
    MAX_ACTION_CHARS,
    MAX_CAST,
    MAX_CLIP_PROMPT_CHARS,
    MAX_NAME_CHARS,
    MAX_PROMPT_CHARS,
    VISIBLE,
    Seed,
    drawable_slogan,
    strip_invisible,
    visible,
)

# `dispatched` is internal: handed to the queue engine, not yet picked by a worker.
# The API reports it as `queued` with position 0.
State = Literal["queued", "dispatched", "running", "done", "failed", "cancelled"]
PublicState = Literal["queued", "running", "done", "failed", "cancelled"]
HealthCause = Literal["store_away", "store_damaged", "storage_full", "backend"]
# What a job was made as: a scene from text or a plan; or from a finished job (`parent`): an
# edit in words, a subtle variation, the same plan with a new seed, or a new slogan on a copy.
JobKind = Literal["scene", "edit", "vary", "reroll", "reslogan"]
ACTIVE_STATES: tuple[str, ...] = ("queued", "dispatched", "running")
FINAL_STATES: tuple[str, ...] = ("done", "failed", "cancelled")
ANONYMOUS = "anonymous"


class Progress(BaseModel):
    step: int = 0
    total: int = 0


class Job(BaseModel):
    """One accepted scene, as stored. `attempt` grows each time the job is handed out, so
    a message or a worker from an earlier attempt can never overwrite a later one. The plan
    is kept beside the record (blob `plan`): the queue reads every active record often, and
    a record without its 2 kB prompt parses several times faster."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    user: str = ANONYMOUS
    state: State = "queued"
    seq: int = 0
    attempt: int = 0
    starts: int = 0
    worker: str | None = None
    progress: Progress = Field(default_factory=Progress)
    error: str | None = None
    result: dict[str, Any] | None = None
    created_at: float = Field(default_factory=time.time)
    dispatched_at: float | None = None
    started_at: float | None = None
    lease_at: float | None = None  # last renewal of a running job's lease by its worker
    finished_at: float | None = None
    image_version: int = 0
    parent: str | None = None  # the job it was made from (edit, vary, reroll, reslogan); None for a scene
    kind: JobKind = "scene"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


# --- request bodies ------------------------------------------------------------------------
Name = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]


def _visible_as(name: str) -> AfterValidator:
    return AfterValidator(lambda text: visible(text, name))


# The strings every body shares, bounded and cleaned in one place: who asked (for fair
# queueing), who speaks (a character id, `as`), a scene or an edit in words, a slogan.
User = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=VISIBLE), _visible_as("user")]
Speaker = Annotated[str, StringConstraints(max_length=100), AfterValidator(strip_invisible)]
Words = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS, pattern=VISIBLE), _visible_as("text")]
Slogan = Annotated[str, StringConstraints(max_length=MAX_SLOGAN_CHARS, pattern=VISIBLE), AfterValidator(drawable_slogan)]


def _one_of_text_or_plan(schema: dict[str, Any]) -> None:
    """State in the schema what the API enforces: `text`, or a `plan` without text, as,
    shirt and seed (null counts as absent)."""
    no_plan = {"properties": {"plan": {"type": "null"}}}
    plan_only = {"properties": {k: {"type": "null"} for k in ("text", "as", "shirt", "seed")}}
    schema["oneOf"] = [
        {"required": ["text"], "properties": {"text": {"type": "string"}}, "allOf": [no_plan]},
        {"required": ["plan"], "properties": {"plan": {"type": "object"}}, "allOf": [plan_only]},
    ]


class PlanBody(ScenePlan):
    """A ready `ScenePlan`, as a client may send it: every string and list bounded (the
    prompt to the T5 budget), invisible format characters stripped, the slogan drawable;
    strict types (a boolean is not a seed, a number is not a string)."""

    model_config = ConfigDict(extra="forbid")

    seed: Seed = 0
    characters: list[Name] = Field(max_length=MAX_CAST, description="Character ids, left to right in the picture")
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    clip_prompt: str | None = Field(
        None, max_length=MAX_CLIP_PROMPT_CHARS, description="A short prompt for CLIP (77 tokens)"
    )
    sources: dict[Name, Source] = Field(default_factory=dict, max_length=16, description="Who decided each field")
    action: str = Field("", max_length=MAX_ACTION_CHARS, description="What happens in the scene")
    outfits: dict[Name, Name] = Field(default_factory=dict, max_length=MAX_CAST, description="Outfit per character")
    text: str = Field("", max_length=MAX_TEXT_CHARS, description="The request text, cleaned")
    speaker: Name | None = None

    @field_validator("prompt", "clip_prompt", "action", "text")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return strip_invisible(value) if value is not None else None

    @field_validator("slogan")
    @classmethod
    def _drawable(cls, slogan: str | None) -> str | None:
        """Nothing visible is no slogan (as the pipeline reads an empty one)."""
        if slogan is None or not strip_invisible(slogan).strip():
            return None
        return drawable_slogan(slogan)


class SceneSubmission(BaseModel):
    """`POST /v1/scenes`: either a request to plan (`text`, `as`, `shirt`, `seed`) or a
    ready `plan`; `user` names who asked, for fair queueing."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", json_schema_extra=_one_of_text_or_plan)

    text: Words | None = Field(None, description="The scene, in plain words")
    as_: Speaker | None = Field(None, alias="as", description="Character id of whoever asks")
    shirt: Slogan | None = Field(None, description="Slogan for Milo's shirt")
    seed: Seed | None = None
    user: User | None = Field(None, description="Who asked (fair queueing)")
    plan: PlanBody | None = Field(None, description="A ready plan instead of text")


class ShirtRequest(BaseModel):
    """`POST /v1/jobs/{id}/shirt`: a new slogan, or none for the next saying. With a `user`
    other than the job's, the picture is theirs: a copy with the new slogan (kind
    "reslogan"); the job itself is left as it is."""

    model_config = ConfigDict(extra="forbid")

    slogan: Slogan | None = None
    user: User | None = Field(None, description="Who asks; another user gets a copy")


class EditRequest(BaseModel):
    """`POST /v1/jobs/{id}/edit`: the finished picture changed as `text` says ("now at the
    rack", "add James", "make it night"), for `user`; `as` is who asks ("add me")."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    text: Words = Field(description="What to change, in plain words")
    user: User | None = Field(None, description="Who asked (fair queueing)")
    as_: Speaker | None = Field(None, alias="as", description="Character id of whoever asks")
    seed: Seed | None = Field(None, description="Unset: the picture's own seed")


class RedrawRequest(BaseModel):
    """`POST /v1/jobs/{id}/vary` and `/reroll`: the same plan with a new seed (`seed`, or a
    random one), for `user`."""

    model_config = ConfigDict(extra="forbid")

    user: User | None = Field(None, description="Who asked (fair queueing)")
    seed: Seed | None = Field(None, description="Unset: a random one")


# --- responses -----------------------------------------------------------------------------
ETA = Field(
    None,
    description="Seconds until the picture is likely done: the measured mean render time, the jobs "
    "ahead of it on the live render slots (a job waiting for its user's earlier one counts that "
    "wait), and its own progress; null once final, or while no render slot is up",
)
PARENT = Field(None, description="The finished job this one was made from; null for a scene")


class Accepted(BaseModel):
    id: str
    state: PublicState
    position: int | None = Field(description="Jobs that start before this one (0: next)")
    parent: str | None = PARENT
    eta_s: int | None = ETA


class JobView(BaseModel):
    id: str
    state: PublicState
    position: int | None = Field(None, description="Jobs that start before this one; null once started")
    eta_s: int | None = ETA
    progress: Progress
    error: str | None = None
    result: dict[str, Any] | None = Field(None, description="RenderResult once done")
    user: str
    created_at: float
    parent: str | None = PARENT
    kind: JobKind = Field("scene", description="scene, or what it was made as from `parent`")


class JobList(BaseModel):
    jobs: list[JobView] = Field(description="Newest first")
    next: str | None = Field(None, description="Pass as `before` for the next (older) page; null at the end")


class ShirtResult(BaseModel):
    id: str = Field(description="The job whose picture carries the slogan: this one, or another user's copy")
    slogan: str
    compositor: dict[str, Any] | None
    image_url: str
    parent: str | None = Field(None, description="For a copy: the job it was made from")


class Cancelled(BaseModel):
    id: str
    state: PublicState


class SlotInfo(BaseModel):
    slot: int
    state: Literal["starting", "ready", "busy", "restarting", "failed"]
    restarts: int = Field(description="Times its render process was killed and started again (a hung backend)")
    pid: int | None = None
    gpu: str | None = Field(None, description="CUDA_VISIBLE_DEVICES of its render process (CARTOON_SERVICE_SLOT_GPUS); null: inherited")


class Health(BaseModel):
    ok: bool = Field(
        description="False when the job store is away, storage is full, or this process's backend failed to load"
    )
    error: str | None = Field(None, description="Why ok is false, in one line")
    cause: HealthCause | None = Field(
        None,
        description="What ok: false is about: the job store not answering or damaged, storage full, or the backend",
    )
    backend: str
    loaded: bool
    queue_depth: int | None = Field(None, description="Scenes waiting; null while the store is away")
    workers: int | None = Field(None, description="Live render slots on every box; null while the store is away")
    slots: list[SlotInfo] = Field(default_factory=list, description="This process's render slots")


class ErrorBody(BaseModel):
    error: str = Field(description="One line that says what to do")
    field: str | None = None


def shown(job_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """The RenderResult as the API shows it: picture URLs, not paths on the render box."""
    return {**result, "image": f"/v1/jobs/{job_id}/image", "clean_image": f"/v1/jobs/{job_id}/clean"}


def public_state(state: str) -> PublicState:
    return "queued" if state == "dispatched" else state  # type: ignore[return-value]
