"""Error paths of the API in-process (FastAPI's `TestClient`, no socket, no worker): bad
bodies, unknown ids, jobs not done, missing tokens, unknown paths. Each answer is one JSON
line naming the field. The same API over real HTTP is in test_api.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from render.service.app import create_app
from tests.service.helpers import TOKEN, service_settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLAN = {"characters": ["milo"], "plate": "east", "prompt": "Milo at the desk", "source": "rules"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with no render worker (jobs wait), its runtime started by the lifespan."""
    app = create_app(service_settings(tmp_path_factory.mktemp("errors")), backend="preview", workers=0)
    with TestClient(app, headers=AUTH) as client:
        yield client


SERVER_PATH = re.compile(r"(?<![\w:/])/[\w.-]+/[\w./-]+")
CLI_ADVICE = re.compile(r"`cartoon|(?:^|\s)--[a-z]|choose another output")


def one_line(response) -> dict:
    """The error body: one line, no path on the server, no command-line advice."""
    body = response.json()
    assert set(body) >= {"error", "field"}
    assert "\n" not in body["error"]
    assert not SERVER_PATH.search(body["error"]), body["error"]
    assert not CLI_ADVICE.search(body["error"]), body["error"]
    return body


# body (str: sent as is), status, field, words the error must contain
BAD_SUBMISSIONS = [
    ('{"text": "Milo', 400, None, "not valid JSON"),
    ("[1, 2]", 422, None, "JSON object"),
    ("", 422, None, "body is missing"),
    ({"text": "Milo", "colour": "red"}, 422, "colour", "unknown field 'colour'"),
    ({"text": "x" * 1001}, 422, "text", "at most 1000"),
    ({"text": "   "}, 422, "text", "text is empty"),
    ({"text": 42}, 422, "text", "valid string"),
    ({"user": "ann"}, 422, "text", "text is missing"),
    ({"text": "Milo", "seed": -1}, 422, "seed", "greater than or equal"),
    ({"text": "Milo", "seed": "x"}, 422, "seed", "whole number"),
    # strict types: a boolean is not a seed, text is not a number, a number is not text
    ({"text": "Milo", "seed": True}, 422, "seed", "whole number"),
    ({"text": "Milo", "seed": False}, 422, "seed", "whole number"),
    ({"text": "Milo", "seed": "7"}, 422, "seed", "whole number"),
    ({"text": "Milo", "seed": 7.5}, 422, "seed", "integer"),
    ({"text": "Milo", "shirt": 7}, 422, "shirt", "valid string"),
    ({"text": "Milo", "user": 7}, 422, "user", "valid string"),
    ({"text": "Milo", "as": True}, 422, "as", "valid string"),
    ({"text": True}, 422, "text", "valid string"),
    ({"plan": {**PLAN, "seed": True}}, 422, "plan.seed", "whole number"),
    ({"plan": {**PLAN, "seed": "3"}}, 422, "plan.seed", "whole number"),
    ({"plan": {**PLAN, "characters": [1]}}, 422, "plan.characters.0", "valid string"),
    ({"plan": {**PLAN, "prompt": 5}}, 422, "plan.prompt", "valid string"),
    ({"text": "Milo", "shirt": "S" * 49}, 422, "shirt", "at most 48"),
    ({"text": "Milo", "user": ""}, 422, "user", "at least 1"),
    ({"text": "draw me", "as": "bob"}, 422, "as", "unknown speaker 'bob'"),
    ({"plan": {**PLAN, "characters": ["bob"]}}, 422, "plan.characters", "unknown character 'bob'"),
    ({"plan": {**PLAN, "outfits": {"bob": "default"}}}, 422, "plan.outfits", "unknown character 'bob'"),
    ({"plan": {**PLAN, "speaker": "bob"}}, 422, "plan.speaker", "unknown speaker 'bob'"),
    ({"plan": {**PLAN, "plate": "ceiling"}}, 422, "plan.plate", "plan.plate"),
    ({"plan": {**PLAN, "slogan": "S" * 49}}, 422, "plan.slogan", "at most 48"),
    ({"plan": {**PLAN, "prompt": ""}}, 422, "plan.prompt", "at least 1"),
    ({"plan": PLAN, "text": "Milo"}, 422, "plan", "not both"),
    ({"plan": PLAN, "seed": 3}, 422, "plan", "not both"),
    # invisible characters: bidi controls and zero-width ones alone are no text
    ({"text": "\u202e\u2066\u2069\u061c\u200e\u200f"}, 422, "text", "text is empty"),
    ({"text": "\u200b\u200d\ufeff\u00ad"}, 422, "text", "text is empty"),
    ({"text": "\U000e0041\U000e0042"}, 422, "text", "text is empty"),
    ({"text": "Milo", "user": "\u202e\u2067"}, 422, "user", "user is empty"),
    ({"text": "Milo", "shirt": "\u2066\u2069"}, 422, "shirt", "shirt is empty"),
    # slogans the shirt font cannot draw: refused at once, as POST /v1/jobs/{id}/shirt does
    ({"text": "Milo", "shirt": "DEPLOY \U0001f680"}, 422, "shirt", "cannot draw"),
    ({"text": "Milo", "shirt": "\u4f60\u597d"}, 422, "shirt", "cannot draw"),
    ({"plan": {**PLAN, "slogan": "\U0001f525 PROD"}}, 422, "plan.slogan", "cannot draw"),
    # every string of a plan is bounded
    ({"plan": {**PLAN, "prompt": "p" * 1534}}, 422, "plan.prompt", "at most 1533"),
    ({"plan": {**PLAN, "prompt": "p" * 10_000_000}}, 422, "plan.prompt", "at most 1533"),
    ({"plan": {**PLAN, "clip_prompt": "c" * 226}}, 422, "plan.clip_prompt", "at most 225"),
    ({"plan": {**PLAN, "action": "a" * 1001}}, 422, "plan.action", "at most 1000"),
    ({"plan": {**PLAN, "text": "t" * 1001}}, 422, "plan.text", "at most 1000"),
    ({"plan": {**PLAN, "speaker": "s" * 65}}, 422, "plan.speaker", "at most 64"),
    ({"plan": {**PLAN, "characters": ["milo"] * 9}}, 422, "plan.characters", "at most 8"),
    ({"plan": {**PLAN, "characters": ["m" * 65]}}, 422, "plan.characters.0", "at most 64"),
    ({"plan": {**PLAN, "outfits": {"milo": "o" * 65}}}, 422, "plan.outfits.milo", "at most 64"),
    ({"plan": {**PLAN, "outfits": {"milo": "tuxedo"}}}, 422, "plan.outfits", "unknown outfit 'tuxedo'"),
    ({"plan": {**PLAN, "sources": {f"k{n}": "rules" for n in range(17)}}}, 422, "plan.sources", "at most 16"),
]


