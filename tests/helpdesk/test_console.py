"""Console home: my work by due time with marks; team workload; access per role."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import User
from consultation.models import Ticket
from core import clock
from core.extensions import db
from tests.consultation.helpers import open_request


def _assign(app, number, email, due_in, warn_in):
    with app.app_context():
        now = clock.now()
        operator_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        ticket.assignee_id = operator_id
        ticket.first_response_at = None
        ticket.response_due_at = now + due_in
        ticket.response_warn_at = now + warn_in
        db.session.commit()


def test_my_work_is_ordered_by_due_time_with_marks(app, client, users, login):
    operator = users.make("operator")
    consumer = users.make()
    later, overdue, soon = (open_request(app, consumer) for _ in range(3))
    _assign(app, later, operator, timedelta(days=3), timedelta(days=2))
    _assign(app, overdue, operator, timedelta(hours=-1), timedelta(hours=-2))
    _assign(app, soon, operator, timedelta(hours=2), timedelta(hours=-1))
    login(operator)
    html = client.get("/helpdesk/").get_data(as_text=True)
    assert html.index(overdue) < html.index(soon) < html.index(later)
    assert html.count('work-row overdue') == 1 and html.count('work-row due-soon') == 1


def test_team_workload_counts_overdue_per_operator(app, client, users, login):
    operator = users.make("operator", full_name="Ani Operator")
    number = open_request(app, users.make())
    _assign(app, number, operator, timedelta(hours=-1), timedelta(hours=-2))
    login(users.make("supervisor"))
    html = client.get("/helpdesk/team").get_data(as_text=True)
    row = html[html.index("Ani Operator"):]
    assert "<td>1</td>" in row[:200]
    assert "/roster/" in html


@pytest.mark.parametrize(("role", "console", "team"), [
    ("operator", 200, 403), ("supervisor", 200, 200), ("producer", 403, 403), ("finance", 403, 403),
    ("admin", 403, 403), ("consumer", 403, 403)])
def test_console_access_per_role(client, users, login, role, console, team):
    login(users.make(role))
    assert client.get("/helpdesk/").status_code == console
    assert client.get("/helpdesk/team").status_code == team


def test_console_sends_anonymous_to_login(client):
    for url in ("/helpdesk/", "/helpdesk/team"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_operator_takes_a_queued_request_once(app, client, users, login):
    from roster.models import WorkItem, WorkStatus
    from tests.support.roster import RosterMaker, wib

    roster = RosterMaker(app, users)
    with clock.frozen(wib(2026, 11, 22, 10)):  # a Sunday: nobody is on duty, so the request waits in the queue
        oki_id = roster.operator(email="oki-take@example.org")
        roster.operator(email="rina-take@example.org", shifts=((0, "08:00", "16:00", "metadata"),))
        number = open_request(app, users.make())
        with app.app_context():
            item = db.session.scalar(sa.select(WorkItem).where(WorkItem.status == WorkStatus.QUEUED))
            item_id = item.id
        login("rina-take@example.org")  # serves metadata only: not her queue
        assert client.post(f"/helpdesk/queue/{item_id}/take").status_code == 404
        client.post("/logout")
        login("oki-take@example.org")
        assert 'class="btn btn-sm btn-outline-primary take-item"' in client.get("/helpdesk/").get_data(as_text=True)
        assert client.post(f"/helpdesk/queue/{item_id}/take").status_code == 302
        assert client.post(f"/helpdesk/queue/{item_id}/take").status_code == 409
        with app.app_context():
            assert db.session.scalar(sa.select(Ticket.assignee_id).where(Ticket.number == number)) == oki_id
            assert db.session.get(WorkItem, item_id).status is WorkStatus.ASSIGNED
        assert number in client.get("/helpdesk/").get_data(as_text=True)
