"""Production refuses every development default that guards money or identity, and ``flask config check``
lists the same problems (one check behind both)."""

import json
import os
import subprocess
import sys

import pytest

from app import create_app
from core.settings import ConfigurationError
from tests.support.production import SAFE_PRODUCTION_ENV, set_environment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRIPE = {"STATDESK_PAYMENT_PROVIDER": "stripe", "STATDESK_STRIPE_API_KEY": "sk_live_statdesk",
          "STATDESK_STRIPE_WEBHOOK_SECRET": "whsec_statdesk"}
OIDC = {"name": "kantor", "discovery_url": "https://sso.example.go.id/.well-known/openid-configuration",
        "client_id": "statdesk", "client_secret": "c" * 32}

# (changes to the safe production environment — None unsets —, the setting the refusal must name)
UNSAFE = {
    "secret_key_development_value": ({"SECRET_KEY": None}, "SECRET_KEY"),
    "secret_key_too_short": ({"SECRET_KEY": "short-secret"}, "SECRET_KEY"),
    "database_url_missing": ({"DATABASE_URL": None}, "DATABASE_URL"),
    "base_url_development_value": ({"STATDESK_BASE_URL": None}, "STATDESK_BASE_URL"),
    "base_url_plain_http": ({"STATDESK_BASE_URL": "http://data.example.go.id"}, "STATDESK_BASE_URL"),
    "debugger_on": ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
    "password_hash_weak": ({"STATDESK_PASSWORD_HASH": "pbkdf2:sha256:1000"}, "STATDESK_PASSWORD_HASH"),
    "bank_secret_development_value": ({"STATDESK_BANK_CALLBACK_SECRET": None}, "STATDESK_BANK_CALLBACK_SECRET"),
    "bank_secret_too_short": ({"STATDESK_BANK_CALLBACK_SECRET": "bank-1234"}, "STATDESK_BANK_CALLBACK_SECRET"),
    "bank_replay_window_a_day": ({"STATDESK_BANK_CALLBACK_WINDOW_SECONDS": "86400"},
                                 "STATDESK_BANK_CALLBACK_WINDOW_SECONDS"),
    "bank_simulator_on_by_default": ({"STATDESK_BANK_SIMULATOR": None}, "STATDESK_BANK_SIMULATOR"),
    "bank_simulator_switched_on": ({"STATDESK_BANK_SIMULATOR": "1"}, "STATDESK_BANK_SIMULATOR"),
    "payment_provider_unknown": ({"STATDESK_PAYMENT_PROVIDER": "paypal"}, "STATDESK_PAYMENT_PROVIDER"),
    "stripe_without_api_key": ({**STRIPE, "STATDESK_STRIPE_API_KEY": None}, "STATDESK_STRIPE_API_KEY"),
    "stripe_with_a_test_key": ({**STRIPE, "STATDESK_STRIPE_API_KEY": "sk_test_123"}, "STATDESK_STRIPE_API_KEY"),
    "stripe_without_webhook_secret": ({**STRIPE, "STATDESK_STRIPE_WEBHOOK_SECRET": None},
                                      "STATDESK_STRIPE_WEBHOOK_SECRET"),
    "stripe_pointed_at_a_fake": ({**STRIPE, "STATDESK_STRIPE_API_BASE": "http://127.0.0.1:9999"},
                                 "STATDESK_STRIPE_API_BASE"),
    "oidc_without_client_secret": ({"STATDESK_OIDC_PROVIDERS": json.dumps([dict(OIDC, client_secret="")])},
                                   "STATDESK_OIDC_PROVIDERS"),
    "oidc_without_client_id": ({"STATDESK_OIDC_PROVIDERS": json.dumps([{**OIDC, "client_id": " "}])},
                               "STATDESK_OIDC_PROVIDERS"),
    "oidc_discovery_over_http": (
        {"STATDESK_OIDC_PROVIDERS": json.dumps([dict(OIDC, discovery_url="http://sso.example.go.id/.well-known")])},
        "STATDESK_OIDC_PROVIDERS"),
    "issuer_npwp_development_value": ({"STATDESK_ISSUER_NPWP": None}, "STATDESK_ISSUER_NPWP"),
    "issuer_npwp_all_zeros": ({"STATDESK_ISSUER_NPWP": "0000000000000000"}, "STATDESK_ISSUER_NPWP"),
    "issuer_npwp_too_short": ({"STATDESK_ISSUER_NPWP": "12.345.678"}, "STATDESK_ISSUER_NPWP"),
    "smtp_password_in_clear": ({"STATDESK_SMTP_HOST": "smtp.example.go.id", "STATDESK_SMTP_USER": "statdesk",
                                "STATDESK_SMTP_PASSWORD": "mail-password"}, "STATDESK_SMTP_STARTTLS"),
}


