"""Fuzz the API from its own OpenAPI spec with schemathesis, over real HTTP on 127.0.0.1:
whatever the input, the answer is a documented status with a JSON body, never a 500; valid
input is accepted, and input the spec calls invalid (a boolean seed, a number for a string,
an unknown field, a value out of range) is refused with a 4xx."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from render.service.app import create_app
from tests.service.helpers import TOKEN, ThreadServer, service_settings

# Per operation; bounded so the test stays a few seconds. CARTOON_FUZZ_EXAMPLES=200 for a deep run.
EXAMPLES = int(os.environ.get("CARTOON_FUZZ_EXAMPLES", "6"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    # API only (no render worker): the fuzzer exercises the HTTP layer and the queue's
    # records; high limits so valid submissions are accepted rather than refused with 429.
    config = service_settings(tmp_path_factory.mktemp("fuzz"), service_max_queued_per_user=10_000, service_max_queued=10_000)
    server = ThreadServer(create_app(config, backend="preview", workers=0))
    yield server
    server.stop()


def test_api_answers_every_input(fuzz_server: ThreadServer) -> None:
    api = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 11

    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case) -> None:
            response = case.call(headers=headers)
            # Which characters the shirt font draws is the compositor's check, not a
            # pattern the spec can state: such a refusal is the one valid-looking 422.
            skip = [positive_data_acceptance] if refuses_a_glyph(response) else []
            case.validate_response(response, headers=headers, excluded_checks=skip)

        try:
            check()
        except Unsatisfiable:  # nothing to get wrong (GET /healthz takes no input)
            assert mode is GenerationMode.NEGATIVE
        except Exception as exc:  # collect every operation's finding, then fail once
            failures[f"{operation.label} ({mode.value})"] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def refuses_a_glyph(response) -> bool:
    if response.status_code != 422:
        return False
    body = response.json()
    return "cannot draw" in body.get("error", "") and str(body.get("field")).endswith(("slogan", "shirt"))
