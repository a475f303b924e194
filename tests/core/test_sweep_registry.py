"""Packages register periodic sweeps; the dev server's timer and `flask sweep` run them."""

import threading

from core.cli import register_sweep, registered_sweeps
from core.web import start_background_sweeps


def test_the_timer_runs_registered_sweeps_after_the_given_ones(app):
    ran, done = [], threading.Event()

    def given():
        ran.append("given")

    def registered():
        ran.append("registered")
        done.set()

    register_sweep(app, registered)
    thread = start_background_sweeps(app, [given], interval_seconds=0.01)
    try:
        assert done.wait(5)
    finally:
        thread.stop.set()
        thread.join(5)
    assert ran[:2] == ["given", "registered"]


def test_the_packages_register_their_sweeps(app):
    names = {sweep.__name__ for sweep in registered_sweeps(app)}
    assert {"drain_queue_sweep", "run_sweep"} <= names
