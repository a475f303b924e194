"""A standard OpenID Connect provider for the tests: npm's ``oidc-provider`` on loopback.

``make oidc-deps`` installs it into ``tests/support/oidc/node_modules`` from the
committed lock file.  ``running_standard_provider`` writes a JSON config (clients,
accounts and their claims), starts ``tests/support/oidc/provider.mjs`` with node
and waits for its discovery document.  The provider is used as it ships: its own
development login and consent pages, and, because the code flow issues an access
token, every claim except ``sub`` only in the userinfo answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.support import servers

NODE_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "statdesk"
CLIENT_SECRET = "statdesk-standard-secret"
START_SECONDS = 30

# Accounts of the default set-up: claims as the provider's userinfo gives them.
ACCOUNTS = {
    "ani": {"email": "ani@kantor.example.org", "email_verified": True, "name": "Ani Petugas",
            "groups": ["statdesk-operators"]},
    "budi": {"email": "budi@example.org", "email_verified": True, "name": "Budi Warga", "groups": []},
    "eko": {"email": "eko@example.org", "email_verified": False, "name": "Eko"},
    "fajar": {"email": "fajar@example.org", "name": "Fajar Tanpa Konfirmasi"},  # asserts no email_verified
}


@dataclass
class StandardProvider:
    issuer: str
    config_path: Path
    config: dict

    def update_account(self, account_id: str, **claims) -> None:
        """Change what the provider says about a person from the next sign-in on."""
        self.config["accounts"].setdefault(account_id, {}).update(claims)
        self._write()

    def _write(self) -> None:
        self.config_path.write_text(json.dumps(self.config))

    def setting(self, **overrides) -> list[dict]:
        """``STATDESK_OIDC_PROVIDERS`` pointing at this provider."""
        entry = {"name": "office", "label": "Kantor SSO",
                 "discovery_url": f"{self.issuer}/.well-known/openid-configuration",
                 "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "roles_claim": "groups",
                 "scopes": "openid email profile groups",
                 "role_map": {"statdesk-operators": "operator", "statdesk-finance": "finance"}}
        return [entry | overrides]


def _requirements() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs server: node/oidc-provider (node is not installed; `make oidc-deps` installs it)")
    if not (NODE_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        pytest.skip("needs server: node/oidc-provider (not installed in tests/support/oidc; run `make oidc-deps`)")
    return node


def _wait_for_discovery(process: subprocess.Popen, issuer: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)  # polling interval, bounded by the deadline
    raise RuntimeError(f"oidc-provider did not answer within {START_SECONDS} s:\n{log.read_text()}")


@contextmanager
def running_standard_provider(workdir: Path, redirect_uris: list[str], post_logout_redirect_uris: list[str],
                              accounts: dict | None = None, port: int | None = None):
    """Start the provider with one confidential client; yields a ``StandardProvider``."""
    node = _requirements()
    port = port or servers.free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {"port": port, "accounts": json.loads(json.dumps(accounts or ACCOUNTS)),
              "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris,
                           "post_logout_redirect_uris": post_logout_redirect_uris,
                           "grant_types": ["authorization_code"], "response_types": ["code"]}]}
    provider = StandardProvider(issuer, workdir / "oidc-provider.json", config)
    provider._write()
    log = workdir / "oidc-provider.log"
    with log.open("w") as out:
        process = subprocess.Popen([node, str(NODE_DIR / "provider.mjs"), str(provider.config_path)],
                                   cwd=NODE_DIR, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_discovery(process, issuer, log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Form(HTMLParser):
    """The first form of a page: its action and hidden fields."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self._inside = attrs.get("action") or "", True
        elif tag == "input" and self._inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def sign_in_at_provider(authorize_url: str, login: str, callback_prefix: str) -> str:
    """Go through the provider's own login and consent pages; return the callback URL it sends back."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=60)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(callback_prefix):
                return location
            response = browser.get(location, allow_redirects=False, timeout=60)
            continue
        assert response.status_code == 200, response.text[:2000]
        form = _Form()
        form.feed(response.text)
        assert form.action is not None, response.text[:2000]
        data = dict(form.fields)
        if data.get("prompt") == "login":
            data |= {"login": login, "password": "any"}  # the development login page takes any password
        response = browser.post(urljoin(response.url, form.action), data=data, allow_redirects=False, timeout=60)
    raise AssertionError("the provider never sent the browser back")


CALLBACK = "http://localhost/login/sso/office/callback"


def sso_login(client, login: str = "budi"):
    """Sign in through the Flask test client and the standard provider; the callback's answer."""
    start = client.get("/login/sso/office")
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    callback = sign_in_at_provider(start.headers["Location"], login, CALLBACK)
    return client.get(callback.removeprefix("http://localhost"))
