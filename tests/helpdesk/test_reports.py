"""Supervisor reports against figures worked out by hand from fixed data, with the clock frozen."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from accounts.models import User
from consultation.models import SCORE_COLUMNS, Rating, RequestKind, Status, Ticket
from core import clock
from core.extensions import db
from tests.consultation.helpers import open_request

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def at(month, day, hour):
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def data(app, users):
    consumer = users.make()
    ana, budi = users.make("operator", full_name="Ana"), users.make("operator", full_name="Budi")
    # name: kind, submitted, response due, first response, resolution due, resolved, status, operator
    plan = {
        "t1": (RequestKind.DATA, at(10, 5, 2), at(10, 5, 9), at(10, 5, 5), at(10, 10, 2), at(10, 8, 2),
               Status.RESOLVED, ana),
        "t2": (RequestKind.DATA, at(10, 6, 2), at(10, 6, 4), at(10, 6, 8), at(10, 9, 2), None, Status.ANSWERED, budi),
        "t3": (RequestKind.COMPLAINT, at(10, 20, 3), at(10, 20, 7), at(10, 20, 4), at(10, 25, 3), at(10, 24, 3),
               Status.CLOSED, ana),
        "t4": (RequestKind.METADATA, at(9, 28, 2), at(9, 28, 9), None, at(10, 3, 2), None, Status.ASSIGNED, budi),
        "t5": (RequestKind.CLASSIFICATION, at(10, 30, 2), at(11, 5, 2), None, at(11, 9, 2), None, Status.ASSIGNED,
               ana),
    }
    numbers = {}
    for name, (kind, *_rest) in plan.items():
        numbers[name] = open_request(app, consumer, kind=kind)
    with app.app_context():
        ids = {email: db.session.scalar(sa.select(User.id).where(User.email == email)) for email in (ana, budi)}
        rater = db.session.scalar(sa.select(User.id).where(User.email == consumer))
        for name, (_kind, submitted, response_due, responded, resolution_due, resolved, status, who) in plan.items():
            ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == numbers[name]))
            ticket.submitted_at, ticket.response_due_at, ticket.first_response_at = submitted, response_due, responded
            ticket.resolution_due_at, ticket.resolved_at, ticket.status = resolution_due, resolved, status
            ticket.assignee_id = ids[who]
            scores = {"t1": [4] * 9, "t3": [3] * 9, "t2": [1] * 9}.get(name)
            if scores:
                given = {"t1": at(10, 9, 3), "t3": at(10, 26, 3), "t2": at(10, 31, 18)}[name]  # t2: 1 Nov local
                db.session.add(Rating(ticket_id=ticket.id, rater_id=rater, created_at=given,
                                      **dict(zip(SCORE_COLUMNS, scores, strict=True))))
        db.session.commit()
    return {"ana": ana, "budi": budi}


@pytest.fixture
def supervisor(client, users, login):
    login(users.make("supervisor"))
    return client


def table(client, name, **args) -> list[dict]:
    with clock.frozen(NOW):
        response = client.get(f"/helpdesk/reports/{name}.csv", query_string={**OCTOBER, **args})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# the kinds as the Indonesian reader sees them (rows are labelled, never a stored code)
DATA, COMPLAINT = "Konsultasi data", "Pengaduan"
METADATA, CLASSIFICATION = "Metadata dan rekomendasi kegiatan statistik", "Klasifikasi statistik (KBLI/KBJI)"


def test_sla_compliance_by_kind_and_by_operator(data, supervisor):
    rows = {row["kind"]: row for row in table(supervisor, "sla")}
    assert rows[DATA] == {"kind": DATA, "requests": "2", "response_met": "1", "response_missed": "1",
                          "response_met_percent": "50.0", "resolution_met": "1", "resolution_missed": "1",
                          "resolution_met_percent": "50.0"}
    assert rows[COMPLAINT]["response_met_percent"] == "100.0" and rows[COMPLAINT]["resolution_met"] == "1"
    assert rows[CLASSIFICATION]["requests"] == "1"  # its clocks still run: neither kept nor missed
    assert rows[CLASSIFICATION]["response_met_percent"] == "" and rows[METADATA]["requests"] == "0"
    # per operator: Ana kept t1 and t3 (t5 still runs); Budi missed t2's first response
    assert rows["Ana"]["response_met"] == "2" and rows["Ana"]["response_met_percent"] == "100.0"
    assert rows["Budi"]["response_missed"] == "1" and rows["Budi"]["requests"] == "1"


def test_backlog_by_kind_and_age(data, supervisor):
    rows = {row["kind"]: row for row in table(supervisor, "backlog")}
    assert rows[DATA]["> 7 d"] == "1" and rows[METADATA]["> 7 d"] == "1"
    assert rows[CLASSIFICATION]["1-3 d"] == "1"
    assert sum(int(v) for row in rows.values() for k, v in row.items() if k != "kind") == 3


def test_response_and_resolution_in_working_hours_by_kind_and_operator(data, supervisor):
    rows = {(row["group_by"], row["group"]): row for row in table(supervisor, "times")}
    data_row = rows[("kind", DATA)]
    # t1 answered Monday 09:00-12:00 WIB (3 h), t2 Tuesday 09:00-15:00 (6 h)
    assert (data_row["first_response_median_hours"], data_row["first_response_mean_hours"]) == ("4.5", "4.5")
    # t1 resolved Thursday 09:00: 7 + 8 + 8 + 1 working hours, not the 72 elapsed
    assert data_row["resolution_median_hours"] == "24.0"
    ana = rows[("operator", "Ana")]
    assert ana["requests"] == "3"  # t1, t3, t5
    # t3: Tuesday 10:00 to Saturday 10:00 is 6 + 8 + 8 + 8 working hours; mean of 24 and 30
    assert (ana["first_response_median_hours"], ana["resolution_mean_hours"]) == ("2.0", "27.0")
    assert rows[("operator", "Budi")]["resolution_median_hours"] == ""


def test_satisfaction_index_by_month_in_local_time(data, supervisor):
    rows = table(supervisor, "ikm")
    assert [row["month"] for row in rows] == ["2026-10"]  # the rating of 31 Oct 18:00 UTC is 1 Nov in Jakarta
    assert rows[0]["respondents"] == "2" and rows[0]["ikm"] == "87.5" and rows[0]["grade"] == "B"
    assert rows[0]["nrr_requirements"] == "3.5"
    november = table(supervisor, "ikm", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert november[0]["ikm"] == "25.0" and november[0]["grade"] == "D"


def test_the_page_draws_charts_and_rejects_bad_periods(data, supervisor):
    with clock.frozen(NOW):
        page = supervisor.get("/helpdesk/reports/", query_string=OCTOBER)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        charts = ("sla", "sla-response", "sla-operator", "backlog", "ikm")
        assert all(f'id="chart-{name}"' in html for name in charts) and "<rect" in html
        assert "87.50" in html
        for bad in ({"from": "2026-13-01"}, {"from": "2026-10-31", "to": "2026-10-01"},
                    {"from": "2020-01-01", "to": "2026-10-01"}):
            assert supervisor.get("/helpdesk/reports/", query_string=bad).status_code == 400
        assert supervisor.get("/helpdesk/reports/secret.csv").status_code == 404


@pytest.mark.parametrize("role, status", [(None, 403), ("operator", 403), ("finance", 403), ("admin", 200)])
def test_only_supervisors_and_admins_see_reports(client, users, login, role, status):
    login(users.make(role) if role else users.make())
    assert client.get("/helpdesk/reports/").status_code == status
    assert client.get("/helpdesk/reports/sla.csv").status_code == status
