"""`cartoon doctor`: checks a deployment from the inside and says in words what is wrong.

Each check returns ok, warn or fail with one line that says what to do. Checks run in the
order of `CHECKS`; `run_doctor` never raises for a broken deployment (that is its output).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.doctor.discord import check_channel, check_token
from core.doctor.files import check_loras, check_models, check_plates
from core.doctor.gpu import check_gpu
from core.doctor.llm import check_llm
from core.doctor.queue import check_queue
from core.doctor.result import CheckResult
from core.doctor.service import RenderProbe, check_backend, check_render
from core.errors import InputError
from core.settings import Settings

Check = Callable[[Settings, RenderProbe], CheckResult]

CHECKS: dict[str, tuple[str, Check]] = {
    "token": ("DISCORD_TOKEN set and shaped like a bot token", lambda s, p: check_token(s)),
    "render": ("render service reachable and authorised", lambda s, p: check_render(p)),
    "backend": ("render backend loaded", lambda s, p: check_backend(p)),
    "queue": ("queue store writable (SQLite) or Redis answering", lambda s, p: check_queue(s)),
    "gpu": ("GPU visible, free memory", lambda s, p: check_gpu(s)),
    "models": ("Kontext model, style LoRA, pose model present", lambda s, p: check_models(s)),
    "loras": ("character LoRAs present", lambda s, p: check_loras(s)),
    "llm": ("planner LLM reachable", lambda s, p: check_llm(s)),
    "plates": ("the four wall plates present", lambda s, p: check_plates(s)),
    "channel": ("daily channel writable by the bot", lambda s, p: check_channel(s)),
}


@dataclass(frozen=True)
class Report:
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.checks)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "failed": self.count("fail"),
            "warned": self.count("warn"),
            "passed": self.count("ok"),
            "checks": [c.to_json() for c in self.checks],
        }

    def to_text(self) -> str:
        width = max((len(c.name) for c in self.checks), default=0)
        lines = [f"{c.status.upper():4}  {c.name:{width}}  {c.message}" for c in self.checks]
        lines.append(f"{self.count('fail')} failed, {self.count('warn')} warned, {self.count('ok')} ok")
        return "\n".join(lines)


def select(only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[str]:
    """The check names to run; an unknown name is the user's mistake."""
    only, skip = list(only), list(skip)
    for name in (*only, *skip):
        if name not in CHECKS:
            raise InputError(f"unknown check '{name}'; use some of: {', '.join(CHECKS)}")
    return [name for name in CHECKS if (not only or name in only) and name not in skip]


def run_doctor(settings: Settings, names: Iterable[str] | None = None) -> Report:
    probe = RenderProbe(settings)
    chosen = list(CHECKS) if names is None else list(names)
    return Report([CHECKS[name][1](settings, probe) for name in chosen])