@pytest.mark.parametrize(("body", "status", "field", "says"), BAD_SUBMISSIONS)
def test_a_bad_submission_is_a_4xx_naming_the_field(
    api: TestClient, body: object, status: int, field: str | None, says: str
) -> None:
    if isinstance(body, str):
        response = api.post("/v1/scenes", content=body, headers={"content-type": "application/json"})
    else:
        response = api.post("/v1/scenes", json=body)
    assert response.status_code == status, response.text
    error = one_line(response)
    assert error["field"] == field
    assert says in error["error"]


def test_invisible_characters_are_stripped_from_what_is_kept(api: TestClient) -> None:
    body = {"text": "Milo \u202eat\u2066 the\u200b desk", "shirt": "PEB\u200dKAC\u202e", "user": "zoe\u2068"}
    accepted = api.post("/v1/scenes", json=body)
    assert accepted.status_code == 202, accepted.text
    job = api.get(f"/v1/jobs/{accepted.json()['id']}").json()
    assert job["user"] == "zoe"
    plan = api.app.state.runtime.queue.plan_of(job["id"])
    assert plan["text"] == "Milo at the desk"
    assert plan["slogan"] == "PEBKAC"


def test_a_plan_at_the_limits_is_accepted(api: TestClient) -> None:
    plan = {**PLAN, "prompt": "p" * 1533, "clip_prompt": "c" * 225, "action": "a" * 1000, "slogan": "RTFM \u202e"}
    accepted = api.post("/v1/scenes", json={"plan": plan, "user": "limits"})
    assert accepted.status_code == 202, accepted.text
    kept = api.app.state.runtime.queue.plan_of(accepted.json()["id"])
    assert kept["slogan"] == "RTFM"
    assert len(kept["prompt"]) == 1533


