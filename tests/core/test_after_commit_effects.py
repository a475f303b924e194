"""After-commit effects run once, in order, after the outermost commit; rollbacks (of savepoints too) drop them."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from core import unit_of_work
from core.extensions import db


class FakeQueue:
    """Stands in for a job queue: the effect a service would queue is ``enqueue``."""

    def __init__(self):
        self.jobs = []

    def enqueue(self, name, *args):
        self.jobs.append((name, *args))


def _touch():
    db.session.execute(sa.text("SELECT 1"))


def test_effects_run_after_the_commit_in_order_once(app):
    done = []
    with app.app_context():
        unit_of_work.after_commit(done.append, "first")
        unit_of_work.after_commit(done.append, "second")
        assert done == [] and len(unit_of_work.pending()) == 2
        db.session.commit()
        assert done == ["first", "second"]
        db.session.commit()
    assert done == ["first", "second"]


def test_a_rollback_drops_the_effects_and_a_closed_session_too(app):
    queue = FakeQueue()
    with app.app_context():
        unit_of_work.after_commit(queue.enqueue, "rebuild", 1)
        db.session.rollback()
        db.session.commit()
        unit_of_work.after_commit(queue.enqueue, "rebuild", 2)
        db.session.close()  # what the request teardown does with a transaction a view left open
        db.session.commit()
    assert queue.jobs == []


def test_a_rolled_back_savepoint_drops_only_its_own_effects(app):
    done = []
    with app.app_context():
        unit_of_work.after_commit(done.append, "outer before")
        savepoint = db.session.begin_nested()
        unit_of_work.after_commit(done.append, "inside the failed savepoint")
        savepoint.rollback()
        with db.session.begin_nested():
            unit_of_work.after_commit(done.append, "inside a released savepoint")
        assert done == []  # a released savepoint is not the outermost commit
        unit_of_work.after_commit(done.append, "outer after")
        db.session.commit()
    assert done == ["outer before", "inside a released savepoint", "outer after"]


def test_a_released_savepoint_still_rolls_back_with_the_outer_transaction(app):
    done = []
    with app.app_context():
        with db.session.begin_nested():
            unit_of_work.after_commit(done.append, "inside")
        db.session.rollback()
        db.session.commit()
    assert done == []


def test_collected_items_make_one_call_at_the_first_place(app):
    calls = []
    with app.app_context():
        unit_of_work.after_commit(calls.append, "before")
        unit_of_work.collect_after_commit(calls.append, "a")
        with db.session.begin_nested():
            unit_of_work.collect_after_commit(calls.append, "b")
        failed = db.session.begin_nested()
        unit_of_work.collect_after_commit(calls.append, "lost")
        failed.rollback()
        unit_of_work.after_commit(calls.append, "after")
        unit_of_work.collect_after_commit(calls.append, "a")
        db.session.commit()
    assert calls == ["before", ["a", "b"], "after"]


def test_a_failing_effect_is_logged_and_the_others_still_run(app, caplog):
    done = []

    def broken():
        _touch()
        raise OSError("disk full")

    with app.app_context(), caplog.at_level(logging.ERROR):
        unit_of_work.after_commit(broken, name="archive upload")
        unit_of_work.after_commit(done.append, "next")
        db.session.commit()
        _touch()  # the session is usable again
    assert done == ["next"]
    assert "archive upload after commit failed" in caplog.text and "disk full" in caplog.text


def test_an_effect_may_commit_and_what_it_queues_runs_after_the_due_ones(app):
    done = []

    def chained():
        done.append("chained")
        unit_of_work.after_commit(done.append, "queued by the effect")
        _touch()
        db.session.commit()

    with app.app_context():
        unit_of_work.after_commit(chained)
        unit_of_work.after_commit(done.append, "second")
        db.session.commit()
    assert done == ["chained", "second", "queued by the effect"]


def test_a_signal_is_sent_with_the_application_as_sender(app):
    from blinker import Namespace

    signal = Namespace().signal("test-signal")
    heard = []
    with app.app_context(), signal.connected_to(lambda sender, **kw: heard.append((sender, kw))):
        unit_of_work.send_after_commit(signal, item_id=7)
        assert heard == []
        db.session.commit()
    assert heard == [(app, {"item_id": 7})]
