"""Rate limits per token (or per address without one): a token that used up its minute gets 429 problem
documents with ``Retry-After``, while another token from the same address still gets answers."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer


@pytest.fixture
def app_config(app_config):
    return dict(app_config, RATELIMIT_ENABLED=True, STATDESK_API_RATE="5/minute")


def test_each_token_has_its_own_limit(client, users, token_for):
    email = users.make()
    busy, quiet = token_for(email), token_for(email)
    allowed = 5
    statuses = [client.get("/api/v1/faq?per_page=1", headers=bearer(busy)).status_code for _ in range(allowed)]
    assert statuses[:allowed] == [200] * allowed
    refused = client.get("/api/v1/faq?per_page=1", headers=bearer(busy))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"]
    assert client.get("/api/v1/faq?per_page=1", headers=bearer(quiet)).status_code == 200
