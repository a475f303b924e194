"""Fixtures of the accounts tests: the standard OpenID Connect provider on loopback.

``idp`` is npm's ``oidc-provider`` (one process per test module), its accounts put
back to ``ACCOUNTS`` before every test; a module that needs a provider answering
what a standard one never does overrides ``idp`` with the fake of
``tests/support/oidc_provider.py``.
"""

import json

import pytest

from tests.support.standard_oidc import ACCOUNTS, CALLBACK, running_standard_provider


@pytest.fixture(scope="module")
def idp_server(tmp_path_factory):
    with running_standard_provider(tmp_path_factory.mktemp("oidc"), [CALLBACK], ["http://localhost/"]) as provider:
        yield provider


@pytest.fixture
def idp(idp_server):
    idp_server.config["accounts"] = json.loads(json.dumps(ACCOUNTS))
    idp_server.update_account("budi")
    return idp_server
