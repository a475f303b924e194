"""Supervisors manage the roster and read the decision log in their language; operators see their own roster."""

import sqlalchemy as sa

from core import clock
from core.extensions import db
from roster import engine
from roster.models import DutyShift
from tests.support.roster import wib


def test_a_supervisor_adds_a_shift_through_the_form(app, client, login, users):
    operator = users.make("operator", full_name="Oki Operator")
    login(users.make("supervisor"))
    operator_id = users.get(operator).id
    response = client.post("/roster/shifts", data={
        "shift-operator_id": operator_id, "shift-weekday": 2, "shift-starts": "08:00", "shift-ends": "12:00",
        "shift-kinds": ["data", "complaint"]})
    assert response.status_code == 302
    with app.app_context():
        shift = db.session.scalar(sa.select(DutyShift))
        assert (shift.operator_id, shift.weekday, shift.kinds) == (operator_id, 2, "complaint,data")
    assert "Oki Operator" in client.get("/roster/").get_data(as_text=True)


def test_a_shift_that_ends_before_it_starts_is_refused(client, login, users):
    operator = users.make("operator")
    login(users.make("supervisor"))
    response = client.post("/roster/shifts", data={
        "shift-operator_id": users.get(operator).id, "shift-weekday": 0, "shift-starts": "12:00",
        "shift-ends": "08:00", "shift-kinds": ["data"]})
    assert response.status_code == 400
    assert "Piket harus berakhir setelah dimulai." in response.get_data(as_text=True)


def test_the_decision_log_gives_the_reason_in_indonesian(app, client, login, roster):
    roster.operator(shifts=[(0, "08:00", "12:00", "data")], quota=5)
    with clock.frozen(wib(2026, 11, 23, 9)), app.app_context():
        engine.submit(engine.Routable("test", 1, "data", "T-1"))
        db.session.commit()
    login(roster.users.make("supervisor"))
    page = client.get("/roster/decisions").get_data(as_text=True)
    assert "bertugas Sen 08:00–12:00, beban 0/5, beban paling ringan dari 1" in page


def test_operators_cannot_open_the_supervisors_pages(client, login, users):
    login(users.make("operator"))
    assert client.get("/roster/").status_code == 403
    assert client.get("/roster/decisions").status_code == 403
    assert client.get("/roster/mine").status_code == 200
