"""Run by tests/core/test_suite_reports.py in a nested pytest under xdist, never collected by the suite:
one test skipped for a missing server and one browser test that passes, each on whichever worker."""

import pytest


def test_skipped_for_a_missing_server():
    pytest.skip("needs server: probe (nothing is missing; this checks the report)")


@pytest.mark.browser
def test_a_browser_test_that_passes():
    assert True


def test_an_ordinary_test_that_passes():
    assert True
