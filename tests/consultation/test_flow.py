"""A request is auto-assigned, answered, resolved and rated, with an e-mail at every step."""

from consultation import services
from consultation.models import RequestKind, Status
from core import clock
from core.errors import Conflict
from tests.consultation.helpers import open_request, ticket, user
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)


def test_a_request_is_assigned_to_the_operator_on_duty_and_the_consumer_is_told(app, roster, users, outbox):
    operator_id = roster.operator()
    consumer = users.make(email="citra@example.org")
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer)
    with app.app_context():
        request = ticket(number)
        assert (request.status, request.assignee_id) == (Status.ASSIGNED, operator_id)
        assert [e.to_status for e in request.events] == [Status.SUBMITTED, Status.ASSIGNED]
    to_consumer = [m.kind for m in outbox() if m.recipient == consumer]
    assert to_consumer == ["received", "status"]
    assert any(m.kind == "assigned" and m.recipient != consumer for m in outbox())


def test_answer_resolve_and_rate_closes_the_request(app, roster, users, outbox):
    roster.operator()
    consumer = users.make()
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer)
        with app.app_context():
            request = ticket(number)
            services.reply(request.assignee, request, "Datanya tersedia di tabel 1.")
            assert request.status is Status.ANSWERED and request.first_response_at == MONDAY_9
            services.resolve(user(consumer), request)
            services.rate(user(consumer), request, dict.fromkeys(
                ("requirements", "procedure", "completion_time", "cost", "product", "competence", "behaviour",
                 "complaint_handling", "facilities"), 3))
            assert request.status is Status.CLOSED
    assert [m.kind for m in outbox() if m.recipient == consumer] == ["received", "status", "reply", "status",
                                                                     "status"]


def test_a_transition_the_table_does_not_allow_is_refused(app, roster, users):
    roster.operator()
    consumer = users.make()
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer)
        with app.app_context():
            request = ticket(number)
            try:
                services.reopen(user(consumer), request)
            except Conflict:
                pass
            else:
                raise AssertionError("reopening an open request must fail")


def test_resolving_frees_quota_and_the_queued_request_is_assigned(app, roster, users):
    operator_id = roster.operator(quota=1)
    consumer = users.make()
    with clock.frozen(MONDAY_9):
        first = open_request(app, consumer)
        second = open_request(app, consumer)
        with app.app_context():
            assert ticket(second).status is Status.SUBMITTED
            services.resolve(user(consumer), ticket(first))
            assert (ticket(second).status, ticket(second).assignee_id) == (Status.ASSIGNED, operator_id)


def test_reopening_routes_again_with_new_clocks(app, roster, users):
    roster.operator(shifts=[(0, "08:00", "16:00", "complaint"), (1, "08:00", "16:00", "complaint")])
    consumer = users.make()
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer, RequestKind.COMPLAINT)
        with app.app_context():
            services.resolve(user(consumer), ticket(number))
    with clock.frozen(wib(2026, 11, 24, 9)), app.app_context():
        services.reopen(user(consumer), ticket(number))
        request = ticket(number)
        assert (request.status, request.round) == (Status.ASSIGNED, 2)
        assert request.response_due_at == wib(2026, 11, 24, 13)


def test_a_supervisor_reassigns_from_the_request_page(app, client, login, roster, users):
    first = roster.operator(email="first@example.org")
    second = roster.operator(email="second@example.org")
    users.make("supervisor", email="boss@example.org")
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
        login("boss@example.org")
        with app.app_context():
            target = second if ticket(number).assignee_id == first else first
        assert client.post(f"/consultations/{number}/reassign", data={"operator_id": target}).status_code == 302
    with app.app_context():
        assert ticket(number).assignee_id == target
        assert ticket(number).status is Status.ASSIGNED


def test_the_consumers_reply_hands_an_answered_request_back_to_the_operator(app, roster, users, outbox):
    roster.operator(email="op@example.org")
    consumer = users.make()
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer)
        with app.app_context():
            request = ticket(number)
            services.reply(request.assignee, request, "Tahun berapa yang Anda perlukan?", ask_consumer=True)
            assert request.status is Status.WAITING
            services.reply(user(consumer), request, "Tahun 2024, terima kasih.")
            assert request.status is Status.ASSIGNED
    assert [m.kind for m in outbox() if m.recipient == "op@example.org"] == ["assigned", "assigned"]


def test_the_supervisors_quality_page_shows_the_index_of_stored_ratings(app, client, login, roster, users):
    roster.operator()
    consumer = users.make()
    scores = dict(zip(("requirements", "procedure", "completion_time", "cost", "product", "competence",
                       "behaviour", "complaint_handling", "facilities"), (4, 4, 3, 4, 3, 3, 4, 3, 3), strict=True))
    with clock.frozen(MONDAY_9):
        number = open_request(app, consumer)
        with app.app_context():
            services.resolve(user(consumer), ticket(number))
            services.rate(user(consumer), ticket(number), scores)
    login(users.make("supervisor"))
    page = client.get("/consultations/quality").get_data(as_text=True)
    assert "86.11 · B" in page  # (4+4+3+4+3+3+4+3+3) / 9 × 25 = 31 / 9 × 25
