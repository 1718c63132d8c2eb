"""Results shared by the render pipeline, the service, the bot and the CLI."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.state import ScenePlan

CompositorMethod = Literal["panel", "shirt-color", "pose", "fixed-box", "skipped"]
Confidence = Literal["high", "low"]


class CompositorResult(BaseModel):
    """Where the slogan went: `box` is [x0, y0, x1, y1] in input pixels, `angle` in degrees.

    `method` "skipped": the slogan could not be written readably and the picture is the
    clean render; `box` is then where it would have gone. `confidence` "low": no stage
    was sure it found Milo, the text is where the plan and partial evidence put him.
    `reason` says, in one plain line, why it was skipped or why confidence is low.
    """

    method: CompositorMethod
    box: tuple[int, int, int, int]
    angle: float = 0.0
    ms: float = 0.0
    font_size: int | None = None
    lines: list[str] = Field(default_factory=list)
    reason: str | None = None
    confidence: Confidence = "high"


class RenderResult(BaseModel):
    """One finished scene: the plan, the picture with the slogan, and the clean render."""

    plan: ScenePlan
    backend: str
    seed: int
    width: int
    height: int
    image: str = Field(description="Path of the PNG with the slogan written on it")
    clean_image: str = Field(description="Path of the PNG before the slogan, kept for re-slogans")
    compositor: CompositorResult | None = None
    timings: dict[str, float] = Field(default_factory=dict, description="plan_ms, render_ms, composite_ms")
