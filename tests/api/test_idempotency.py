"""``Idempotency-Key``: a write replayed 20 times at once creates one object and every replay gets the first
answer; the same key with another body is refused; a refused first request frees the key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.models import IdempotentRequest
from consultation.models import Ticket
from core.extensions import db
from tests.api.conftest import bearer
from tests.support.concurrency import run_together

BODY = {"kind": "data", "subject": "Data inflasi", "question": "Berapa inflasi Mataram bulan lalu, per kelompok?"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("key", ["first-key"])
def test_a_replay_answers_the_first_answer_and_changes_nothing(app, client, users, token_for, key):
    token = token_for(users.make(), scopes=("consultations",))
    headers = {**bearer(token), "Idempotency-Key": key}
    first = client.post("/api/v1/me/consultations", headers=headers, json=BODY)
    again = client.post("/api/v1/me/consultations", headers=headers, json=BODY)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Ticket) == 1
    other = client.post("/api/v1/me/consultations", headers=headers, json={**BODY, "subject": "Lain lagi"})
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    refused = client.post("/api/v1/me/consultations", headers={**headers, "Idempotency-Key": "k2"},
                          json={**BODY, "question": "pendek"})
    assert refused.status_code == 400
    fixed = client.post("/api/v1/me/consultations", headers={**headers, "Idempotency-Key": "k2"},
                        json={**BODY, "question": "Sekarang pertanyaannya cukup panjang."})
    assert fixed.status_code == 201 and _count(app, Ticket) == 2
    assert client.post("/api/v1/me/consultations", headers={**headers, "Idempotency-Key": "a b"},
                       json=BODY).status_code == 400


def test_keys_are_per_token(app, client, users, token_for):
    email = users.make()
    one, two = token_for(email, scopes=("consultations",)), token_for(email, scopes=("consultations",))
    for token in (one, two):
        assert client.post("/api/v1/me/consultations", headers={**bearer(token), "Idempotency-Key": "same"},
                           json=BODY).status_code == 201
    assert _count(app, Ticket) == 2 and _count(app, IdempotentRequest) == 2


def test_twenty_parallel_replays_create_one_consultation(app, backend, users, token_for):
    if backend != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (SQLite serialises writers)")
    token = token_for(users.make(), scopes=("consultations",))
    headers = {**bearer(token), "Idempotency-Key": "parallel-1"}
    clients = [app.test_client() for _ in range(20)]

    def send(index):
        response = clients[index].post("/api/v1/me/consultations", headers=headers, json=BODY)
        return response.status_code, response.get_json()["number"]

    answers = run_together(send)
    assert {status for status, _ in answers} == {201}
    assert len({number for _, number in answers}) == 1
    assert _count(app, Ticket) == 1
