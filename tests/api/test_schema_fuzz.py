"""schemathesis against /openapi.json of the real server: generated requests, valid and invalid, never get a
5xx, and every response matches the documented schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.helpers import start_api, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzzed_api(sample_index):
    proc, url = start_api(sample_index)
    yield url
    stop(proc)


OPERATIONS = [
    ("GET", "/health"), ("GET", "/documents"), ("POST", "/search"), ("POST", "/ask"), ("POST", "/ask/stream"),
    ("POST", "/feedback"), ("POST", "/documents"), ("DELETE", "/documents/{doc_id}"),
]


@pytest.fixture(scope="module", params=["utf-8", "any"])
def api_schema(fuzzed_api, request):
    schema = schemathesis.openapi.from_url(f"{fuzzed_api}/openapi.json")
    # "any": strings from every code point Hypothesis draws, not only what UTF-8 encodes cleanly; NUL included.
    schema.config.generation.update(allow_x00=True, codec=None if request.param == "any" else "utf-8")
    return schema


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_no_5xx_and_responses_match_the_schema(api_schema, method, path):
    operation = api_schema[path][method]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def check(case):
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance], timeout=60)

    check()