def environment(changes: dict, **base) -> dict[str, str]:
    merged = {**SAFE_PRODUCTION_ENV, **base, **changes}
    return {name: value for name, value in merged.items() if value is not None}


def test_the_safe_environment_starts_in_production_and_passes_the_check(monkeypatch):
    set_environment(monkeypatch, SAFE_PRODUCTION_ENV)
    result = create_app().test_cli_runner().invoke(args=["config", "check"])
    assert result.exit_code == 0, result.output
    assert "every setting is safe for production" in result.output


def test_safe_stripe_and_single_sign_on_settings_pass(monkeypatch):
    set_environment(monkeypatch, environment({**STRIPE, "STATDESK_OIDC_PROVIDERS": json.dumps([OIDC])}))
    assert create_app().test_cli_runner().invoke(args=["config", "check"]).exit_code == 0


@pytest.mark.parametrize("case", UNSAFE.values(), ids=UNSAFE.keys())
def test_production_refuses_to_start_and_names_the_setting(monkeypatch, case):
    changes, setting = case
    set_environment(monkeypatch, environment(changes))
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    problems = str(refused.value).splitlines()[1:]
    assert [line.strip().split(":")[0] for line in problems] == [setting]


@pytest.mark.parametrize("case", [c for name, c in UNSAFE.items() if name != "database_url_missing"],
                         ids=[name for name in UNSAFE if name != "database_url_missing"])
def test_config_check_lists_the_setting_and_exits_non_zero(monkeypatch, case):
    # Outside production the site starts, and the command judges the settings as production would.
    changes, setting = case
    set_environment(monkeypatch, environment(changes, STATDESK_ENV="development"))
    result = create_app().test_cli_runner().invoke(args=["config", "check"])
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.output.splitlines()[:-1]] == [setting]
    assert "1 setting(s) not safe for production" in result.output


def test_config_check_lists_every_development_default_at_once(monkeypatch):
    set_environment(monkeypatch, {})
    result = create_app().test_cli_runner().invoke(args=["config", "check"])
    assert result.exit_code == 1
    named = {line.split(":")[0] for line in result.output.splitlines()}
    assert {"SECRET_KEY", "STATDESK_BASE_URL", "STATDESK_BANK_CALLBACK_SECRET", "STATDESK_BANK_SIMULATOR"} <= named


def _flask(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STATDESK_", "FLASK_"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, **environ, "FLASK_APP": "app"}, timeout=120, check=False)


def test_the_flask_command_in_an_unsafe_production_prints_every_problem_and_exits_1():
    unsafe = environment({"STATDESK_BANK_CALLBACK_SECRET": None, "STATDESK_BANK_SIMULATOR": None,
                          "DATABASE_URL": None})
    result = _flask(unsafe, "config", "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for setting in ("STATDESK_BANK_CALLBACK_SECRET", "STATDESK_BANK_SIMULATOR", "DATABASE_URL"):
        assert f"  {setting}: " in result.stderr


def test_the_flask_command_in_a_safe_production_exits_0():
    result = _flask(SAFE_PRODUCTION_ENV, "config", "check")
    assert result.returncode == 0, result.stderr
    assert "every setting is safe for production" in result.stdout
