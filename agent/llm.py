"""Ask an OpenAI-compatible chat endpoint (vLLM + Qwen3, or any other) for a structured
scene answer. Any failure returns None and the rules decide: the planner never waits
longer than the configured timeout plus one retry."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from agent import prompts
from agent.state import LlmAnswer
from characters.sheet import Character

if TYPE_CHECKING:
    from openai import OpenAI

    from core.settings import Settings

log = logging.getLogger(__name__)


class SceneLlm:
    """One client per planner; `openai` is imported only when an LLM is configured."""

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI  # lazy: ~0.3 s of import the rules-only path never pays

        self.model = settings.llm_model
        self.client: OpenAI = OpenAI(
            base_url=settings.llm_url,
            api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout_s,
            max_retries=1,
        )

    def ask(self, text: str, speaker: Character | None, characters: list[Character]) -> LlmAnswer | None:
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": prompts.system_prompt(characters)},
                    *prompts.example_messages(characters),
                    {"role": "user", "content": prompts.user_prompt(text, speaker)},
                ],
                temperature=0.0,
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": "scene_plan",
                        "strict": True,
                        "schema": prompts.answer_schema([c.id for c in characters]),
                    },
                },
                # Qwen3 on vLLM: skip the thinking preamble, the answer is a small JSON object.
                extra_body={"chat_template_kwargs": {"enable_thinking": False}},
            )
            content = response.choices[0].message.content or ""
            answer = json.loads(content)
        except json.JSONDecodeError:
            log.warning("LLM answered with invalid JSON; the rules decide this plan")
            return None
        except Exception as exc:  # any client, network or server error: fall back to the rules
            log.warning("LLM unavailable (%s: %s); the rules decide this plan", type(exc).__name__, exc)
            return None
        if not isinstance(answer, dict):
            log.warning("LLM answer is not a JSON object; the rules decide this plan")
            return None
        return LlmAnswer(**{k: answer[k] for k in ("characters", "plate", "slogan", "action") if k in answer})
