"""Check of the planner's LLM: GET {CARTOON_LLM_URL}/models answers and lists the model."""

from __future__ import annotations

from core.doctor import fetch
from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings


def check_llm(settings: Settings) -> CheckResult:
    if not settings.llm_url:
        return warn("llm", "CARTOON_LLM_URL is not set: the rules plan every scene; set it to use Qwen3 (docker compose --profile llm up -d)")
    url = settings.llm_url.rstrip("/")
    answer = fetch.get(
        f"{url}/models",
        timeout_s=settings.doctor_timeout_s,
        headers={"Authorization": f"Bearer {settings.llm_api_key}"},
    )
    if answer.error:
        return fail(
            "llm",
            f"LLM at {url} is unreachable: {answer.error}; start it (docker compose --profile llm up -d llm) "
            f"or unset CARTOON_LLM_URL to plan with rules only",
        )
    if answer.status in (401, 403):
        return fail("llm", f"LLM at {url} refused CARTOON_LLM_API_KEY (HTTP {answer.status}); set the key the server expects")
    data = answer.body.get("data") if isinstance(answer.body, dict) else None
    if answer.status != 200 or not isinstance(data, list):
        return fail(
            "llm",
            f"{url}/models answered {fetch.error_text(answer)}, not an OpenAI-compatible model list; "
            f"CARTOON_LLM_URL should end in /v1",
        )
    served = [m.get("id") for m in data if isinstance(m, dict)]
    if settings.llm_model not in served:
        return fail(
            "llm",
            f"LLM at {url} serves {', '.join(map(str, served)) or 'no model'}, not "
            f"CARTOON_LLM_MODEL={settings.llm_model}; set CARTOON_LLM_MODEL to one it serves",
            served=served,
        )
    return ok("llm", f"LLM at {url} serves {settings.llm_model}", served=served)
