"""Stage 3: the pose stage on the real ultralytics model class with random weights
(`yolov8n-pose.yaml`, nothing downloaded), the chest geometry from keypoints, and the
skip with a warning when the weights file is missing."""

from __future__ import annotations

import logging
import socket

import numpy as np
import pytest

from core.settings import Settings
from render.compositor import compose
from render.compositor.pose import PoseStage, chest_boxes, yolo_model
from tests.compositor import fixtures as fx


@pytest.fixture(scope="module", autouse=True)
def no_network():
    """ultralytics must not try the network (update checks, fonts, weights): any attempt
    fails the module."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] or args)
        raise OSError("network blocked in tests")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "getaddrinfo", refuse)
        mp.setattr(socket, "create_connection", refuse)
        yield
    assert attempts == []


@pytest.fixture(scope="module")
def random_yolo(no_network):
    import torch

    torch.manual_seed(0)  # random weights, but the same ones every run
    return yolo_model("yolov8n-pose.yaml")


def person(shoulders, hips=None, conf=0.9) -> np.ndarray:
    kps = np.zeros((17, 3), dtype=np.float32)
    kps[5], kps[6] = (*shoulders[0], conf), (*shoulders[1], conf)
    if hips:
        kps[11], kps[12] = (*hips[0], 0.9), (*hips[1], 0.9)
    return kps


def test_chest_box_from_shoulders_and_hips():
    kps = np.stack([person(((600, 300), (400, 300)), ((580, 600), (420, 600)))])
    assert chest_boxes(kps, 1024, 1024) == [(424, 336, 576, 450)]


def test_chest_box_without_hips_uses_shoulder_width():
    kps = np.stack([person(((400, 300), (600, 300)))])
    assert chest_boxes(kps, 1024, 1024) == [(424, 331, 576, 430)]


def test_unsure_shoulders_and_tiny_people_are_skipped():
    kps = np.stack([person(((400, 300), (600, 300)), conf=0.3), person(((500, 500), (510, 500)))])
    assert chest_boxes(kps, 1024, 1024) == []


# The random head scores people at about 1e-3 (ultralytics' bias prior), so a threshold of
# 1e-4 makes the untrained model report plenty of (meaningless) people to parse.
def test_real_model_class_returns_keypoints(random_yolo):
    image = np.asarray(fx.lab((640, 480)))
    kps = PoseStage(model=random_yolo, conf=1e-4, imgsz=160).keypoints(image)
    assert kps.ndim == 3
    assert kps.shape[1:] == (17, 3)
    assert len(kps) > 0
    assert (kps[..., 0] >= 0).all()
    assert (kps[..., 0] <= 640).all()
    assert (kps[..., 1] >= 0).all()
    assert (kps[..., 1] <= 480).all()
    for x0, y0, x1, y1 in chest_boxes(kps, 640, 480):
        assert 0 <= x0 < x1 <= 640
        assert 0 <= y0 < y1 <= 480


def test_chain_runs_the_pose_stage(random_yolo):
    stage = PoseStage(model=random_yolo, conf=1e-4, imgsz=160)
    done = compose(fx.lab((640, 480)), "RTFM", settings=Settings(_env_file=None), pose_model=stage)
    pose = [t for t in done.detection.tried if t["stage"] == "pose"]
    assert pose and pose[0]["outcome"].split()[0] != "0"  # it saw (random) people
    assert done.result.method in ("pose", "fixed-box")


def test_yaml_weights_from_settings_build_the_model():
    settings = Settings(_env_file=None, pose_weights="yolov8n-pose.yaml")
    done = compose(fx.lab((640, 480)), "RTFM", settings=settings)
    assert [t["stage"] for t in done.detection.tried][:3] == ["panel", "shirt-color", "pose"]
    assert done.detection.tried[2]["outcome"].endswith("with shoulders")


def test_missing_weights_warn_and_fall_back(tmp_path, caplog):
    settings = Settings(_env_file=None, pose_weights=tmp_path / "yolov8n-pose.pt")
    with caplog.at_level(logging.WARNING):
        done = compose(fx.lab(), "RTFM", settings=settings)
    assert done.result.method == "fixed-box"
    assert "not found" in caplog.text
    assert "pose stage skipped" in caplog.text
    assert done.detection.tried[2]["outcome"].startswith("skipped")


def test_pillow_keeps_its_own_error_for_a_bad_image_after_yolo_loads(random_yolo, tmp_path):
    """ultralytics patches Image.open on import; a bad upload must still be Pillow's
    UnidentifiedImageError (which the service turns into a 422), not a ModuleNotFoundError."""
    from PIL import Image, UnidentifiedImageError

    PoseStage("yolov8n-pose.yaml")._load()
    bad = tmp_path / "not-a-picture.png"
    bad.write_bytes(b"this is text, not a PNG")
    with pytest.raises(UnidentifiedImageError):
        Image.open(bad)
