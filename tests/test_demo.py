import sqlalchemy as sa

from accounts.models import Role, User
from core.extensions import db


def test_demo_load_is_idempotent_and_gives_every_role_an_account(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "accounts: 0 created" in second.output
    with app.app_context():
        users = db.session.scalars(sa.select(User)).all()
        assert len({u.email for u in users}) == len(users)
        assert {role for user in users for role in user.role_names()} == {r.value for r in Role}


def test_demo_accounts_sign_in_with_the_documented_password(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    response = client.post("/login", data={"email": "operator@demo.example.org", "password": "Statdesk-demo-2026"})
    assert response.status_code == 302
