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
