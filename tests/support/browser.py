"""What browser tests do again and again: sign in through the form, open another person's tab."""

from __future__ import annotations

from tests.support.factories import UserMaker


def sign_in(tab, email: str, users: UserMaker | None = None, password: str = UserMaker.PASSWORD) -> None:
    """Sign in through the login form; with ``users``, answer the second step for a role that needs one."""
    tab.goto("/login")
    tab.fill("#email", email)
    tab.fill("#password", password)
    tab.locator("main button[type=submit]").click()
    if users is not None and tab.locator("#second-step").count():
        tab.fill("#code", users.code(email))
        tab.click("#second-step button[type=submit]")


def new_tab(browser, live_url: str, **context):
    """A page of its own browser context (another person, or a screen in the waiting room), in Indonesian."""
    return browser.new_context(base_url=live_url, locale="id-ID", **context).new_page()
