"""A person recorded by an operator can later claim the record by registering with the same e-mail."""

from accounts.services import ProfileData, register_consumer
from consultation.models import Channel
from consultation.people import PersonData, find_or_create
from core import clock
from core.extensions import db
from tests.consultation.helpers import user
from tests.support.roster import wib


def test_a_walk_in_person_claims_their_record_by_registering(app, roster, users):
    roster.operator(email="op@example.org")
    with clock.frozen(wib(2026, 11, 23, 9)), app.app_context():
        from consultation import services

        person = PersonData(full_name="Baiq Nurul", email="Baiq@Example.org")
        data = services.RequestData(kind=services.RequestKind.DATA, subject="Data NTB",
                                    question="Data penduduk NTB per kabupaten?")
        ticket = services.enter_on_behalf(user("op@example.org"), person, data, Channel.WALK_IN)
        recorded_id = ticket.requester_id
        assert ticket.requester.password_hash is None
        with app.test_request_context():
            claimed = register_consumer("baiq@example.org", "Rinjani-Lombok-2026",
                                        ProfileData(full_name="Baiq Nurul"))
        assert claimed.id == recorded_id and claimed.password_hash


def test_the_same_phone_number_finds_the_same_person(app, users):
    operator = users.make("operator")
    with app.app_context():
        first = find_or_create(PersonData(full_name="Lalu", phone="0812 1111 2222"), user(operator))
        db.session.commit()
        again = find_or_create(PersonData(full_name="L.", phone="+62 812-1111-2222"), user(operator))
        assert again.id == first.id
