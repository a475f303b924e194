"""A standing order over a series: each new release is ordered under that day's rules — zero rupiah while the
institution is eligible, free delivered at once, paid invoiced with a billing code — pauses skip releases, a
retried job orders nothing twice, and finance sees the standing orders' revenue in the recap."""

from __future__ import annotations

import io
import json
from datetime import date

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from accounts.models import ConsumerProfile, Segment, User
from catalog import services as catalog_services
from core import clock
from core.extensions import db
from core.timefmt import local_zone
from orders.finance.recap import period_recap
from orders.models import Order, OrderState, TransactionKind
from orders.payments.local import signed_headers
from subscriptions import fanout, standing
from subscriptions.models import AlertEvent, StandingRelease

SECRET = "test-bank-secret"
MONTHS = ("Januari", "Februari", "Maret", "April")


def _release(app, items, editor, month: str, paid: bool = True) -> int:
    item_id = items.make(kind="publication", status="draft", subject="EKO.HRG", region="5271",
                         unit="Bidang Statistik Harga", title=f"Statistik Harga Produsen Kota Mataram {month} 2026",
                         access="paid" if paid else "free", tariff_kind="flat" if paid else "none",
                         tariff={"price": 150_000} if paid else {}, files={f"hp-{month}.pdf": b"%PDF-1.4 data"})
    with app.app_context():
        catalog_services.release_now(editor(), item_id)
        assert fanout.pending_events() >= 0
        db.session.execute(sa.update(AlertEvent).values(fanned_out_at=None))  # the job runs again: a retry
        db.session.commit()
        fanout.pending_events()
    return item_id


def _orders(app, user_id: int) -> list[Order]:
    with app.app_context():
        found = db.session.scalars(sa.select(Order).where(Order.user_id == user_id).order_by(Order.id)).all()
        for order in found:
            _ = order.invoice, list(order.lines)
        db.session.expunge_all()
        return found


def test_a_standing_order_over_releases_follows_the_rules_of_each_day(app, client, users, items, editor):
    app.config["STATDESK_BANK_CALLBACK_SECRET"] = SECRET
    first = items.make(kind="publication", status="released", subject="EKO.HRG", region="5271",
                       unit="Bidang Statistik Harga", title="Statistik Harga Produsen Kota Mataram Desember 2025",
                       access="paid", tariff_kind="flat", tariff={"price": 150_000})
    email = users.make("consumer", segment=Segment.ACADEMIC, institution="Universitas Mataram")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user_id = user.id
        plan = standing.create(user, first, non_commercial=True, purpose="Skripsi tentang harga produsen",
                               letter=FileStorage(io.BytesIO(b"%PDF-1.4 letter"), filename="surat.pdf"))
        plan_id = plan.id
    assert _orders(app, user_id) == []  # a standing order orders the releases to come, not the one before

    # 1: a paid product, the institution eligible and its claim free: zero rupiah, to review with the letter
    _release(app, items, editor, "Januari")
    # 2: free of charge that day: delivered at once
    _release(app, items, editor, "Februari", paid=False)
    # paused: the March release is not ordered
    with app.app_context():
        standing.change(db.session.get(User, user_id), plan_id, "pause")
    _release(app, items, editor, "Maret")
    with app.app_context():
        standing.change(db.session.get(User, user_id), plan_id, "resume")
        profile = db.session.scalar(sa.select(ConsumerProfile).where(ConsumerProfile.user_id == user_id))
        profile.segment = Segment.PRIVATE  # the consumer moved to a private firm: no longer eligible
        db.session.commit()
    # 3: paid, with an invoice and a billing code
    april = _release(app, items, editor, "April")

    orders = _orders(app, user_id)
    assert [o.kind for o in orders] == [TransactionKind.ZERO_RUPIAH, TransactionKind.FREE, TransactionKind.PAID]
    assert [o.state for o in orders] == [OrderState.PENDING_REVIEW, OrderState.DELIVERED,
                                         OrderState.AWAITING_PAYMENT]
    assert orders[0].letter_key and orders[0].total == 0
    paid = orders[2]
    assert paid.total == 150_000 and paid.invoice is not None and paid.invoice.billing_code
    assert [line.item_id for line in paid.lines] == [april]
    with app.app_context():
        outcomes = [r.outcome for r in db.session.scalars(sa.select(StandingRelease).order_by(StandingRelease.id))]
    assert outcomes == ["zero_rupiah", "free", "paused", "paid"]

    body = json.dumps({"billing_code": paid.invoice.billing_code, "amount": 150_000, "bank_reference": "BNI-9",
                       "ntpn": "0A1B2C3D4E5F6G7H", "paid_at": clock.now().isoformat()}).encode()
    response = client.post("/api/v1/payments/local/callback", data=body,
                           headers={**signed_headers(body, SECRET), "Content-Type": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        today = clock.now().astimezone(local_zone()).date()  # the office's day, not UTC's
        recap = period_recap(date(today.year, today.month, 1), today)
    assert (recap.standing_payments, recap.standing_revenue) == (1, 150_000)


def test_an_ended_standing_order_never_orders_again_and_others_cannot_touch_it(app, users, items, editor):
    first = items.make(kind="publication", status="released", subject="EKO.HRG", region="5271",
                       unit="Bidang Statistik Harga", title="Statistik Harga Produsen Kota Mataram Desember 2025")
    owner, stranger = users.make("consumer"), users.make("consumer")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == owner))
        user_id, plan_id = user.id, standing.create(user, first).id
        other = db.session.scalar(sa.select(User).where(User.email == stranger))
        import pytest

        from core.errors import Conflict, NotFound

        with pytest.raises(NotFound):
            standing.change(other, plan_id, "end")
        with pytest.raises(Conflict):
            standing.create(user, first)  # one standing order per series
        standing.change(user, plan_id, "end")
        with pytest.raises(Conflict):
            standing.change(user, plan_id, "resume")
    _release(app, items, editor, "Januari", paid=False)
    assert _orders(app, user_id) == []


def test_twenty_workers_placing_one_release_order_it_once(app, backend, users, items, editor):
    import pytest

    if backend != "postgresql":
        pytest.skip("PostgreSQL only: twenty transactions at the same moment")
    from tests.support.concurrency import run_together

    first = items.make(kind="publication", status="released", subject="EKO.HRG", region="5271",
                       unit="Bidang Statistik Harga", title="Statistik Harga Produsen Kota Mataram Desember 2025",
                       access="paid", tariff_kind="flat", tariff={"price": 150_000})
    email = users.make("consumer")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user_id = user.id
        standing.create(user, first)
    item_id = items.make(kind="publication", status="released", subject="EKO.HRG", region="5271",
                         unit="Bidang Statistik Harga", title="Statistik Harga Produsen Kota Mataram Januari 2026",
                         access="paid", tariff_kind="flat", tariff={"price": 150_000})

    def place(_):
        with app.app_context():
            return standing.place_for_release(item_id)

    assert sum(run_together(place)) == 1
    orders = _orders(app, user_id)
    assert len(orders) == 1 and orders[0].kind is TransactionKind.PAID and orders[0].invoice.billing_code
