"""Real service calls: a rolled-back one sends no signal, e-mail or index update; a committed one sends each once.

The rollback is the one a request sees when the database refuses its commit: the
service's commit raises, and the request teardown closes the session.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog import services as catalog_services
from catalog import signals as catalog_signals
from catalog.models import Item, ReleaseStatus
from consultation.models import Status
from core import clock
from core.extensions import db
from core.models import OutboxMessage
from orders import signals as order_signals
from orders.models import Invoice, OrderState
from orders.payments.recording import record_payment
from roster import signals as roster_signals
from search_index.indexing import set_indexer
from tests.catalog.conftest import ItemMaker, RecordingIndexer
from tests.consultation.helpers import open_request, ticket
from tests.orders.conftest import Shop
from tests.support import orders_catalog
from tests.support.roster import RosterMaker, wib


class CommitRefused(RuntimeError):
    pass


@contextmanager
def refused_commits():
    """Every commit inside fails, as when the database refuses it; the session is then closed (teardown)."""

    def refuse(session):
        raise CommitRefused("the database refused the commit")

    sa.event.listen(Session, "before_commit", refuse)
    try:
        yield
    finally:
        sa.event.remove(Session, "before_commit", refuse)
        db.session.remove()


@pytest.fixture
def heard():
    seen = []

    def hear(name):
        return lambda sender, **payload: seen.append((name, payload))

    def assigned(sender, item, decision, actor):
        seen.append(("assigned", {"item_type": sender, "item_id": item.item_id, "assignee_id": item.assignee_id,
                              "outcome": decision.outcome.value}))

    receivers = [(catalog_signals.item_released, hear("released")),
                 (order_signals.order_state_changed, hear("order")),
                 (roster_signals.work_assigned, assigned)]
    for signal, receiver in receivers:
        signal.connect(receiver)
    yield seen
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.fixture
def indexer(app):
    recorder = RecordingIndexer()
    set_indexer(app, recorder)
    return recorder


def _mails(app) -> list[str]:
    with app.app_context():
        return [m.kind for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_releasing_a_catalog_item(app, users, heard, indexer):
    draft = ItemMaker(app).make(status="draft")
    admin_email = users.make("admin")
    with app.test_request_context():
        with refused_commits(), pytest.raises(CommitRefused):
            catalog_services.release_now(_user(admin_email), draft)
        assert db.session.get(Item, draft).status is ReleaseStatus.DRAFT
        assert heard == [] and indexer.applied == []
        catalog_services.release_now(_user(admin_email), draft)
    assert heard == [("released", {"item_id": draft})]
    assert [doc.key for doc in indexer.documents] == [str(draft)]


def test_paying_an_order(app, users, heard):
    orders_catalog.install(app)
    shop = Shop(app, users)
    [order_id] = shop.order(shop.consumer(), (orders_catalog.MAP, 1, {"region": "5203"}))
    heard.clear()
    mails = _mails(app)
    with app.app_context():
        def pay():
            return record_payment(invoice_query=sa.select(Invoice).where(Invoice.order_id == order_id),
                                  provider="local", reference="BNI-0001", amount=shop.invoice(order_id).amount,
                                  source="test")

        with refused_commits(), pytest.raises(CommitRefused):
            pay()
        assert heard == [] and _mails(app) == mails
        assert shop.get(order_id).state is OrderState.AWAITING_PAYMENT
        pay()
    assert [(name, p["event"], p["order_id"]) for name, p in heard] == [("order", "pay", order_id)]
    new_mails = _mails(app)[len(mails):]
    assert new_mails and len(new_mails) == len(set(new_mails))  # each e-mail once
    assert shop.get(order_id).state is not OrderState.AWAITING_PAYMENT


def test_assigning_a_consultation(app, users, heard):
    monday_9 = wib(2026, 11, 23, 9)
    operator_id = RosterMaker(app, users).operator()
    consumer = users.make(email="citra@example.org")
    mails = _mails(app)
    with clock.frozen(monday_9):
        with app.app_context(), refused_commits(), pytest.raises(CommitRefused):
            open_request(app, consumer)
        assert heard == [] and _mails(app) == mails
        number = open_request(app, consumer)
    with app.app_context():
        assert ticket(number).status is Status.ASSIGNED and ticket(number).assignee_id == operator_id
        ticket_id = str(ticket(number).id)
    assert heard == [("assigned", {"item_type": "consultation", "item_id": ticket_id, "assignee_id": operator_id,
                                    "outcome": "assigned"})]
    new_mails = _mails(app)[len(mails):]
    assert new_mails.count("assigned") == 1 and new_mails.count("received") == 1


def _user(email: str):
    from accounts.models import User

    return db.session.scalar(sa.select(User).where(User.email == email))
