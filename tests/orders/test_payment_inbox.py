"""Payment callbacks are kept by the request and processed once by a worker (``orders.payments.inbox``)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.models import AuditEntry
from orders.models import InvoiceStatus, OrderState, Payment, ProviderEvent
from tests.orders.conftest import callback_body, post_callback
from tests.support.concurrency import THREADS, run_together
from tests.support.orders_catalog import MAP


@pytest.fixture
def queued(app):
    """The site on a Redis queue of its own, with no worker running until the test starts one."""
    from redis import Redis

    from tests.support import servers

    url, queue = servers.redis_url(), f"statdesk-payments-{uuid.uuid4().hex[:8]}"
    app.config.update(STATDESK_REDIS_URL=url, STATDESK_JOB_QUEUE=queue)
    connection = Redis.from_url(url)
    try:
        yield connection
    finally:
        for key in connection.scan_iter(f"*{queue}*"):
            connection.delete(key)


def _work(app, connection) -> str:
    """Run the queued jobs in this process as an RQ worker; the worker's name."""
    from core.jobs import run_worker

    name = f"test-worker-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        run_worker(app, connection, burst=True, name=name)
    return name


def _queue_length(app, connection) -> int:
    from core.jobs import job_queue

    return job_queue(app, connection).count


def _event(app) -> ProviderEvent:
    with app.app_context():
        return db.session.scalars(sa.select(ProviderEvent)).one()


def _payments(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Payment))


@pytest.fixture
def unpaid(shop):
    [order_id] = shop.order(shop.consumer(), (MAP, 1, {"region": "5203"}))
    return order_id


def test_a_callback_is_kept_and_answered_while_no_worker_runs_and_the_worker_pays_it(
        app, client, shop, unpaid, queued):
    invoice = shop.invoice(unpaid)
    answer = post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q1"))
    assert answer.status_code == 200 and answer.json["status"] == "received"
    assert shop.invoice(unpaid).status is InvoiceStatus.OPEN and _payments(app) == 0
    assert (_event(app).status, _queue_length(app, queued)) == ("received", 1)

    name = _work(app, queued)

    event = _event(app)
    assert (event.status, event.outcome, event.processed_by) == ("processed", "recorded", name)
    assert shop.invoice(unpaid).status is InvoiceStatus.PAID and shop.get(unpaid).state is OrderState.DELIVERED
    assert _payments(app) == 1


def test_the_consumer_sees_the_payment_being_processed_until_the_worker_is_done(
        app, client, shop, unpaid, queued, login):
    invoice = shop.invoice(unpaid)
    post_callback(app.test_client(), callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q2"))
    with app.app_context():
        from orders.models import Order

        login(db.session.get(Order, unpaid).user.email)
    assert client.get(f"/orders/{unpaid}/status.json").json["payment_processing"] is True
    assert 'id="payment-processing"' in client.get(f"/orders/{unpaid}").get_data(as_text=True)

    _work(app, queued)

    status = client.get(f"/orders/{unpaid}/status.json").json
    assert (status["payment_processing"], status["paid"]) == (False, True)
    assert 'id="payment-processing"' not in client.get(f"/orders/{unpaid}").get_data(as_text=True)


def test_a_job_run_twice_records_the_payment_once(app, client, shop, unpaid, queued):
    from orders.payments.inbox import process_event

    invoice = shop.invoice(unpaid)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q3"))
    event_id = _event(app).id
    with app.app_context():
        assert process_event(event_id) == "recorded"
        assert process_event(event_id) == "skipped"
    _work(app, queued)  # the queued job runs a third time
    assert _payments(app) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "invoice.pay")) == 1


def test_the_sweep_queues_again_a_callback_whose_job_was_lost(app, client, shop, unpaid, queued):
    from core.jobs import job_queue
    from orders.payments.inbox import retry_unprocessed

    invoice = shop.invoice(unpaid)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q4"))
    job_queue(app, queued).empty()  # the worker took it and died with it, or Redis lost it
    with app.app_context():
        assert retry_unprocessed() == 0  # too young: its job may still be on its way
        with clock.frozen(clock.now() + timedelta(seconds=app.config["STATDESK_PAYMENT_RETRY_SECONDS"] + 1)):
            assert retry_unprocessed() == 1
    assert _queue_length(app, queued) == 1

    _work(app, queued)

    assert _event(app).status == "processed" and shop.invoice(unpaid).status is InvoiceStatus.PAID


def test_a_refusal_found_by_the_worker_is_kept_on_the_event_and_audited(app, client, shop, unpaid, queued):
    from orders import workflow

    invoice = shop.invoice(unpaid)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q5"))
    with app.app_context():
        from orders.models import Order

        order = db.session.get(Order, unpaid)
        workflow.cancel(order, order.user)  # before the worker gets to it

    _work(app, queued)

    assert (_event(app).status, _event(app).outcome) == ("refused", "invoice_cancelled")
    assert _payments(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "payment.reject")) \
            ["reason"] == "invoice_cancelled"


def test_a_second_payment_waiting_under_another_reference_is_refused_at_once(app, client, shop, unpaid, queued):
    invoice = shop.invoice(unpaid)
    first = post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-A"))
    second = post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-B"))
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json["reason"] == "already_paid"


@pytest.mark.postgresql_only
def test_twenty_simultaneous_runs_of_one_job_record_one_payment(app, client, shop, unpaid, queued, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    from orders.payments.inbox import process_event

    invoice = shop.invoice(unpaid)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q6"))
    event_id = _event(app).id

    def run(_):
        with app.app_context():
            return process_event(event_id)

    outcomes = run_together(run)
    assert sorted(outcomes) == ["recorded"] + ["skipped"] * (THREADS - 1)
    assert _payments(app) == 1 and shop.get(unpaid).state is OrderState.DELIVERED


@pytest.mark.postgresql_only
def test_twenty_simultaneous_callbacks_then_the_worker_record_one_payment(app, shop, unpaid, queued, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    invoice = shop.invoice(unpaid)
    body = callback_body(invoice.billing_code, invoice.amount, reference="BNI-Q7")
    statuses = run_together(lambda i: post_callback(app.test_client(), body).json["status"])
    assert sorted(statuses) == ["duplicate"] * (THREADS - 1) + ["received"]
    _work(app, queued)
    assert _payments(app) == 1 and _event(app).status == "processed"