def test_the_backend_checks_a_plan_before_it_is_queued(tmp_path: Path) -> None:
    """`Backend.check_inputs` refuses at submit (422, its message in plain words), and
    nothing is queued."""
    app = create_app(service_settings(tmp_path), backend="tests.service.slow_backend:PickyBackend", workers=0)
    with TestClient(app, headers=AUTH) as client:
        refused = client.post("/v1/scenes", json={"text": "James at the whiteboard", "user": "picky"})
        assert refused.status_code == 422
        error = one_line(refused)
        assert error["field"] == "plan"
        assert "this backend draws Milo only" in error["error"]
        assert client.get("/healthz").json()["queue_depth"] == 0
        assert client.post("/v1/scenes", json={"text": "Milo at the desk"}).status_code == 202


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/jobs/{}"),
        ("GET", "/v1/jobs/{}/events"),
        ("GET", "/v1/jobs/{}/image"),
        ("GET", "/v1/jobs/{}/clean"),
        ("POST", "/v1/jobs/{}/shirt"),
        ("DELETE", "/v1/jobs/{}"),
    ],
)
def test_an_unknown_job_is_404_on_every_route(api: TestClient, method: str, path: str) -> None:
    response = api.request(method, path.format("no-such-job"), json={})
    assert response.status_code == 404
    error = one_line(response)
    assert error["field"] == "id"
    assert "no job 'no-such-job'" in error["error"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/jobs/{}/image"), ("GET", "/v1/jobs/{}/clean"), ("POST", "/v1/jobs/{}/shirt")])
def test_pictures_of_a_job_not_done_are_409(api: TestClient, method: str, path: str) -> None:
    job_id = api.post("/v1/scenes", json={"text": "Milo at the desk", "user": f"waiting-{method}-{path}"}).json()["id"]
    response = api.request(method, path.format(job_id), json={})
    assert response.status_code == 409
    error = one_line(response)
    assert "is queued" in error["error"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"}])
@pytest.mark.parametrize(("method", "path"), [("POST", "/v1/scenes"), ("GET", "/v1/jobs/x"), ("DELETE", "/v1/jobs/x")])
def test_every_v1_route_needs_the_token(api: TestClient, headers: dict, method: str, path: str) -> None:
    response = api.request(method, path, json={"text": "Milo"}, headers={"Authorization": "", **headers})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert one_line(response)["field"] == "Authorization"


@pytest.mark.parametrize(
    ("method", "path", "status", "says"),
    [("GET", "/v2/scenes", 404, "no such path"), ("PUT", "/v1/scenes", 405, "method not allowed")],
)
def test_unknown_paths_and_methods(api: TestClient, method: str, path: str, status: int, says: str) -> None:
    response = api.request(method, path)
    assert response.status_code == status
    assert says in one_line(response)["error"]


def test_routes_read_the_runtime_through_a_dependency(tmp_path: Path) -> None:
    """`RuntimeDep` can be swapped: the routes hold no runtime of their own."""
    from render.service.deps import get_runtime

    app = create_app(service_settings(tmp_path), backend="preview", workers=0)
    other = create_app(service_settings(tmp_path / "other"), backend="preview", workers=0)
    with TestClient(other, headers=AUTH) as client_other, TestClient(app, headers=AUTH) as client:
        job_id = client_other.post("/v1/scenes", json={"text": "Milo at the rack"}).json()["id"]
        assert client.get(f"/v1/jobs/{job_id}").status_code == 404
        app.dependency_overrides[get_runtime] = lambda: other.state.runtime
        assert client.get(f"/v1/jobs/{job_id}").json()["state"] == "queued"


@pytest.mark.parametrize("seed", [7, 7.0])  # JSON Schema's integers: 7.0 is one
def test_a_whole_number_seed_is_accepted(api: TestClient, seed: float) -> None:
    accepted = api.post("/v1/scenes", json={"text": "Milo at the desk", "seed": seed})
    assert accepted.status_code == 202, accepted.text
    assert api.app.state.runtime.queue.plan_of(accepted.json()["id"])["seed"] == 7
