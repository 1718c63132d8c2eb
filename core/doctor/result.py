"""What one doctor check found: a status and one line that says what to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ok(name: str, message: str, **details: Any) -> CheckResult:
    return CheckResult(name, "ok", message, details)


def warn(name: str, message: str, **details: Any) -> CheckResult:
    return CheckResult(name, "warn", message, details)


def fail(name: str, message: str, **details: Any) -> CheckResult:
    return CheckResult(name, "fail", message, details)
