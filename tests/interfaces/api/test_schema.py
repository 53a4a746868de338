"""Schemathesis against the served /openapi.json: generated requests, those that fit
the schema and those that do not, for every operation and with a valid key, never
get a 500. Bounded (a few examples per operation and mode) so it stays quick.

Driven through schemathesis's strategies and hypothesis directly rather than its
pytest loader (``schemathesis.pytest.from_fixture``), which fails under pytest 9
before generating anything."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from tests.interfaces.api.conftest import ApiWorld

pytestmark = pytest.mark.slow  # ~30-60 s on a busy 2-core machine

EXAMPLES = 8


def test_no_operation_answers_500(api: ApiWorld) -> None:
    schema = schemathesis.openapi.from_url(f"{api.base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        key = api.key("fuzz")  # a bucket of its own per operation: requests are refused for what they are
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                      derandomize=True, database=None)
            def no_server_error(case: schemathesis.Case) -> None:
                # Run at once below, in this iteration: the loop variables are the current ones.
                response = case.call(headers={"Authorization": f"Bearer {key}"}, timeout=60)  # noqa: B023
                statuses.setdefault(operation.label, set()).add(response.status_code)  # noqa: B023
                case.validate_response(response, checks=[not_a_server_error])

            try:
                no_server_error()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (e.g. /healthz takes no input)
    assert all(codes and max(codes) < 500 for codes in statuses.values()), statuses
    assert 200 in statuses["POST /v1/threads/{thread_id}/runs"]  # it got past validation, into real turns
