"""The outbox: written with the change that caused it, delivered after commit, retried on failure."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.mail import DeliveryError, HeldTransport, MemoryTransport, SMTPTransport, build_message
from core.models import OutboxMessage, OutboxStatus
from core.outbox import backoff, deliver_due, queue_email
from tests.support import servers

T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


def _queue(app, recipient="reader@example.org", commit=True):
    with app.app_context(), app.test_request_context():
        queue_email(recipient, "accounts/email/password_changed", locale="en",
                    user=type("U", (), {"full_name": "Reader"})())
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


class FailingTransport:
    keeps_messages = False

    def __init__(self, failures: int):
        self.failures, self.sent = failures, []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise DeliveryError("421 try later")
        self.sent.append(message)


def test_a_rolled_back_change_leaves_no_message(app, outbox):
    _queue(app, commit=False)
    assert outbox() == []


def test_without_smtp_messages_are_held_for_the_admin_page(app, outbox):
    _queue(app)
    with app.app_context():
        assert deliver_due(HeldTransport())["held"] == 1
    assert outbox()[0].status is OutboxStatus.HELD


def test_messages_reach_a_real_smtp_server(app, outbox):
    _queue(app, "smtp-reader@example.org")
    with servers.smtp_server() as (port, received), app.app_context():
        counts = deliver_due(SMTPTransport("127.0.0.1", port))
    assert counts["sent"] == 1
    assert received[0]["To"] == "smtp-reader@example.org"
    assert received[0]["Subject"] == "Your password was changed"
    assert outbox()[0].status is OutboxStatus.SENT


def test_smtp_failure_is_retried_with_growing_back_off(app, outbox):
    transport = FailingTransport(failures=2)
    with clock.frozen(T0), app.app_context():
        _queue(app)
        assert deliver_due(transport)["retried"] == 1
        assert deliver_due(transport) == {"sent": 0, "retried": 0, "failed": 0, "held": 0}  # not due yet
        clock.advance(backoff(1))
        assert deliver_due(transport)["retried"] == 1
        assert outbox()[0].next_attempt_at == clock.now() + backoff(2)
        clock.advance(backoff(2))
        assert deliver_due(transport)["sent"] == 1
    assert len(transport.sent) == 1
    assert outbox()[0].attempts == 3


def test_back_off_doubles_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert backoff(30) == timedelta(hours=6)


def test_a_message_fails_for_good_after_the_last_attempt(app, outbox):
    app.config["STATDESK_OUTBOX_MAX_ATTEMPTS"] = 2
    transport = FailingTransport(failures=5)
    with clock.frozen(T0), app.app_context():
        _queue(app)
        deliver_due(transport)
        clock.advance(timedelta(hours=1))
        assert deliver_due(transport)["failed"] == 1
    assert outbox()[0].status is OutboxStatus.FAILED
    assert "421" in outbox()[0].last_error


def test_unreachable_smtp_server_is_a_retry_not_a_crash(app, outbox):
    _queue(app)
    with app.app_context():
        counts = deliver_due(SMTPTransport("127.0.0.1", servers.free_port(), timeout=2))
    assert counts["retried"] == 1
    assert outbox()[0].status is OutboxStatus.PENDING


@pytest.mark.postgresql_only
def test_two_sweeps_at_once_send_each_message_once(app, backend):
    if backend != "postgresql":
        pytest.skip("row locking (SKIP LOCKED) runs on the PostgreSQL pass")
    for n in range(20):
        _queue(app, f"reader{n}@example.org")
    transport = MemoryTransport()
    barrier = threading.Barrier(2)

    def sweep():
        with app.app_context():
            barrier.wait()
            deliver_due(transport)
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = [m["To"] for m in transport.sent]
    assert sorted(recipients) == sorted(f"reader{n}@example.org" for n in range(20))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.SENT)) == 20


def test_memory_smtp_and_held_transports_share_one_interface():
    message = build_message("a@example.org", "b@example.org", "Hi", "text", "<p>html</p>")
    memory = MemoryTransport()
    memory.send(message)
    assert memory.sent == [message]
    assert HeldTransport.keeps_messages and not MemoryTransport.keeps_messages and not SMTPTransport.keeps_messages
    with servers.smtp_server() as (port, received):
        SMTPTransport("127.0.0.1", port).send(message)
    assert received[0]["Subject"] == "Hi"
