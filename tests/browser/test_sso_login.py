"""A person signs in with single sign-on on a standard provider's own pages (npm oidc-provider)."""

import json

import pytest

from tests.support import servers
from tests.support.standard_oidc import ACCOUNTS, running_standard_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def site_port():
    return servers.free_port()


@pytest.fixture
def idp(tmp_path, site_port):
    site = f"http://127.0.0.1:{site_port}"
    with running_standard_provider(tmp_path, [f"{site}/login/sso/office/callback"], [f"{site}/"],
                                   accounts=json.loads(json.dumps(ACCOUNTS))) as provider:
        yield provider


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=idp.setting())


@pytest.fixture
def live_url(live_app, site_port):
    with servers.live_server(live_app, port=site_port) as url:
        yield url


def keep_the_provider_pages_offline(page, idp):
    """The provider's development pages import a web font and ask for a favicon: answer both here.

    Nothing leaves the machine, and the page's console stays free of errors that are the
    provider's, not Statdesk's.
    """
    def answer(route):
        url = route.request.url
        if url.startswith(f"{idp.issuer}/favicon.ico") or not url.startswith("http://127.0.0.1:"):
            route.fulfill(status=200, body="", content_type="text/css" if "css" in url else "image/x-icon")
        else:
            route.continue_()

    page.route("**/*", answer)


def sign_in_at_the_provider(page, idp, login):
    keep_the_provider_pages_offline(page, idp)
    page.goto("/login")
    page.click("text=Kantor SSO")
    page.wait_for_selector("input[name=login]")
    assert page.url.startswith(idp.issuer)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.wait_for_selector("button[type=submit][autofocus]")  # the provider's consent page
    page.click("button[type=submit][autofocus]")


def test_sign_in_through_the_providers_login_page(page, live_url, idp):
    sign_in_at_the_provider(page, idp, "ani")
    page.wait_for_url(f"{live_url}/home/**")
    assert page.url == f"{live_url}/home/operator"  # the groups claim came from userinfo
    assert "Ani Petugas" in page.locator("h1").inner_text()
    assert page.statdesk_problems == []


def test_linking_an_existing_account_with_its_password(page, live_url, idp, users):
    users.make("consumer", email="budi@example.org", full_name="Budi Lokal")
    sign_in_at_the_provider(page, idp, "budi")
    page.wait_for_url(f"{live_url}/login/sso/link")
    page.fill("#sso-link-password", "salah-sekali")
    page.click("#link-account")
    assert "Kata sandi tidak benar" in page.locator("#sso-link-error").inner_text()
    assert page.statdesk_problems == ["Failed to load resource: the server responded with a status of 401 "
                                      "(UNAUTHORIZED)"]  # the refusal's own status, expected
    page.statdesk_problems.clear()
    page.fill("#sso-link-password", users.PASSWORD)
    page.click("#link-account")
    page.wait_for_url(f"{live_url}/home/**")
    assert page.url == f"{live_url}/home/consumer"
