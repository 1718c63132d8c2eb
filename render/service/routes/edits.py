"""`/v1/jobs/{id}/edit`, `/vary` and `/reroll`: new jobs made from a finished one (its
`parent`), queued fairly like scenes.

- **edit**: the picture changed as words say. The agent reads what changed (`Planner.edit`:
  cast or wall, a re-plan; else an instruction edit) into the edited scene's plan and the
  instruction the backend reads; the job's input is the parent's clean picture.
- **vary**: a subtle variation: the same plan, a new seed, the clean picture as the input.
- **reroll**: the same plan with a new seed, drawn from scratch.

The slogan is written again on each new picture, as on any render. Unknown or expired
parent → 404; a parent not done → 409.
"""

from __future__ import annotations

import random

from fastapi import APIRouter

from agent.state import ScenePlan
from core.errors import InputError
from render.service.deps import DoneJobDep, RuntimeDep
from render.service.errors import ApiError
from render.service.jobs import ANONYMOUS, Accepted, EditRequest, Job, JobKind, RedrawRequest
from render.service.routes import documented
from render.service.runtime import Runtime
from render.service.wording import plain

router = APIRouter(prefix="/v1/jobs", tags=["edits"])
MADE = {"status_code": 202, "response_model": Accepted, "responses": documented(409, 429, 507)}


@router.post("/{job_id}/edit", **MADE)
def edit(job: DoneJobDep, body: EditRequest, runtime: RuntimeDep) -> Accepted:
    """A new picture: this one changed as `text` says ("now at the rack", "add James",
    "same but Milo asleep", "make it night"), for `user`. A cast or wall change re-plans the
    scene; anything else is an instruction edit. The seed stays unless `seed` is given."""
    runtime.refuse_when_full()
    parent = parent_plan(job)
    try:
        result = runtime.planner.edit(parent, body.text, speaker=body.as_, seed=body.seed)
    except InputError as exc:
        raise ApiError(422, plain(str(exc)), "as" if "speaker" in str(exc) else "text") from None
    return queued(runtime, job, result.plan, body.user, "edit", result.instruction)


@router.post("/{job_id}/vary", **MADE)
def vary(job: DoneJobDep, runtime: RuntimeDep, body: RedrawRequest | None = None) -> Accepted:
    """A new picture: a subtle variation of this one (its clean picture as the input, the same
    plan, a new seed), for `user`."""
    runtime.refuse_when_full()
    body = body or RedrawRequest()
    plan, instruction = runtime.planner.vary(parent_plan(job), new_seed(body.seed))
    return queued(runtime, job, plan, body.user, "vary", instruction)


@router.post("/{job_id}/reroll", **MADE)
def reroll(job: DoneJobDep, runtime: RuntimeDep, body: RedrawRequest | None = None) -> Accepted:
    """A new picture: the same plan with a new seed, drawn from scratch, for `user`."""
    runtime.refuse_when_full()
    body = body or RedrawRequest()
    plan = parent_plan(job).model_copy(update={"seed": new_seed(body.seed)})
    return queued(runtime, job, plan, body.user, "reroll")


def parent_plan(job: Job) -> ScenePlan:
    assert job.result is not None  # a done job has its result
    return ScenePlan.model_validate(job.result["plan"])


def new_seed(seed: int | None) -> int:
    return random.randrange(2**32) if seed is None else seed


def queued(runtime: Runtime, parent: Job, plan: ScenePlan, user: str | None, kind: JobKind,
           instruction: str | None = None) -> Accepted:
    """Check `plan` with the backend, then queue it as a job made from `parent`; an edit or a
    variation keeps the parent's clean picture and the instruction beside its plan."""
    try:
        runtime.check_inputs(plan)
    except InputError as exc:
        raise ApiError(422, plain(str(exc)), getattr(exc, "field", None) or "plan") from None
    blobs: dict[str, bytes] = {}
    if instruction is not None:
        clean = runtime.store.get_blob(parent.id, "clean")
        if clean is None:
            raise ApiError(404, f"job {parent.id} has no clean PNG any more; render the scene again", "id")
        blobs = {"input": clean, "instruction": instruction.encode()}
    job, position = runtime.queue.submit(
        plan.model_dump(mode="json"), user or ANONYMOUS, parent=parent.id, kind=kind, blobs=blobs
    )
    return Accepted(id=job.id, state="queued", position=position, parent=parent.id,
                    eta_s=runtime.queue.eta_of(job))
