import os

import pytest

from app import create_app
from core.settings import SETTINGS, ConfigurationError, load_settings
from tests.support.production import SAFE_PRODUCTION_ENV, set_environment

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def test_development_defaults_need_no_environment():
    config = load_settings({}, instance_path="/srv/statdesk")
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/statdesk/statdesk.db"
    assert config["BABEL_DEFAULT_LOCALE"] == "id"


def test_production_starts_with_every_guarding_setting_set(monkeypatch):
    set_environment(monkeypatch, SAFE_PRODUCTION_ENV)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_a_malformed_number_names_the_setting():
    with pytest.raises(ConfigurationError, match="STATDESK_SMTP_PORT"):
        load_settings({"STATDESK_SMTP_PORT": "twenty-five"})


def test_readme_documents_every_setting():
    with open(README, encoding="utf-8") as handle:
        readme = handle.read()
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    assert missing == []


def test_the_search_backend_is_checked_at_start():
    with pytest.raises(ConfigurationError, match="STATDESK_SEARCH_BACKEND"):
        load_settings({"STATDESK_SEARCH_BACKEND": "elastic"})
    with pytest.raises(ConfigurationError, match="PostgreSQL DATABASE_URL"):
        load_settings({"STATDESK_SEARCH_BACKEND": "postgresql"})
    assert load_settings({"STATDESK_SEARCH_BACKEND": "postgresql",
                          "DATABASE_URL": "postgresql://db/statdesk"})["STATDESK_SEARCH_BACKEND"] == "postgresql"
