def test_create_admin_makes_a_verified_administrator(app, users):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "--email", "Kepala@Example.org", "--name", "Kepala",
                                 "--password", "Gedung-Pusat-2026"])
    assert result.exit_code == 0, result.output
    admin = users.get("kepala@example.org")
    assert admin.has_role("admin") and admin.email_verified


def test_create_admin_refuses_a_weak_password(app, users):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "--email", "k@example.org",
                                                "--password", "123"])
    assert result.exit_code != 0
    assert users.get("k@example.org") is None


def test_reset_two_factor_from_the_command_line_is_audited_and_forces_enrolment(app, client, users):
    import sqlalchemy as sa

    from core.extensions import db
    from core.models import AuditEntry

    email = users.make("admin")
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", email.upper()])
    assert result.exit_code == 0, result.output
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.second_factor_reset"))
        assert entry.actor_label == "system" and entry.origin == "cli"
    response = client.post("/login", data={"email": email, "password": users.PASSWORD})
    assert response.headers["Location"] == "/account/two-factor"


def test_reset_two_factor_of_an_unknown_account_fails(app):
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "nobody@example.org"])
    assert result.exit_code != 0 and "nobody@example.org" in result.output
