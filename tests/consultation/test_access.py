"""Who sees which request: owners, assigned operators, the queue of an operator's kinds, supervisors."""

import pytest

from consultation.models import RequestKind
from core import clock
from tests.consultation.helpers import open_request
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)


@pytest.fixture
def scene(app, roster, users):
    """Ann's data request is assigned to Dewi; Budi's classification request waits in the queue."""
    dewi = roster.operator(shifts=[(0, "08:00", "16:00", "data")], email="dewi@example.org")
    roster.operator(shifts=[(1, "08:00", "16:00", "classification")], email="eko@example.org")
    users.make(email="ann@example.org")
    users.make(email="budi@example.org")
    users.make("supervisor", email="boss@example.org")
    with clock.frozen(MONDAY_9):
        data = open_request(app, "ann@example.org")
        queued = open_request(app, "budi@example.org", RequestKind.CLASSIFICATION)
    return {"data": data, "queued": queued, "dewi": dewi}


def _status(client, login, email, number):
    client.post("/logout")
    login(email)
    return client.get(f"/consultations/{number}").status_code


def test_a_consumer_sees_only_their_own_requests(client, login, scene):
    assert _status(client, login, "ann@example.org", scene["data"]) == 200
    assert _status(client, login, "ann@example.org", scene["queued"]) == 404
    listing = client.get("/consultations/").get_data(as_text=True)
    assert scene["data"] in listing and scene["queued"] not in listing


def test_an_operator_sees_assigned_work_and_the_queue_of_their_kinds_only(client, login, scene):
    assert _status(client, login, "dewi@example.org", scene["data"]) == 200
    assert _status(client, login, "dewi@example.org", scene["queued"]) == 404
    assert _status(client, login, "eko@example.org", scene["queued"]) == 200
    assert _status(client, login, "eko@example.org", scene["data"]) == 404
    desk = client.get("/consultations/desk").get_data(as_text=True)
    assert scene["queued"] in desk and scene["data"] not in desk


def test_a_supervisor_sees_everything(client, login, scene):
    assert _status(client, login, "boss@example.org", scene["data"]) == 200
    assert _status(client, login, "boss@example.org", scene["queued"]) == 200
    desk = client.get("/consultations/desk").get_data(as_text=True)
    assert scene["queued"] in desk and scene["data"] in desk


def test_another_consumer_cannot_reply_or_download(client, login, scene):
    _status(client, login, "budi@example.org", scene["queued"])
    assert client.post(f"/consultations/{scene['data']}/reply", data={"body": "hi"}).status_code == 404
    assert client.get(f"/consultations/{scene['data']}/files/1").status_code == 404
