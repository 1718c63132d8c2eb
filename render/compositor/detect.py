"""The detection chain: panel → shirt-colour → pose → fixed box.

Each stage either finds where Milo's chest is or says why not; the first answer wins and
the fixed box always answers. When several candidates are found (two panels, two dark
suits, two people) the plan's left-to-right order picks Milo's.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from render.compositor.fixed import fixed_box
from render.compositor.geometry import RotatedRect
from render.compositor.panel import find_panels
from render.compositor.picture import Picture
from render.compositor.shirt import find_suits

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings

MILO = "milo"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Region:
    """Where the text goes: `rect` is the area it is fitted into (rotated for a panel),
    `box` that area's axis-aligned bounding box [x0, y0, x1, y1] in input pixels."""

    method: str
    rect: RotatedRect
    box: tuple[int, int, int, int]

    @classmethod
    def from_box(cls, method: str, box: tuple[int, int, int, int]) -> Region:
        x0, y0, x1, y1 = box
        return cls(method, RotatedRect((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0), box)


@dataclass
class Detection:
    """The chosen region, and for each stage tried what it said and how long it took."""

    region: Region
    tried: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ms(self) -> float:
        return sum(t["ms"] for t in self.tried)


def milo_position(plan: ScenePlan | None) -> str | None:
    """left / center / right when the plan has Milo among several characters, else None."""
    if plan is None or len(plan.characters) < 2:
        return None
    return plan.position_of(MILO)


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


def detect(
    picture: Picture,
    *,
    plan: ScenePlan | None = None,
    settings: Settings | None = None,
    pose_model: Any = None,
) -> Detection:
    """Run the chain on a picture."""
    width, height = picture.width, picture.height
    position = milo_position(plan)
    detection = Detection(Region.from_box("fixed-box", fixed_box(width, height, position)))

    started = time.perf_counter()
    panels = find_panels(picture)
    if panels:
        chosen = panels[pick([p.box for p in panels], position)]
        detection.region = Region("panel", chosen.rect, chosen.box)
    detection.tried.append(_outcome("panel", started, f"{len(panels)} found"))
    if panels:
        return detection

    started = time.perf_counter()
    suits = find_suits(picture)
    if suits:
        chosen_box = suits[pick([s.chest for s in suits], position)].chest
        detection.region = Region.from_box("shirt-color", chosen_box)
    detection.tried.append(_outcome("shirt-color", started, f"{len(suits)} found"))
    if suits:
        return detection

    started = time.perf_counter()
    boxes, outcome = _pose(picture, settings, pose_model)
    if boxes:
        detection.region = Region.from_box("pose", boxes[pick(boxes, position)])
    detection.tried.append(_outcome("pose", started, outcome))
    if boxes:
        return detection

    detection.tried.append({"stage": "fixed-box", "ms": 0.0, "outcome": "used"})
    return detection


def _pose(picture: Picture, settings: Settings | None, model: Any) -> tuple[list, str]:
    """Chest boxes from the pose model, or none and why."""
    from render.compositor.pose import PoseStage, PoseUnavailable, chest_boxes, stage_for

    if model is not None:
        stage = model if isinstance(model, PoseStage) else PoseStage(model=model)
    else:
        if settings is None:
            from core.settings import get_settings

            settings = get_settings()
        stage = stage_for(settings.pose_weights)
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
