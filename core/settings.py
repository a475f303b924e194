"""Settings read from the environment, each with a type, a default and a line of help.

``SETTINGS`` is the single list of what can be configured; the README's table is
checked against it by a test.  ``load_settings`` turns an environment mapping into
Flask config keys; ``refuse_unsafe_production`` (run by ``create_app``) refuses a
production configuration that ``core.config_check`` finds unsafe.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from core.config_check import DEV_BANK_CALLBACK_SECRET, DEV_ISSUER_NPWP, DEV_SECRET_KEY, production_problems


class ConfigurationError(click.ClickException, RuntimeError):
    """The environment describes a configuration the site must not start with.

    A ``ClickException``, so that a ``flask`` command run against such an
    environment prints the message and exits 1 instead of showing a traceback.
    """


def _bool(value: str) -> bool:
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _json_list(value: str) -> list:
    import json

    try:
        parsed = json.loads(value or "[]")
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        raise ValueError("expected a JSON list of objects")
    return parsed


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    parse: Callable[[str], Any]
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STATDESK_ENV", "STATDESK_ENV", str, "development",
            "`development`, `production` or `testing`; production refuses unsafe defaults"),
    Setting("SECRET_KEY", "SECRET_KEY", str, DEV_SECRET_KEY,
            "signs sessions and tokens; must be set (32+ characters) in production"),
    Setting("DATABASE_URL", "SQLALCHEMY_DATABASE_URI", str, "",
            "SQLAlchemy URL; empty means `instance/statdesk.db` (SQLite); required in production"),
    Setting("STATDESK_TIMEZONE", "STATDESK_TIMEZONE", str, "Asia/Jakarta",
            "time zone in which times are shown (e.g. `Asia/Makassar`)"),
    Setting("STATDESK_DEFAULT_LOCALE", "BABEL_DEFAULT_LOCALE", str, "id",
            "interface language when the user has not chosen one (`id` or `en`)"),
    Setting("STATDESK_SITE_NAME", "STATDESK_SITE_NAME", str, "Statdesk",
            "name shown in the header and in e-mails"),
    Setting("STATDESK_OFFICE_NAME", "STATDESK_OFFICE_NAME", str, "Pelayanan Statistik Terpadu (PST) Statdesk",
            "the service office named on the contact, about and privacy pages and on invoices"),
    Setting("STATDESK_OFFICE_ADDRESS", "STATDESK_OFFICE_ADDRESS", str,
            "Jl. Dr. Sutomo No. 6-8, Jakarta 10710",
            "postal address of the service office (contact page, invoices)"),
    Setting("STATDESK_OFFICE_PHONE", "STATDESK_OFFICE_PHONE", str, "(021) 3841195",
            "telephone of the service office; empty hides it"),
    Setting("STATDESK_OFFICE_EMAIL", "STATDESK_OFFICE_EMAIL", str, "pst@demo.example.org",
            "e-mail address of the service office; empty hides it"),
    Setting("STATDESK_OFFICE_WHATSAPP", "STATDESK_OFFICE_WHATSAPP", str, "",
            "WhatsApp number of the service office; empty hides it"),
    Setting("STATDESK_PRIVACY_CONTACT", "STATDESK_PRIVACY_CONTACT", str, "privasi@demo.example.org",
            "where personal-data questions go (the privacy page)"),
    Setting("STATDESK_PRIVACY_EXPORT_DAYS", "STATDESK_PRIVACY_EXPORT_DAYS", int, 7,
            "how long the link to a person's copy of their data works (the file is deleted after)"),
    Setting("STATDESK_RETENTION_DAYS", "STATDESK_RETENTION_DAYS", int, 180,
            "sent e-mails and login throttling counters older than this are deleted by the retention sweep"),
    Setting("STATDESK_BASE_URL", "STATDESK_BASE_URL", str, "http://127.0.0.1:5000",
            "absolute address used in links inside e-mails"),
    Setting("STATDESK_MAIL_FROM", "STATDESK_MAIL_FROM", str, "Statdesk <noreply@statdesk.local>",
            "sender of outgoing e-mail"),
    Setting("STATDESK_SMTP_HOST", "STATDESK_SMTP_HOST", str, "",
            "SMTP server; empty keeps e-mail in the outbox page only"),
    Setting("STATDESK_SMTP_PORT", "STATDESK_SMTP_PORT", int, 25, "SMTP port"),
    Setting("STATDESK_SMTP_USER", "STATDESK_SMTP_USER", str, "", "SMTP user name, if the server needs one"),
    Setting("STATDESK_SMTP_PASSWORD", "STATDESK_SMTP_PASSWORD", str, "", "SMTP password"),
    Setting("STATDESK_SMTP_STARTTLS", "STATDESK_SMTP_STARTTLS", _bool, False, "use STARTTLS with the SMTP server"),
    Setting("STATDESK_OUTBOX_MAX_ATTEMPTS", "STATDESK_OUTBOX_MAX_ATTEMPTS", int, 8,
            "SMTP attempts per message before it is marked failed"),
    Setting("STATDESK_OUTBOX_BATCH", "STATDESK_OUTBOX_BATCH", int, 50,
            "messages sent per delivery sweep"),
    Setting("STATDESK_STORAGE_DIR", "STATDESK_STORAGE_DIR", str, "",
            "directory for uploaded and generated files; empty means `instance/storage`"),
    Setting("STATDESK_STORAGE_BACKEND", "STATDESK_STORAGE_BACKEND", str, "local",
            "where files live: `local` (`STATDESK_STORAGE_DIR`, shared by the hosts) or `s3` (a bucket)"),
    Setting("STATDESK_S3_BUCKET", "STATDESK_S3_BUCKET", str, "", "the bucket of `STATDESK_STORAGE_BACKEND=s3`"),
    Setting("STATDESK_S3_PREFIX", "STATDESK_S3_PREFIX", str, "", "key prefix of the files inside the bucket"),
    Setting("STATDESK_S3_ENDPOINT_URL", "STATDESK_S3_ENDPOINT_URL", str, "",
            "S3-compatible endpoint (MinIO, Ceph); empty means AWS"),
    Setting("STATDESK_S3_REGION", "STATDESK_S3_REGION", str, "", "the bucket's region; empty: boto3's default"),
    Setting("STATDESK_BACKUP_DIR", "STATDESK_BACKUP_DIR", str, "",
            "directory for `flask backup create`; empty means `instance/backups`"),
    Setting("STATDESK_MAX_REQUEST_MB", "STATDESK_MAX_REQUEST_MB", int, 64,
            "largest request body accepted, in MiB"),
    Setting("STATDESK_MAX_UPLOAD_MB", "STATDESK_MAX_UPLOAD_MB", int, 25,
            "largest single uploaded file, in MiB"),
    Setting("STATDESK_TABLE_CELL_LIMIT", "STATDESK_TABLE_CELL_LIMIT", int, 100_000,
            "most cells one table selection may ask for (API and downloads; more is refused with 413)"),
    Setting("STATDESK_RATELIMIT_STORAGE", "RATELIMIT_STORAGE_URI", str, "memory://",
            "where rate-limit counters live (`memory://`, or `redis://host:6379` with several hosts)"),
    Setting("STATDESK_API_RATE", "STATDESK_API_RATE", str, "120/minute",
            "API requests allowed per personal access token (or per address without one)"),
    Setting("STATDESK_TRUSTED_PROXIES", "STATDESK_TRUSTED_PROXIES", int, 0,
            "reverse proxies in front of the site whose `X-Forwarded-For`, `-Proto` and `-Host` are believed"),
    Setting("STATDESK_LOGIN_MAX_FAILURES", "STATDESK_LOGIN_MAX_FAILURES", int, 5,
            "failed logins for one account or address before it is locked"),
    Setting("STATDESK_LOGIN_LOCK_MINUTES", "STATDESK_LOGIN_LOCK_MINUTES", int, 15,
            "how long a lock after repeated failed logins lasts"),
    Setting("STATDESK_PASSWORD_HASH", "STATDESK_PASSWORD_HASH", str, "scrypt",
            "Werkzeug password hash method"),
    Setting("STATDESK_VERIFY_TOKEN_HOURS", "STATDESK_VERIFY_TOKEN_HOURS", int, 48,
            "how long an e-mail verification link stays valid"),
    Setting("STATDESK_RESET_TOKEN_MINUTES", "STATDESK_RESET_TOKEN_MINUTES", int, 60,
            "how long a password reset link stays valid"),
    Setting("STATDESK_SESSION_HOURS", "STATDESK_SESSION_HOURS", int, 12,
            "lifetime of a login session"),
    Setting("STATDESK_REMEMBER_DAYS", "STATDESK_REMEMBER_DAYS", int, 14,
            "lifetime of the remember-me cookie"),
    Setting("STATDESK_SECURE_COOKIES", "STATDESK_SECURE_COOKIES", _bool, False,
            "mark cookies `Secure` (always on in production)"),
    Setting("STATDESK_PAGE_SIZE", "STATDESK_PAGE_SIZE", int, 20, "rows per page in lists"),
    Setting("STATDESK_PAGE_MAX_AGE", "STATDESK_PAGE_MAX_AGE", int, 0,
            "seconds a browser or shared cache may reuse an anonymous public page without asking again (0: it "
            "revalidates every time, answered `304` while the page is unchanged; see core/http_cache.py)"),
    Setting("STATDESK_OIDC_PROVIDERS", "STATDESK_OIDC_PROVIDERS", _json_list, [],
            "single sign-on providers as a JSON list of objects: `name`, `label`, `discovery_url`, `client_id`, "
            "`client_secret`, optional `roles_claim` (default `groups`) and `role_map` (claim value → role)"),
    Setting("STATDESK_PAYMENT_PROVIDER", "STATDESK_PAYMENT_PROVIDER", str, "local",
            "payment provider for new invoices: `local` (billing code / virtual account) or `stripe`"),
    Setting("STATDESK_INVOICE_EXPIRY_HOURS", "STATDESK_INVOICE_EXPIRY_HOURS", int, 48,
            "how long an invoice (and its billing code) can be paid; an expired invoice releases the order"),
    Setting("STATDESK_PAYMENT_INSTRUCTIONS", "STATDESK_PAYMENT_INSTRUCTIONS", str, "",
            "JSON file of the banks and their payment steps per channel in both languages; empty: the shipped "
            "`orders/data/payment_instructions.json`"),
    Setting("STATDESK_ISSUER_NPWP", "STATDESK_ISSUER_NPWP", str, DEV_ISSUER_NPWP,
            "tax number (NPWP) of the office that issues invoices (printed with the office's name and address)"),
    Setting("STATDESK_PDF_FONT_DIRS", "STATDESK_PDF_FONT_DIRS", str,
            "/usr/share/fonts/truetype/dejavu:/usr/share/fonts/dejavu",
            "where PDFs find the DejaVu Sans font they embed (Debian's `fonts-dejavu-core`), `:`-separated"),
    Setting("STATDESK_BANK_CALLBACK_SECRET", "STATDESK_BANK_CALLBACK_SECRET", str,
            DEV_BANK_CALLBACK_SECRET, "HMAC-SHA256 key the bank signs payment callbacks with"),
    Setting("STATDESK_BANK_CALLBACK_WINDOW_SECONDS", "STATDESK_BANK_CALLBACK_WINDOW_SECONDS", int, 300,
            "largest clock difference accepted on a signed bank callback (replay window)"),
    Setting("STATDESK_PAYMENT_CALLBACK_RATE", "STATDESK_PAYMENT_CALLBACK_RATE", str, "600/minute",
            "rate limit per client address on the bank callback and the Stripe webhook"),
    Setting("STATDESK_PAYMENT_RETRY_SECONDS", "STATDESK_PAYMENT_RETRY_SECONDS", int, 60,
            "a received payment callback still unprocessed after this long is queued again by the sweep"),
    Setting("STATDESK_BANK_SIMULATOR", "STATDESK_BANK_SIMULATOR", _bool, True,
            "offer the demo bank simulator page and `flask orders pay` (always off in production)"),
    Setting("STATDESK_STRIPE_API_KEY", "STATDESK_STRIPE_API_KEY", str, "", "Stripe secret API key"),
    Setting("STATDESK_STRIPE_WEBHOOK_SECRET", "STATDESK_STRIPE_WEBHOOK_SECRET", str, "",
            "signing secret of the Stripe webhook endpoint (`whsec_…`)"),
    Setting("STATDESK_STRIPE_API_BASE", "STATDESK_STRIPE_API_BASE", str, "",
            "Stripe API address; empty means Stripe itself (tests point it at a local fake)"),
    Setting("STATDESK_DOWNLOAD_LINK_DAYS", "STATDESK_DOWNLOAD_LINK_DAYS", int, 7,
            "how long a delivered file's download link stays valid"),
    Setting("STATDESK_DOWNLOAD_LIMIT", "STATDESK_DOWNLOAD_LIMIT", int, 5,
            "downloads allowed per delivered file"),
    Setting("STATDESK_VISIT_SLOT_MINUTES", "STATDESK_VISIT_SLOT_MINUTES", int, 30,
            "length of a bookable visit slot within office hours"),
    Setting("STATDESK_VISIT_CAPACITY", "STATDESK_VISIT_CAPACITY", str,
            "data=2; metadata=1; classification=1; complaint=1; pickup=2; payment=2; library=4",
            "booked places per slot for each counter service (`service=places`; 0 takes no bookings)"),
    Setting("STATDESK_VISIT_CLOSURES", "STATDESK_VISIT_CLOSURES", str, "",
            "extra days the office is closed to visits besides public holidays (`2026-12-24, 2026-12-31`)"),
    Setting("STATDESK_VISIT_BOOKING_DAYS", "STATDESK_VISIT_BOOKING_DAYS", int, 30,
            "how many days ahead a visit can be booked"),
    Setting("STATDESK_VISIT_QUEUE_RULE", "STATDESK_VISIT_QUEUE_RULE", str, "booked:2",
            "who a counter calls next: `booked:N` (booked visitors near their slot first, at most N in a row "
            "while walk-ins wait) or `fifo` (order of arrival); see docs/visits.md"),
    Setting("STATDESK_VISIT_NOTIFIER", "STATDESK_VISIT_NOTIFIER", str, "log",
            "how visit messages reach phones: `log` (written to the log only) or `http` (the SMS/WhatsApp gateway)"),
    Setting("STATDESK_VISIT_GATEWAY_URL", "STATDESK_VISIT_GATEWAY_URL", str, "",
            "address the `http` notifier POSTs each message to (JSON `to`, `channel`, `text`)"),
    Setting("STATDESK_VISIT_GATEWAY_TOKEN", "STATDESK_VISIT_GATEWAY_TOKEN", str, "",
            "bearer token sent to the SMS/WhatsApp gateway"),
    Setting("STATDESK_VISIT_GATEWAY_CHANNEL", "STATDESK_VISIT_GATEWAY_CHANNEL", str, "sms",
            "`sms` or `whatsapp`: the channel the gateway is asked to use"),
    Setting("STATDESK_BACKGROUND_SWEEPS", "STATDESK_BACKGROUND_SWEEPS", _bool, False,
            "run the periodic jobs (core.sweeps) in a timer thread of the dev server"),
    Setting("STATDESK_SWEEP_SECONDS", "STATDESK_SWEEP_SECONDS", int, 30,
            "seconds between two runs of a periodic job that declares no interval of its own"),
    Setting("STATDESK_REDIS_URL", "STATDESK_REDIS_URL", str, "",
            "Redis for the periodic jobs in production (`flask jobs scheduler` / `worker`); empty: no queue"),
    Setting("STATDESK_JOB_QUEUE", "STATDESK_JOB_QUEUE", str, "statdesk",
            "name of the job queue (and prefix of its keys) in Redis"),
    Setting("STATDESK_LOG_FORMAT", "STATDESK_LOG_FORMAT", str, "text",
            "log lines as `text` or `json` (one object a line, each with the request id)"),
    Setting("STATDESK_LOG_LEVEL", "STATDESK_LOG_LEVEL", str, "info", "lowest level logged (`debug`, `info`, ...)"),
    Setting("STATDESK_READY_TIMEOUT_MS", "STATDESK_READY_TIMEOUT_MS", int, 2000,
            "how long `/readyz` waits for each dependency (database, Redis, search, storage)"),
    Setting("STATDESK_METRICS_TOKEN", "STATDESK_METRICS_TOKEN", str, "",
            "bearer token `/metrics` asks for; empty: it answers loopback clients only"),
    Setting("STATDESK_BACKUP_HOURS", "STATDESK_BACKUP_HOURS", int, 0,
            "hours between two scheduled backups (`backup.scheduled` periodic job); 0: none"),
    Setting("STATDESK_BACKUP_KEEP", "STATDESK_BACKUP_KEEP", int, 7,
            "scheduled backups kept; older ones are deleted after a new one is written"),
    Setting("STATDESK_SEARCH_BACKEND", "STATDESK_SEARCH_BACKEND", str, "whoosh",
            "full-text search backend: `whoosh` (a local index directory) or `postgresql` (several web hosts)"),
    Setting("STATDESK_SEARCH_DIR", "STATDESK_SEARCH_DIR", str, "",
            "directory of the Whoosh index; empty means `instance/search`"),
    Setting("STATDESK_OFFICE_HOURS", "STATDESK_OFFICE_HOURS", str, "mon-fri 08:00-16:00",
            "office hours (office time zone) for working-time clocks, e.g. `mon-thu 07:30-16:00; fri 07:30-16:30`"),
    Setting("STATDESK_HOLIDAY_COUNTRY", "STATDESK_HOLIDAY_COUNTRY", str, "ID",
            "country whose public holidays (the `holidays` package) are not working days"),
    Setting("STATDESK_ESCALATE_AFTER", "STATDESK_ESCALATE_AFTER", str, "4h",
            "working time an item stays past its deadline before it goes on the supervisors' list (`4h`, `1d`)"),
    Setting("STATDESK_REVIEW_SLA", "STATDESK_REVIEW_SLA", str, "1d",
            "working time to review an order's data-use abstract or zero-rupiah letter (`4h`, `1d`)"),
    Setting("STATDESK_DEFAULT_QUOTA", "STATDESK_DEFAULT_QUOTA", int, 5,
            "open work items an operator may hold when the supervisor set no quota"),
    Setting("STATDESK_SLA", "STATDESK_SLA", str,
            "data=1d/5d; metadata=1d/5d; classification=1d/5d; complaint=4h/3d",
            "working time to first response / resolution per request kind (`h` hours, `d` days of 8 working hours)"),
)


def load_settings(environ: dict[str, str] | None = None, instance_path: str = "instance") -> dict[str, Any]:
    """Read every setting from ``environ`` and return Flask config keys.

    Raises ``ConfigurationError`` for a value that does not parse or a combination
    that cannot work.  Whether the result is safe for production is for
    ``refuse_unsafe_production``, which ``create_app`` calls on its final config.
    """
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            config[setting.key] = setting.default
            continue
        try:
            config[setting.key] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{setting.env}: {exc}") from exc
    _check_combinations(config)
    if environ.get("FLASK_DEBUG", "").lower() not in {"", "0", "false", "no"}:
        config["DEBUG"] = True  # as the ``flask`` command would set it, so the production check sees it
    if not config["SQLALCHEMY_DATABASE_URI"] and config["STATDESK_ENV"] != "production":
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(instance_path, "statdesk.db")
    if not config["STATDESK_SEARCH_DIR"]:
        config["STATDESK_SEARCH_DIR"] = os.path.join(instance_path, "search")
    if not config["STATDESK_STORAGE_DIR"]:
        config["STATDESK_STORAGE_DIR"] = os.path.join(instance_path, "storage")
    return config


def _check_combinations(config: dict[str, Any]) -> None:
    if config["STATDESK_ENV"] not in {"development", "production", "testing"}:
        raise ConfigurationError(
            f"STATDESK_ENV must be development, production or testing, not {config['STATDESK_ENV']!r}")
    if config["STATDESK_TRUSTED_PROXIES"] < 0:
        raise ConfigurationError("STATDESK_TRUSTED_PROXIES counts proxies: give 0 or more")
    if config["STATDESK_LOG_FORMAT"] not in {"text", "json"}:
        raise ConfigurationError(f"STATDESK_LOG_FORMAT must be text or json, not {config['STATDESK_LOG_FORMAT']!r}")
    storage = config["STATDESK_STORAGE_BACKEND"]
    if storage not in {"local", "s3"}:
        raise ConfigurationError(f"STATDESK_STORAGE_BACKEND must be local or s3, not {storage!r}")
    if config["STATDESK_STORAGE_BACKEND"] == "s3" and not config["STATDESK_S3_BUCKET"]:
        raise ConfigurationError("STATDESK_STORAGE_BACKEND=s3 needs STATDESK_S3_BUCKET")
    if config["STATDESK_BACKUP_KEEP"] < 1:
        raise ConfigurationError("STATDESK_BACKUP_KEEP: keep at least one backup")
    if config["STATDESK_PAGE_MAX_AGE"] < 0:
        raise ConfigurationError("STATDESK_PAGE_MAX_AGE: seconds, 0 or more")
    search = config["STATDESK_SEARCH_BACKEND"]
    if search not in {"whoosh", "postgresql"}:
        raise ConfigurationError(f"STATDESK_SEARCH_BACKEND must be whoosh or postgresql, not {search!r}")
    if search == "postgresql" and not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise ConfigurationError("STATDESK_SEARCH_BACKEND=postgresql keeps the index in the database: "
                                 "it needs a PostgreSQL DATABASE_URL")


def refuse_unsafe_production(config) -> None:
    """Raise ``ConfigurationError`` listing every problem ``production_problems`` finds, in production only."""
    if config.get("STATDESK_ENV") != "production":
        return
    problems = production_problems(config)
    if problems:
        raise ConfigurationError("production refuses to start with these settings:\n  " + "\n  ".join(problems))


def derived_flask_config(config: dict[str, Any]) -> dict[str, Any]:
    """Flask and extension settings that follow from the Statdesk ones."""
    from datetime import timedelta

    production = config["STATDESK_ENV"] == "production"
    secure = production or config["STATDESK_SECURE_COOKIES"]
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": config["STATDESK_MAX_REQUEST_MB"] * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=config["STATDESK_SESSION_HOURS"]),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": timedelta(days=config["STATDESK_REMEMBER_DAYS"]),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BABEL_TRANSLATION_DIRECTORIES": "",  # filled by create_app from the packages
        "RATELIMIT_HEADERS_ENABLED": True,
        # While a shared Redis restarts, count in this process rather than refuse every rate-limited page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    }
