"""`POST /v1/scenes`: text to plan, or a ready plan, into the queue.

Text requests are planned here (agent.graph.Planner), so a bad request is refused at once
with a 4xx and the GPU boxes never need the LLM.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ValidationError

from agent.graph import Planner
from agent.state import ScenePlan, SceneRequest
from core.errors import InputError
from render.service.deps import RuntimeDep
from render.service.errors import ApiError
from render.service.jobs import ANONYMOUS, Accepted, SceneSubmission
from render.service.routes import documented
from render.service.wording import plain

router = APIRouter(prefix="/v1", tags=["scenes"])


@router.post("/scenes", status_code=202, response_model=Accepted, responses=documented(429, 507))
def submit(body: SceneSubmission, runtime: RuntimeDep) -> Accepted:
    """Queue a scene: text to plan (`text`, `as`, `shirt`, `seed`) or a ready `plan`.
    The backend checks the plan before it is queued (422); 507 when storage is full."""
    runtime.refuse_when_full()
    user = body.user or ANONYMOUS
    plan = plan_for(body, user, runtime.planner)
    try:
        runtime.check_inputs(plan)
    except InputError as exc:
        raise ApiError(422, plain(str(exc)), getattr(exc, "field", None) or "plan") from None
    job, position = runtime.queue.submit(plan.model_dump(mode="json"), user)
    return Accepted(id=job.id, state="queued", position=position, eta_s=runtime.queue.eta_s(job, position))


def plan_for(body: SceneSubmission, user: str, planner: Planner) -> ScenePlan:
    """The plan to render: the body's own (checked), or one planned from its text."""
    if body.plan is not None:
        if body.text is not None or body.as_ is not None or body.shirt is not None or body.seed is not None:
            raise ApiError(422, "give either a plan or text (with as, shirt, seed), not both", "plan")
        return checked_plan(ScenePlan.model_validate(body.plan.model_dump()), planner)
    if body.text is None:
        raise ApiError(422, 'text is missing; send {"text": "Milo at the desk"} or {"plan": {...}}', "text")
    try:
        request = SceneRequest.model_validate(
            {"text": body.text, "as": body.as_, "shirt": body.shirt, "seed": body.seed, "user": user}
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ApiError(422, f"{field}: {err['msg'].removeprefix('Value error, ')}", field) from None
    try:
        return planner.plan(request)
    except InputError as exc:
        raise ApiError(422, plain(str(exc)), "as") from None


def checked_plan(plan: ScenePlan, planner: Planner) -> ScenePlan:
    """A client's plan, refused when it names a character this service does not know."""
    known = planner.characters
    names = ", ".join(known)
    for name in plan.characters:
        if name not in known:
            raise ApiError(422, f"unknown character '{name}' in plan.characters; use: {names}", "plan.characters")
    for name, outfit in plan.outfits.items():
        if name not in known:
            raise ApiError(422, f"unknown character '{name}' in plan.outfits; use: {names}", "plan.outfits")
        if outfit not in known[name].outfits:
            outfits = ", ".join(known[name].outfits)
            raise ApiError(422, f"unknown outfit '{outfit}' for {name} in plan.outfits; use: {outfits}", "plan.outfits")
    if plan.speaker is not None and plan.speaker not in known:
        raise ApiError(422, f"unknown speaker '{plan.speaker}' in plan.speaker; use: {names}", "plan.speaker")
    return plan
