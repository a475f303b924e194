"""The inbox of payment callbacks: kept raw by the request, processed once by a job.

The bank callback and the Stripe webhook verify the signature, then ``receive`` the
verified body as a ``ProviderEvent`` (unique per provider and event id, so a replay or a
second delivery is recognised and answered as a duplicate), commit and answer the
provider at once.  The effect (the invoice paid, the order cleared, the receipt, the
delivery and the e-mails: all of ``record_payment``) is the job ``process_event``:

- with ``STATDESK_REDIS_URL`` it is queued for a worker (``core.jobs.enqueue``, after the
  commit, carrying the request id);
- without it (development, tests) it runs right after the commit, in the same process;
- the sweep ``orders.payment-inbox`` (``retry_unprocessed``) takes every event still
  ``received`` after ``STATDESK_PAYMENT_RETRY_SECONDS`` (a worker killed mid-job, Redis
  down when it was queued) and queues it again, or runs it when there is no Redis.

A job locks its event's row, returns at once when the event is no longer ``received``,
and commits the effect together with the ``processed`` mark and the name of whoever ran
it, so a job run twice, or twenty at once, has its effect once (``record_payment`` is
idempotent per reference besides).  A refusal that only the job can see (the invoice
was cancelled between receipt and processing) marks the event ``refused`` with its
reason, and is audited as the request's refusals are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core import audit, clock, jobs, logs, unit_of_work
from core.extensions import db
from orders.models import Invoice, InvoiceStatus, ProviderEvent
from orders.payments.recording import PaymentProblem, reason_of

RECEIVED, PROCESSED, REFUSED = "received", "processed", "refused"
RETRY_BATCH = 200  # events queued again per sweep; the next round takes the rest

log = logging.getLogger(__name__)


def receive(provider: str, event_id: str, event_type: str, body: str,
            invoice_id: int | None = None) -> tuple[ProviderEvent, bool]:
    """Store a verified callback and commit, queueing its processing; ``(event, True)``.

    A callback already stored under this provider and event id is not stored again:
    ``(the stored event, False)``.
    """
    event = ProviderEvent(provider=provider, event_id=event_id, event_type=event_type, body=body,
                          invoice_id=invoice_id, status=RECEIVED, received_at=clock.now(),
                          request_id=logs.current_request_id()[:64])
    db.session.add(event)
    try:
        db.session.flush()
        unit_of_work.after_commit(hand_over, event.id)
        db.session.commit()  # a concurrent delivery of the same event may commit first
    except sa.exc.IntegrityError:
        db.session.rollback()
        return stored(provider, event_id), False
    return event, True


def stored(provider: str, event_id: str) -> ProviderEvent | None:
    return db.session.scalar(sa.select(ProviderEvent).where(ProviderEvent.provider == provider,
                                                            ProviderEvent.event_id == event_id))


def hand_over(event_id: int) -> None:
    """Queue the event's processing for a worker; without a queue, process it now."""
    if current_app.config["STATDESK_REDIS_URL"]:
        jobs.enqueue(process_event, event_id)
    else:
        process_event(event_id)


def _handler(provider: str) -> Callable[[ProviderEvent], str]:
    if provider == "local":
        from orders.payments.local import apply_event
    else:
        from orders.payments.stripe_provider import apply_event
    return apply_event


def process_event(event_id: int) -> str:
    """The job: apply one received event's effect and mark it, in one transaction; its outcome.

    ``skipped`` when the event was processed (or refused) already, by this job's earlier
    run or by another.
    """
    app = current_app._get_current_object()
    with app.app_context():  # a session of its own, whether a worker or a request's after-commit runs it
        event = _locked(event_id)
        if event is None or event.status != RECEIVED:
            db.session.rollback()
            return "skipped"
        try:
            outcome = _handler(event.provider)(event)
        except PaymentProblem as problem:
            return _refuse(event_id, problem)
        _mark(event, PROCESSED, outcome)
        db.session.commit()
        log.info("payment event processed", extra={"event": event_id, "outcome": outcome})
        return outcome


def _locked(event_id: int) -> ProviderEvent | None:
    return db.session.scalars(sa.select(ProviderEvent).where(ProviderEvent.id == event_id).with_for_update()
                              .execution_options(populate_existing=True)).first()


def _mark(event: ProviderEvent, status: str, outcome: str) -> None:
    event.status, event.outcome = status, outcome[:40]
    event.attempts += 1
    event.processed_at = clock.now()
    event.processed_by = jobs.current_runner()[:120]


def _refuse(event_id: int, problem: PaymentProblem) -> str:
    """Undo the refused effect, then mark the event refused and audit the refusal."""
    db.session.rollback()
    event = _locked(event_id)
    if event is None or event.status != RECEIVED:
        db.session.rollback()
        return "skipped"
    _mark(event, REFUSED, reason_of(problem))
    audit.record("payment.reject", ("Invoice", event.invoice_id or event.event_id), None,
                 reason=reason_of(problem), status=problem.status, provider=event.provider, event=event.event_id)
    db.session.commit()
    log.warning("payment event refused", extra={"event": event_id, "outcome": reason_of(problem)})
    return "refused"


def retry_unprocessed() -> int:
    """The sweep: hand over again every event left ``received`` for longer than the retry delay."""
    delay = timedelta(seconds=current_app.config["STATDESK_PAYMENT_RETRY_SECONDS"])
    ids = db.session.scalars(sa.select(ProviderEvent.id)
                             .where(ProviderEvent.status == RECEIVED, ProviderEvent.received_at <= clock.now() - delay)
                             .order_by(ProviderEvent.id).limit(RETRY_BATCH)).all()
    db.session.rollback()
    for event_id in ids:
        log.warning("payment event handed over again", extra={"event": event_id})
        hand_over(event_id)
    return len(ids)


def waiting_for(invoice_id: int) -> list[ProviderEvent]:
    """The received, unprocessed payment reports of an invoice."""
    return list(db.session.scalars(sa.select(ProviderEvent).where(ProviderEvent.invoice_id == invoice_id,
                                                                  ProviderEvent.status == RECEIVED)))


def being_processed(invoice: Invoice | None) -> bool:
    """Whether a payment of this open invoice has been received and waits for its processing."""
    if invoice is None or invoice.status is not InvoiceStatus.OPEN:
        return False
    return db.session.scalar(sa.select(sa.literal(True)).where(
        ProviderEvent.invoice_id == invoice.id, ProviderEvent.status == RECEIVED).limit(1)) is not None
