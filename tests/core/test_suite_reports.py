"""The suite's own reporting holds when it runs in parallel: under pytest-xdist the hooks in
tests/conftest.py see the workers' reports in the controller, so CI=true still fails a run in which a
test skipped for a missing server, and the browser-test count still counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "tests/support/xdist_probe.py"


def run_probe() -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", PROBE],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_under_xdist_ci_fails_on_a_skip_for_a_missing_server_and_counts_browser_tests(backend):
    if backend != "sqlite":
        pytest.skip("the reporting does not depend on the database; checked on the SQLite pass")
    run = run_probe()
    assert "2 workers [3 items]" in run.stdout, run.stdout + run.stderr
    assert run.returncode == 1, run.stdout
    assert "skipped for a missing server under CI=true (fails the run)" in run.stdout
    assert "xdist_probe.py::test_skipped_for_a_missing_server: Skipped: needs server: probe" in run.stdout
    assert "browser tests passed: 1" in run.stdout

