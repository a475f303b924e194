"""A new administrator sets up the authenticator at the first sign-in, then signs in with a code: in Chromium."""

import pyotp
import pytest

from core import clock
from tests.support.factories import UserMaker

pytestmark = pytest.mark.browser


def _password(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", UserMaker.PASSWORD)
    page.locator("main button[type=submit]").click()


def test_first_sign_in_enrols_with_the_qr_code_and_the_next_asks_for_a_code(page, live_app):
    email = UserMaker(live_app).make("admin", second_factor=False, full_name="Ayu Admin")
    _password(page, email)
    page.wait_for_url("**/account/two-factor")
    assert page.locator("#qr-code").evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#manual-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#code", totp.at(clock.now()))
    page.click("#confirm-factor button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("#continue")
    page.wait_for_url("**/home/admin")

    page.locator("form[action='/logout'] button").click()
    _password(page, email)
    page.wait_for_url("**/login/two-factor")
    page.goto("/admin/users")
    assert page.url.endswith("/login/two-factor")
    page.fill("#code", totp.at(clock.now(), counter_offset=1))  # the enrolment used this step's code
    page.click("#second-step button[type=submit]")
    page.wait_for_url("**/home/admin")
