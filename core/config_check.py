"""Which settings would make a production site unsafe: the one check behind the start-up refusal
and ``flask config check``.

Only settings that guard money or identity are checked: the keys that sign sessions,
bank callbacks and Stripe webhooks, the payment provider's credentials, the demo bank,
the tax number printed on invoices, single sign-on clients, password hashing, the address e-mailed links point at, and
anything that would let a client forge its address or run code (the debugger).  Each
problem is one line that starts with the name of the setting to change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105 - refused in production
DEV_BANK_CALLBACK_SECRET = "dev-only-bank-callback-secret"  # noqa: S105 - refused in production
MIN_SECRET_LENGTH = 32
MIN_PBKDF2_ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256
LONGEST_REPLAY_WINDOW = 900
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
PAYMENT_PROVIDERS = {"local", "stripe"}
DEV_ISSUER_NPWP = "00.000.000.0-000.000"
NPWP_DIGITS = (15, 16)  # the old 15-digit form and the 16-digit one (a person's NIK) in use since 2024

Config = Mapping[str, Any]


def _secret_key(config: Config) -> Iterator[str]:
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < MIN_SECRET_LENGTH:
        yield (f"SECRET_KEY: set a random value of {MIN_SECRET_LENGTH} or more characters "
               "(it signs sessions, login cookies and e-mailed links)")


def _database(config: Config) -> Iterator[str]:
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        yield "DATABASE_URL: set the address of the production database"


def _base_url(config: Config) -> Iterator[str]:
    address = urlsplit(config.get("STATDESK_BASE_URL") or "")
    if address.scheme != "https" or (address.hostname or "") in LOOPBACK_HOSTS:
        yield ("STATDESK_BASE_URL: set the site's public https:// address "
               "(password-reset and verification links in e-mails point there)")


def _debugger(config: Config) -> Iterator[str]:
    if config.get("DEBUG"):
        yield "FLASK_DEBUG: switch the debugger off (it lets a visitor run code on the server)"


def _password_hash(config: Config) -> Iterator[str]:
    method = str(config.get("STATDESK_PASSWORD_HASH") or "")
    name, _, rest = method.partition(":")
    if name == "scrypt":
        return
    if name == "pbkdf2":
        iterations = rest.partition(":")[2]
        if not iterations or (iterations.isdigit() and int(iterations) >= MIN_PBKDF2_ITERATIONS):
            return
    yield (f"STATDESK_PASSWORD_HASH: use `scrypt` or `pbkdf2` with {MIN_PBKDF2_ITERATIONS:,} or more "
           f"iterations, not {method!r}")


def _bank(config: Config) -> Iterator[str]:
    secret = config.get("STATDESK_BANK_CALLBACK_SECRET") or ""
    if secret == DEV_BANK_CALLBACK_SECRET or len(secret) < MIN_SECRET_LENGTH:
        yield (f"STATDESK_BANK_CALLBACK_SECRET: set the key the bank signs payment callbacks with "
               f"({MIN_SECRET_LENGTH} or more characters; the development value is public)")
    window = config.get("STATDESK_BANK_CALLBACK_WINDOW_SECONDS")
    if not isinstance(window, int) or not 0 < window <= LONGEST_REPLAY_WINDOW:
        yield f"STATDESK_BANK_CALLBACK_WINDOW_SECONDS: give between 1 and {LONGEST_REPLAY_WINDOW} seconds"
    if config.get("STATDESK_BANK_SIMULATOR"):
        yield "STATDESK_BANK_SIMULATOR: set it to 0 (the demo bank marks invoices paid without money)"


def _stripe(config: Config) -> Iterator[str]:
    provider = config.get("STATDESK_PAYMENT_PROVIDER")
    if provider not in PAYMENT_PROVIDERS:
        yield f"STATDESK_PAYMENT_PROVIDER: choose `local` or `stripe`, not {provider!r}"
    if config.get("STATDESK_STRIPE_API_BASE"):
        yield "STATDESK_STRIPE_API_BASE: leave it empty in production (it points payments away from Stripe)"
    if provider != "stripe":
        return
    key = config.get("STATDESK_STRIPE_API_KEY") or ""
    if not key:
        yield "STATDESK_STRIPE_API_KEY: set the Stripe secret API key"
    elif "_test_" in key:
        yield "STATDESK_STRIPE_API_KEY: use a live key (a test key lets test cards pay real invoices)"
    if not config.get("STATDESK_STRIPE_WEBHOOK_SECRET"):
        yield "STATDESK_STRIPE_WEBHOOK_SECRET: set the signing secret of the Stripe webhook endpoint"


def _issuer(config: Config) -> Iterator[str]:
    digits = "".join(ch for ch in str(config.get("STATDESK_ISSUER_NPWP") or "") if ch.isdigit())
    if len(digits) not in NPWP_DIGITS or not digits.strip("0"):
        yield ("STATDESK_ISSUER_NPWP: set the office's own tax number (15 or 16 digits; every invoice and "
               "receipt prints it, and the development value is a placeholder)")


def _single_sign_on(config: Config) -> Iterator[str]:
    for number, entry in enumerate(config.get("STATDESK_OIDC_PROVIDERS") or [], 1):
        name = entry.get("name") or f"#{number}"
        for field in ("client_id", "client_secret"):
            if not str(entry.get(field) or "").strip():
                yield f"STATDESK_OIDC_PROVIDERS: provider {name} has no `{field}`"
        if urlsplit(str(entry.get("discovery_url") or "")).scheme != "https":
            yield (f"STATDESK_OIDC_PROVIDERS: provider {name} needs an https:// `discovery_url` "
                   "(its keys sign the identities Statdesk trusts)")


def _smtp(config: Config) -> Iterator[str]:
    host = config.get("STATDESK_SMTP_HOST") or ""
    if config.get("STATDESK_SMTP_PASSWORD") and not config.get("STATDESK_SMTP_STARTTLS") \
            and host not in LOOPBACK_HOSTS:
        yield ("STATDESK_SMTP_STARTTLS: turn it on (the SMTP password and the e-mailed login links "
               f"would cross the network to {host} unencrypted)")


CHECKS: tuple[Callable[[Config], Iterator[str]], ...] = (
    _secret_key, _database, _base_url, _debugger, _password_hash, _bank, _stripe, _issuer, _single_sign_on,
    _smtp,
)


def production_problems(config: Config) -> list[str]:
    """Every unsafe or missing setting of ``config`` as production would see it, one line each.

    The lines start with the setting's name; an empty list means the site may start in production.
    Whatever ``STATDESK_ENV`` says, the settings are judged as production would judge them.
    """
    return [problem for check in CHECKS for problem in check(config)]
