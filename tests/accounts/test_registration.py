from accounts.models import Role
from tests.accounts.helpers import REGISTRATION


def test_registration_creates_an_unverified_consumer_and_mails_a_link(client, users, outbox):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 201
    user = users.get("wayan@example.org")
    assert user.has_role(Role.CONSUMER) and not user.email_verified
    assert user.profile.institution == "Universitas Udayana"
    [message] = outbox()
    assert message.recipient == "wayan@example.org"
    assert message.subject.startswith("Konfirmasikan alamat e-mail Anda")
    assert "/verify/" in message.body_text


def test_duplicate_email_is_refused_with_409(client, users, outbox):
    users.make(email="wayan@example.org")
    response = client.post("/register", data=dict(REGISTRATION, email="Wayan@Example.org"))
    assert response.status_code == 409
    assert "sudah ada" in response.get_data(as_text=True)
    assert outbox() == []


def test_weak_password_is_refused_with_reasons(client, users):
    response = client.post("/register", data=dict(REGISTRATION, password="password", confirm="password"))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Gunakan paling sedikit 10 karakter." in body
    assert users.get("wayan@example.org") is None


def test_password_containing_the_name_is_refused(client):
    response = client.post("/register", data=dict(REGISTRATION, password="Sudirta-2026!", confirm="Sudirta-2026!"))
    assert response.status_code == 400
    assert "Jangan gunakan nama Anda" in response.get_data(as_text=True)


def test_invalid_email_is_refused(client):
    response = client.post("/register", data=dict(REGISTRATION, email="not-an-address"))
    assert response.status_code == 400
    assert "alamat e-mail yang valid" in response.get_data(as_text=True)


def test_mismatched_confirmation_is_refused(client, users):
    response = client.post("/register", data=dict(REGISTRATION, confirm="Something-else-99"))
    assert response.status_code == 400
    assert users.get("wayan@example.org") is None


def test_private_company_needs_a_tax_number(client, users):
    response = client.post("/register", data=dict(REGISTRATION, segment="private", npwp=""))
    assert response.status_code == 400
    assert "NPWP wajib" in response.get_data(as_text=True)
    assert users.get("wayan@example.org") is None


def test_internal_segment_cannot_be_chosen_by_the_public(client, users):
    response = client.post("/register", data=dict(REGISTRATION, segment="internal"))
    assert response.status_code == 400
    assert users.get("wayan@example.org") is None


def test_a_record_entered_by_staff_is_claimed_not_duplicated(app, client, users, outbox):
    from accounts.models import User, UserRole
    from core.extensions import db

    with app.app_context():
        db.session.add(User(email="wayan@example.org", full_name="Wayan (walk-in)",
                            roles=[UserRole(role=Role.CONSUMER)]))
        db.session.commit()
    assert client.post("/register", data=REGISTRATION).status_code == 201
    user = users.get("wayan@example.org")
    assert user.full_name == "Wayan Sudirta" and user.password_hash
