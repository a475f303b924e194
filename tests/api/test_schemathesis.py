"""Every operation of ``/api/v1/openapi.json`` fuzzed by schemathesis against the application (in process):
no answer is a server error, and every answer matches its documented status, media type and schema.

Consumer operations run with a token holding every scope, so they are exercised past the 401; examples
are bounded (``MAX_EXAMPLES`` per operation) to keep the pass short.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

MAX_EXAMPLES = 12


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_answers_within_its_schema(app, catalog, users, token_for):
    # Not schemathesis' pytest plugin (it does not load under pytest 9): each operation's strategy is run
    # through hypothesis here, with the same checks.
    headers = bearer(token_for(users.make()))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
