"""Stage 3 of the chain: a YOLOv8-pose model finds people; shoulders and hips give the
chest box.

ultralytics is imported only when this stage runs, never downloads anything (offline
mode is set before the import), and logs to stderr so `--json` output stays clean.
Weights come from `CARTOON_POSE_WEIGHTS`; when that file is missing the stage is skipped
with a warning. A path ending in `.yaml` builds the model with random weights (tests).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# COCO keypoint indices
L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 5, 6, 11, 12
MIN_KEYPOINT_CONF = 0.5
CHEST_ROWS = (0.12, 0.50)  # of the shoulder-to-hip distance, below the shoulders
SIDE_INSET = 0.12  # of the shoulder width, each side
TORSO_PER_SHOULDER = 1.3  # torso length when the hips are not seen
MIN_BOX_PX = 24


class PoseUnavailable(Exception):
    """The pose stage cannot run here (no weights file); the chain moves on."""


def quiet_ultralytics() -> None:
    """Offline, no auto-installs, no chatter: set before ultralytics is first imported."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "false")
    os.environ.setdefault("YOLO_VERBOSE", "false")


class PoseStage:
    """A YOLOv8-pose model, loaded on first use. Pass `model` (an ultralytics YOLO) to use
    one already built, or `weights`: a .pt file, or a model .yaml for random weights."""

    def __init__(self, weights: str | Path | None = None, *, model: Any = None, conf: float = 0.25,
                 imgsz: int = 640) -> None:
        self.weights = weights
        self.model = model
        self.conf = conf
        self.imgsz = imgsz
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self.model is not None:
                return self.model
            weights = str(self.weights or "")
            if not weights.endswith((".yaml", ".yml")) and not Path(weights).is_file():
                raise PoseUnavailable(
                    f"pose weights {weights or '(unset)'} not found; put yolov8n-pose.pt there or "
                    "set CARTOON_POSE_WEIGHTS"
                )
            self.model = yolo_model(weights)
            return self.model

    def keypoints(self, rgb: np.ndarray) -> np.ndarray:
        """(N, 17, 3) array of (x, y, confidence) per person, in input pixels."""
        from PIL import Image

        model = self._load()
        with contextlib.redirect_stdout(sys.stderr):
            results = model.predict(Image.fromarray(rgb), imgsz=self.imgsz, conf=self.conf, verbose=False)
        kps = results[0].keypoints
        if kps is None or kps.data.shape[0] == 0:
            return np.zeros((0, 17, 3), dtype=np.float32)
        return kps.data.cpu().numpy().astype(np.float32)


def yolo_model(weights: str) -> Any:
    """ultralytics' YOLO from a weights file or a model .yaml, quiet, with Pillow left as it was.

    Importing ultralytics replaces PIL's Image.open process-wide with one that, on a file
    Pillow cannot read, tries to install pi-heif and raises ModuleNotFoundError: every later
    bad upload in this process would fail with that instead of Pillow's own error. The
    project never opens HEIF, so Pillow's own Image.open is put back.
    """
    from PIL import Image

    quiet_ultralytics()
    pillow_open = Image.open
    try:
        with contextlib.redirect_stdout(sys.stderr):
            from ultralytics import YOLO

            return YOLO(weights)
    finally:
        Image.open = pillow_open


def chest_boxes(kps: np.ndarray, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """A chest box [x0, y0, x1, y1] for each person whose shoulders are seen, widest first."""
    boxes = []
    for person in kps:
        ls, rs, lh, rh = person[L_SHOULDER], person[R_SHOULDER], person[L_HIP], person[R_HIP]
        if min(ls[2], rs[2]) < MIN_KEYPOINT_CONF:
            continue
        shoulder_w = abs(float(ls[0] - rs[0]))
        shoulder_y = float(ls[1] + rs[1]) / 2
        if min(lh[2], rh[2]) >= MIN_KEYPOINT_CONF and float(lh[1] + rh[1]) / 2 > shoulder_y:
            torso = float(lh[1] + rh[1]) / 2 - shoulder_y
        else:
            torso = TORSO_PER_SHOULDER * shoulder_w
        left, right = float(min(ls[0], rs[0])), float(max(ls[0], rs[0]))
        inset = SIDE_INSET * shoulder_w
        x0, x1 = max(0, round(left + inset)), min(width, round(right - inset))
        y0 = max(0, round(shoulder_y + CHEST_ROWS[0] * torso))
        y1 = min(height, round(shoulder_y + CHEST_ROWS[1] * torso))
        if x1 - x0 >= MIN_BOX_PX and y1 - y0 >= MIN_BOX_PX:
            boxes.append((x0, y0, x1, y1))
    return sorted(boxes, key=lambda b: b[2] - b[0], reverse=True)


_stages: dict[str, PoseStage] = {}


def stage_for(weights: str | Path) -> PoseStage:
    """One PoseStage per weights path, so the model is loaded once per process."""
    key = str(weights)
    if key not in _stages:
        _stages[key] = PoseStage(key)
    return _stages[key]
