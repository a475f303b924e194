"""Console home: my work by due time with marks; team workload; access per role."""

import pytest
import sqlalchemy as sa

from consultation.models import RequestKind, Ticket
from core import clock
from core.extensions import db
from tests.consultation.helpers import open_request
from tests.support.roster import wib

MONDAY = (2026, 11, 23)


def test_my_work_is_ordered_by_due_time_with_marks(app, client, roster, users, login):
    operator = "ani@example.org"
    roster.operator(shifts=[(0, "08:00", "16:00", "data,complaint"), (1, "08:00", "16:00", "data,complaint")],
                    email=operator)
    consumer = users.make()
    with clock.frozen(wib(*MONDAY, 9)):
        overdue = open_request(app, consumer)  # a working day to answer: due Tuesday 09:00
    with clock.frozen(wib(*MONDAY, 14)):
        later = open_request(app, consumer)  # due Tuesday 14:00
    with clock.frozen(wib(*MONDAY, 15)):
        soon = open_request(app, consumer, RequestKind.COMPLAINT)  # four working hours: due Tuesday 11:00
    login(operator)
    with clock.frozen(wib(2026, 11, 24, 10)):
        html = client.get("/helpdesk/").get_data(as_text=True)
    assert html.index(overdue) < html.index(soon) < html.index(later)
    assert html.count('work-row overdue') == 1 and html.count('work-row due-soon') == 1
    assert "24-11-2026 09:00 WIB" in html  # local time, not UTC


def test_team_workload_counts_overdue_per_operator_and_unassigned(app, client, roster, users, login):
    roster.operator(name="Ani Operator")  # Mondays
    with clock.frozen(wib(*MONDAY, 9)):
        open_request(app, users.make())
    with clock.frozen(wib(2026, 11, 28, 9)):  # a Saturday: nobody on duty, the request waits unassigned
        open_request(app, users.make())
    login(users.make("supervisor"))
    with clock.frozen(wib(2026, 12, 1, 9)):
        html = client.get("/helpdesk/team").get_data(as_text=True)
    row = html[html.index("Ani Operator"):]
    assert "<td>1</td><td>1</td>" in row[:200]
    unassigned = html[html.index('id="unassigned"'):]
    assert "<td>1</td><td>1</td>" in unassigned[:300]
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
