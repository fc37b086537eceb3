"""Every operation of the OpenAPI document, fuzzed from its own schema: never a 5xx.

Schemathesis generates requests from `/openapi.json` (valid ones and, with its negative mode,
invalid ones) and sends them to the real application in-process through ASGI, with a bounded
number of examples per operation so the run stays short.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies
from web_helpers import API_TOKEN

from bot.config import Settings
from bot.main import create_app

EXAMPLES_PER_OPERATION = 50

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(
    tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> schemathesis.BaseSchema:
    """The application's own OpenAPI document, bound to the application."""
    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            DATABASE_URL=f"sqlite:///{folder / 's3bot.db'}",
            MODELS_DIR=models_dir,
            ENVIRONMENT="test",
            API_TOKEN=API_TOKEN,
            RATE_LIMIT_PER_SENDER=0,
            RATE_LIMIT_PER_ADDRESS=0,
        )
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_operation_answers_a_server_error(api_schema: schemathesis.BaseSchema) -> None:
    calls: list[str] = []
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        strategy = strategies.one_of(*(operation.as_strategy(generation_mode=m) for m in modes))

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(params={**(case.query or {}), "token": API_TOKEN})
            calls.append(f"{case.method} {case.path}")
            assert response.status_code < 500, (case.method, case.path, response.text[:300])

        check()
    operations = {call for call in calls}
    print(f"{len(calls)} requests over {len(operations)} operations, none answered 5xx")
    assert len(operations) >= 5
