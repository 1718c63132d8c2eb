"""Checks of the render service: reachable and authorised, and its backend loaded."""

from __future__ import annotations

from functools import cached_property

from core.doctor import fetch
from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings

# An id no job has: an authorised server answers 404, an unauthorised one 401/403.
PROBE_JOB = "doctor-probe-00000000"


class RenderProbe:
    """Asks the render service once per doctor run; both checks read the answer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = (settings.render_url or "").rstrip("/")

    @cached_property
    def healthz(self) -> fetch.Answer:
        return fetch.get(f"{self.url}/healthz", timeout_s=self.settings.doctor_timeout_s)

    def down_message(self) -> str | None:
        """Why the service cannot be used, or None when /healthz answered."""
        if not self.url:
            return "CARTOON_RENDER_URL is not set; set it to the render service, e.g. http://render:8400"
        answer = self.healthz
        if answer.error:
            return (
                f"render service at {self.url} is unreachable: {answer.error}; start it "
                f"(docker compose up -d render) or fix CARTOON_RENDER_URL"
            )
        if answer.status != 200 or not isinstance(answer.body, dict) or "loaded" not in answer.body:
            return (
                f"{self.url}/healthz answered {fetch.error_text(answer)}, not a milo-cartoons render "
                f"service; check CARTOON_RENDER_URL (host and port of `cartoon serve`)"
            )
        return None

    def store_problem(self) -> str | None:
        """When /healthz says the service's job store or its storage is at fault: that, in
        one line with what to do (a store outage is not the backend's, nor the token's)."""
        health = self.healthz.body if self.down_message() is None else None
        if not isinstance(health, dict) or health.get("ok", True):
            return None
        cause = health.get("cause")
        if cause is None and "queue_depth" in health and health.get("queue_depth") is None:
            cause = "store_away"  # a service from before `cause`: the store did not answer
        redis = self.settings.queue == "redis"
        store = "job store (Redis)" if redis else "job store (SQLite jobs.db under CARTOON_SERVICE_DIR)"
        if cause == "store_away":
            fix = (
                "start Redis (docker compose --profile scale up -d redis) or fix CARTOON_REDIS_URL"
                if redis
                else "it is busy or its disk stalls; read `docker compose logs render`"
            )
            return f"the render service's {store} is not answering; {fix} (the queue check says more)"
        if cause == "store_damaged":
            return (
                f"the render service's {store} is damaged; stop the service and restore a backup made with "
                "`cartoon backup` (docs/OPERATORS.md, When things break)"
            )
        if cause == "storage_full":
            fix = "raise Redis's maxmemory or free its disk" if redis else "free space on its volume or grow it"
            return f"the render service's storage is full, so it takes no new scenes; {fix} (docker system df)"
        return None


def check_render(probe: RenderProbe) -> CheckResult:
    down = probe.down_message()
    if down:
        return fail("render", down)
    token = probe.settings.render_token
    if not token:
        return fail("render", "CARTOON_RENDER_TOKEN is not set; set the same token for the bot and the render service")
    answer = fetch.get(
        f"{probe.url}/v1/jobs/{PROBE_JOB}",
        timeout_s=probe.settings.doctor_timeout_s,
        headers={"Authorization": f"Bearer {token}"},
    )
    if answer.error:
        return fail("render", f"render service at {probe.url} stopped answering: {answer.error}")
    if answer.status in (401, 403):
        return fail(
            "render",
            f"render service refused CARTOON_RENDER_TOKEN (HTTP {answer.status}); give the bot and the "
            f"render service the same CARTOON_RENDER_TOKEN and restart both",
        )
    if answer.status is not None and answer.status >= 500:
        if store := probe.store_problem():
            return fail("render", store, error=fetch.error_text(answer))
        return fail("render", f"render service failed an authorised request: {fetch.error_text(answer)}; see its log")
    return ok("render", f"render service at {probe.url} is up and accepts the token", url=probe.url)


def check_backend(probe: RenderProbe) -> CheckResult:
    down = probe.down_message()
    if down:
        return fail("backend", "cannot tell whether a backend is loaded: fix the render check first")
    health = probe.healthz.body
    name = health.get("backend", "?")
    details = {k: health.get(k) for k in ("backend", "loaded", "queue_depth", "workers")}
    if not health.get("ok", False):
        if store := probe.store_problem():
            return fail("backend", f"cannot tell whether backend '{name}' loaded: {store}", error=health.get("error"), **details)
        reason = health.get("error") or "not ok"
        return fail("backend", f"backend '{name}' failed to load: {reason}", **details)
    if not health.get("loaded"):
        return warn(
            "backend",
            f"backend '{name}' is still loading (a few minutes for kontext); wait, or read `docker compose logs render`",
            **details,
        )
    return ok(
        "backend",
        f"backend '{name}' loaded; {health.get('queue_depth', 0)} job(s) queued, {health.get('workers', '?')} worker(s)",
        **details,
    )
