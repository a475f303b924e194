"""An environment a production site starts with: every setting that guards money or identity set safely."""

SAFE_PRODUCTION_ENV = {
    "STATDESK_ENV": "production",
    "SECRET_KEY": "s" * 48,
    "DATABASE_URL": "postgresql://postgres@127.0.0.1/statdesk",
    "STATDESK_BASE_URL": "https://data.example.go.id",
    "STATDESK_BANK_CALLBACK_SECRET": "b" * 40,
    "STATDESK_BANK_SIMULATOR": "0",
    "STATDESK_ISSUER_NPWP": "01.234.567.8-901.000",
}


def set_environment(monkeypatch, environ: dict[str, str]) -> None:
    """Replace every Statdesk setting in the process environment by ``environ`` (unset the others)."""
    from core.settings import SETTINGS

    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
