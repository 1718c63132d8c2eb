"""The LLM path: the real `openai` client against an OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest

from agent.graph import Planner
from agent.state import SceneRequest
from core.settings import Settings
from tests.servers.openai_compat import OpenAICompatServer, Reply


def planner_for(server: OpenAICompatServer, timeout_s: float = 5.0) -> Planner:
    return Planner(Settings(_env_file=None, llm_url=server.url, llm_model="qwen3-test", llm_timeout_s=timeout_s))


def answer(**fields) -> Reply:
    base = {"characters": ["milo"], "plate": "east", "slogan": None, "action": "Milo typing"}
    return Reply(json.dumps({**base, **fields}))


def test_valid_answer_is_used_and_sent_with_a_json_schema() -> None:
    server = OpenAICompatServer(lambda body: answer(characters=["james", "milo"], plate="south", action="James and Milo riding the bike"))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="us on the bike", as_="james", seed=4))
    assert plan.source == "llm"
    assert plan.characters == ["james", "milo"]
    assert plan.plate == "south"
    assert plan.action == "James and Milo riding the bike"
    request = server.requests[0]
    assert request["model"] == "qwen3-test"
    assert request["response_format"]["type"] == "json_schema"
    schema = request["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["plate"]["enum"] == ["north", "east", "south", "west"]
    assert "James Meadlock" in request["messages"][-1]["content"]  # the speaker is named
    assert request["chat_template_kwargs"] == {"enable_thinking": False}  # Qwen3: one short completion


def test_prompt_names_walls_aliases_and_sends_worked_examples() -> None:
    from agent.prompts import EXAMPLES

    server = OpenAICompatServer(lambda body: answer())
    with server.running():
        planner_for(server).plan(SceneRequest(text="Milo at the desk", seed=1))
    messages = server.requests[0]["messages"]
    system = messages[0]["content"]
    for needle in ("north", "east", "south", "west", "server rack", "whiteboard", "the raccoon", "meadlock", "🦝"):
        assert needle in system, needle
    examples = messages[1:-1]
    assert 8 <= len(examples) // 2 <= 12
    assert len(examples) == 2 * len(EXAMPLES)
    assert [m["role"] for m in examples[:2]] == ["user", "assistant"]
    for reply in examples[1::2]:  # every worked answer is valid under the schema's fields
        parsed = json.loads(reply["content"])
        assert set(parsed) == {"characters", "plate", "slogan", "action"}
        assert parsed["plate"] in {"north", "east", "south", "west"}


def test_invalid_json_falls_back_to_rules() -> None:
    server = OpenAICompatServer(lambda body: Reply("{not json"))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="Milo at the whiteboard", seed=1))
    assert plan.source == "rules"
    assert plan.plate == "west"
    assert set(plan.sources.values()) == {"rules"}


def test_unknown_plate_is_decided_by_rules_and_the_rest_by_llm() -> None:
    server = OpenAICompatServer(lambda body: answer(plate="kitchen", characters=["milo"]))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="Milo at the server rack", seed=1))
    assert plan.plate == "north"
    assert plan.sources["plate"] == "rules"
    assert plan.sources["characters"] == "llm"
    assert plan.source == "rules"


def test_unknown_character_is_decided_by_rules() -> None:
    server = OpenAICompatServer(lambda body: answer(characters=["cindy"], plate="west"))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="James at the whiteboard", seed=1))
    assert plan.characters == ["james"]
    assert plan.sources["characters"] == "rules"
    assert plan.sources["plate"] == "llm"


def test_timeout_falls_back_to_rules_quickly() -> None:
    server = OpenAICompatServer(lambda body: Reply(json.dumps({}), delay_s=3.0))
    with server.running():
        started = time.monotonic()
        plan = planner_for(server, timeout_s=0.3).plan(SceneRequest(text="Milo on the couch", seed=1))
        elapsed = time.monotonic() - started
    assert plan.source == "rules"
    assert plan.plate == "west"
    assert elapsed < 2.5  # one try and one retry of 0.3 s each, plus the client's backoff
    assert len(server.requests) <= 2


def test_server_error_falls_back_to_rules() -> None:
    server = OpenAICompatServer(lambda body: Reply(status=500, raw={"error": {"message": "boom"}}))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="Milo at the desk", seed=1))
    assert plan.source == "rules"


def test_unreachable_server_falls_back_to_rules() -> None:
    settings = Settings(_env_file=None, llm_url="http://127.0.0.1:9/v1", llm_timeout_s=0.5)
    plan = Planner(settings).plan(SceneRequest(text="Milo at the desk", seed=1))
    assert plan.source == "rules"


def test_llm_slogan_never_reaches_the_prompt() -> None:
    server = OpenAICompatServer(lambda body: answer(slogan="RTFM", action="Milo pointing at a RTFM poster"))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="Milo, shirt says RTFM", seed=1))
    assert plan.slogan == "RTFM"
    assert "RTFM" not in plan.prompt


@pytest.mark.parametrize("bad", [["milo", 3], "milo", None])
def test_malformed_character_lists_are_rejected(bad) -> None:
    server = OpenAICompatServer(lambda body: answer(characters=bad))
    with server.running():
        plan = planner_for(server).plan(SceneRequest(text="James on the bike", seed=1))
    assert plan.characters == ["james"]
