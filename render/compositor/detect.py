"""The detection chain: panel → Milo himself (head and suit) → pose → last resort.

Each stage either finds where Milo's chest is or says why not; the first confident
answer wins. When several candidates are found (two panels, two Milos, two people) the
plan's left-to-right order picks the wearer's. When no stage is confident, the box goes
where the best partial evidence (a head without the suit below it) and the plan put
him, with confidence "low", and a reason.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from render.compositor.fixed import fixed_box
from render.compositor.geometry import RotatedRect
from render.compositor.milo import Found, find_milos
from render.compositor.panel import find_panels
from render.compositor.picture import Picture

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings
    from render.compositor.pose import PoseStage
    from render.types import CompositorMethod, Confidence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Region:
    """Where the text goes: `rect` is the area it is fitted into (rotated for a panel),
    `box` that area's axis-aligned bounding box [x0, y0, x1, y1] in input pixels, and how
    sure the stage that chose it is (with the reason when it is not)."""

    method: CompositorMethod
    rect: RotatedRect
    box: tuple[int, int, int, int]
    confidence: Confidence = "high"
    reason: str | None = None

    @classmethod
    def from_box(cls, method: CompositorMethod, box: tuple[int, int, int, int], confidence: Confidence = "high",
                 reason: str | None = None) -> Region:
        x0, y0, x1, y1 = box
        rect = RotatedRect((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0)
        return cls(method, rect, box, confidence, reason)


@dataclass
class Detection:
    """The chosen region, and for each stage tried what it said and how long it took."""

    region: Region
    tried: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ms(self) -> float:
        return sum(t["ms"] for t in self.tried)


def wearer_position(plan: ScenePlan | None, wearer: str | None) -> str | None:
    """left / center / right when the plan has the panel's wearer among several
    characters, else None."""
    if plan is None or wearer is None or len(plan.characters) < 2:
        return None
    return plan.position_of(wearer)


# Candidates much smaller than the largest (a 3D printer next to a suit, a sticker next
# to the panel) are not Milo, whatever side they are on.
MIN_SHARE_OF_LARGEST = 0.4


def pick(boxes: list[tuple[float, float, float, float]], position: str | None) -> int:
    """Index of Milo's candidate among boxes [x0, y0, x1, y1]: of those at least 40 % the
    area of the largest, the leftmost or rightmost when the plan says so, else the largest."""
    areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
    largest = max(range(len(boxes)), key=areas.__getitem__)
    if position not in ("left", "right"):
        return largest
    big = [i for i in range(len(boxes)) if areas[i] >= MIN_SHARE_OF_LARGEST * areas[largest]]
    centre = [(boxes[i][0] + boxes[i][2]) / 2 for i in big]
    return big[int(np.argmin(centre) if position == "left" else np.argmax(centre))]


def pick_milo(found: list[Found], position: str | None) -> int:
    """Index of the wearer among Milo candidates (best first): of those with evidence as
    strong as the best's, the leftmost or rightmost when the plan says so, else the best.
    Unlike `pick`, size does not count: a far Milo's head is as much his as a near one's."""
    if position not in ("left", "right") or len(found) == 1:
        return 0
    best = [i for i, f in enumerate(found) if f.tier == found[0].tier]
    centres = [(found[i].chest[0] + found[i].chest[2]) / 2 for i in best]
    return best[int(np.argmin(centres) if position == "left" else np.argmax(centres))]


def detect(
    picture: Picture,
    *,
    settings: Settings,
    plan: ScenePlan | None = None,
    wearer: str | None = None,
    pose_model: PoseStage | None = None,
) -> Detection:
    """Run the chain on a picture. `wearer`: the id of the character who wears the panel
    (the plan's left-to-right order says where they stand)."""
    width, height = picture.width, picture.height
    position = wearer_position(plan, wearer)
    side = f"the {position} of the picture" if position in ("left", "right") else "the middle of the picture"
    detection = Detection(Region.from_box(
        "fixed-box", fixed_box(width, height, position), "low",
        f"Milo was not found; the slogan is in {side}, where the plan puts him",
    ))

    # 1. The panel.
    started = time.perf_counter()
    panels = find_panels(picture)
    if panels:
        chosen = panels[pick([p.box for p in panels], position)]
        detection.region = Region("panel", chosen.rect, chosen.box)
    detection.tried.append(_outcome("panel", started, f"{len(panels)} found"))
    if panels:
        return detection

    # 2. Milo himself: his head with the eye mask, the suit below it.
    started = time.perf_counter()
    milos = find_milos(picture)
    best = milos[pick_milo(milos, position)] if milos else None
    if best is not None and best.suit:
        detection.region = Region.from_box("shirt-color", best.chest)
    whole = sum(m.suit for m in milos)
    detection.tried.append(_outcome("shirt-color", started, f"{whole} found, {len(milos) - whole} heads alone"))
    if best is not None and best.suit:
        return detection

    # 3. A pose model, when there are weights for it.
    started = time.perf_counter()
    boxes, outcome = _pose(picture, settings, pose_model)
    if boxes:
        one = len(boxes) == 1 and (plan is None or len(plan.characters) <= 1)
        detection.region = Region.from_box(
            "pose", boxes[pick(boxes, position)], "high" if one else "low",
            None if one else "placed on a person the pose model found; it cannot tell Milo from James",
        )
    detection.tried.append(_outcome("pose", started, outcome))
    if boxes:
        return detection

    # 4. The last resort: below a head found without the suit (one on his side of the
    #    picture, when the plan says which and there is one), else the fixed box there.
    milos = [m for m in milos if _on_side(m, position, width)] or milos
    if milos:
        chosen_head = milos[pick_milo(milos, position)]
        detection.region = Region.from_box(
            "shirt-color", chosen_head.chest, "low", "found Milo's head but not his suit below it",
        )
        detection.tried.append({"stage": "head-only", "ms": 0.0, "outcome": "used"})
    else:
        detection.tried.append({"stage": "fixed-box", "ms": 0.0, "outcome": "used"})
    return detection


def _on_side(found: Found, position: str | None, width: int) -> bool:
    centre = (found.chest[0] + found.chest[2]) / 2
    return {"left": centre < width / 2, "right": centre > width / 2}.get(position or "", True)


def _pose(picture: Picture, settings: Settings, model: PoseStage | None) -> tuple[list, str]:
    """Chest boxes from the pose model, or none and why."""
    from render.compositor.pose import PoseUnavailable, chest_boxes, stage_for

    stage = model if model is not None else stage_for(settings.pose_weights)
    try:
        kps = stage.keypoints(picture.full)
    except PoseUnavailable as exc:
        log.warning("%s; pose stage skipped", exc)
        return [], f"skipped: {exc}"
    except Exception as exc:  # a broken weights file must not lose the render
        log.warning("pose stage failed (%s: %s); using the fixed box", type(exc).__name__, exc)
        return [], f"failed: {type(exc).__name__}: {exc}"
    boxes = chest_boxes(kps, picture.width, picture.height)
    return boxes, f"{len(kps)} people, {len(boxes)} with shoulders"


def _outcome(stage: str, started: float, outcome: str) -> dict[str, Any]:
    return {"stage": stage, "ms": round((time.perf_counter() - started) * 1000, 3), "outcome": outcome}
