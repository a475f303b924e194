"""A microdata order's review is routed work: on the work list with a deadline, reminded, and decided by
approve, reject or a revision, the consumer told at each step."""

import sqlalchemy as sa

from core import clock
from core.extensions import db
from orders import review, workflow
from orders.models import OrderState
from roster.models import WorkItem, WorkStatus
from roster.reminders import reminder_sweep
from tests.orders.conftest import upload
from tests.support.orders_catalog import MICRODATA
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)


def _review_item(app, order_id) -> WorkItem:
    with app.app_context():
        return db.session.scalar(sa.select(WorkItem).where(WorkItem.item_type == review.ITEM_TYPE,
                                                          WorkItem.item_id == str(order_id)))


def _as(app, email):
    from accounts.models import User

    return db.session.scalar(sa.select(User).where(User.email == email))


def _order(app, order_id):
    with app.app_context():
        from orders.models import Order

        return db.session.get(Order, order_id)


def test_the_review_is_routed_shown_with_its_deadline_reminded_and_approved(app, shop, roster, client, login,
                                                                            outbox):
    roster.operator(email="rev@example.org", shifts=[(0, "08:00", "16:00", "review"), (1, "08:00", "16:00", "review")])
    email = shop.consumer()
    with clock.frozen(MONDAY_9):
        [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    item = _review_item(app, order_id)
    assert item.status is WorkStatus.ASSIGNED and item.due_at == wib(2026, 11, 24, 9)  # one working day
    login("rev@example.org")
    with clock.frozen(wib(2026, 11, 23, 10)):
        listing = client.get("/helpdesk/").get_data(as_text=True)
        assert f"/desk/orders/{order_id}" in listing and "24-11-2026 09:00 WIB" in listing
        desk = client.get(f"/desk/orders/{order_id}").get_data(as_text=True)
        assert 'id="abstract-preview"' in desk
        preview = client.get(f"/desk/orders/{order_id}/document/abstract?view=1")
    assert preview.mimetype == "application/pdf" and "inline" in preview.headers["Content-Disposition"]
    assert ".pdf" in preview.headers["Content-Disposition"] and "sandbox" in preview.headers["Content-Security-Policy"]
    with clock.frozen(wib(2026, 11, 23, 15)), app.app_context():  # 75 % of the working day
        assert reminder_sweep() == 1
        assert reminder_sweep() == 0
    reminders = [m for m in outbox() if m.kind == "work_reminder"]
    assert [m.recipient for m in reminders] == ["rev@example.org"]
    with clock.frozen(wib(2026, 11, 23, 15, 30)), app.app_context():
        workflow.approve(workflow.order_for(_as(app, "rev@example.org"), order_id, staff_view=True),
                         _as(app, "rev@example.org"))
    assert _review_item(app, order_id).status is WorkStatus.DONE
    assert _order(app, order_id).state is OrderState.AWAITING_PAYMENT


def test_a_revision_pauses_the_clock_tells_the_consumer_and_comes_back_to_the_reviewer(app, shop, roster, client,
                                                                                      login, outbox):
    reviewer = roster.operator(email="rev@example.org",
                               shifts=[(0, "08:00", "16:00", "review"), (1, "08:00", "16:00", "review")])
    email = shop.consumer()
    with clock.frozen(MONDAY_9):
        [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    login("rev@example.org")
    with clock.frozen(wib(2026, 11, 23, 10)):
        response = client.post(f"/desk/orders/{order_id}/revision",
                               data={"reason": "Sebutkan judul penelitian dan variabel yang dianalisis."})
    assert response.status_code == 302
    assert _order(app, order_id).state is OrderState.AWAITING_REVISION
    item = _review_item(app, order_id)
    assert item.due_at is None and item.assignee_id == reviewer  # paused, still with the reviewer
    notice = [m for m in outbox() if m.kind == "order_revision"]
    assert len(notice) == 1 and notice[0].recipient == email
    with clock.frozen(wib(2026, 11, 30, 9)), app.app_context():
        assert reminder_sweep() == 0  # nothing runs while the consumer has it
    client.post("/logout")
    login(email)
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "Sebutkan judul penelitian" in page and 'id="revision"' in page
    with clock.frozen(wib(2026, 11, 24, 9)):
        sent = client.post(f"/orders/{order_id}/revision",
                           data={"abstract": (upload("abstrak-2.pdf", b"%PDF-1.4 revised").stream, "abstrak-2.pdf")})
    assert sent.status_code == 302
    assert _order(app, order_id).state is OrderState.PENDING_REVIEW
    item = _review_item(app, order_id)
    assert item.assignee_id == reviewer and item.due_at == wib(2026, 11, 25, 9)  # a fresh working day


def test_a_rejection_ends_the_review_and_the_consumer_reads_why(app, shop, roster, outbox):
    roster.operator(email="rev@example.org", shifts=[(0, "08:00", "16:00", "review")])
    email = shop.consumer()
    with clock.frozen(MONDAY_9):
        [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
        with app.app_context():
            staff = _as(app, "rev@example.org")
            workflow.reject(workflow.order_for(staff, order_id, staff_view=True), staff,
                            "Abstraknya tidak menjelaskan tujuan penggunaan data.")
    assert _review_item(app, order_id).status is WorkStatus.DONE
    assert [m.recipient for m in outbox() if m.kind == "order_rejected"] == [email]
