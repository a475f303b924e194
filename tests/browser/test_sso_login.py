"""A person signs in with single sign-on, typing the password on the provider's own page."""

import pytest

from tests.support.oidc_provider import provider_setting, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def idp():
    # The callback host is only known once the site is served; registered in the test.
    with running_provider("http://placeholder/") as provider:
        yield provider


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=provider_setting(idp))


def test_sign_in_through_the_providers_login_page(page, live_url, idp):
    idp.clients["statdesk"].redirect_uris = [f"{live_url}/login/sso/office/callback"]
    page.goto("/login")
    page.click("text=Kantor SSO")
    page.wait_for_selector("#idp-username")
    assert page.url.startswith(idp.issuer)
    page.fill("#idp-username", "ani")
    page.fill("#idp-password", "ani-pass")
    page.click("#idp-submit")
    page.wait_for_url(f"{live_url}/home/**")
    assert page.url == f"{live_url}/home/operator"
    assert "Ani Petugas" in page.locator("h1").inner_text()
