"""Per-column transforms: dates in a format and time zone, amounts with separators, phones, e-mails, codes.

Each takes the raw cell (a string from CSV, or the cell's value from XLSX) and
returns the Statdesk value or raises ``Refused`` with the reason in the user's language.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from accounts.services import AccountError, normalise_email
from consultation.people import PersonError, normalise_phone


class Refused(ValueError):
    """A cell that cannot become a Statdesk value; the message says why."""


def to_date(raw, formats: tuple[str, ...], zone: ZoneInfo) -> datetime:
    """A wall-clock date or date-time of ``zone`` as an aware UTC datetime."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, time.min)
    else:
        text = str(raw).strip()
        parsed = _parsed_text(text, tuple(formats), zone)
        if parsed is None:
            raise Refused(_("%(value)s is not a date written %(format)s", value=text[:40], format=" / ".join(formats)))
        return parsed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


@lru_cache(maxsize=8192)
def _parsed_text(text: str, formats: tuple[str, ...], zone: ZoneInfo) -> datetime | None:
    """The UTC moment a date text stands for, or None; remembered, since an export repeats its dates.

    (``strptime`` costs more than the rest of a row's transforms, its locale check included.)
    """
    for format_ in formats:
        try:
            moment = datetime.strptime(text, format_)  # noqa: DTZ007 (the zone is the mapping's)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    return None


_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)


def to_amount(raw, thousands: str, decimal: str) -> int:
    """Whole rupiah from ``1.250.000``, ``Rp 1.250.000,00`` or a number cell; sen other than zero are refused."""
    if isinstance(raw, bool):
        raise Refused(_("%(value)s is not an amount of rupiah", value=raw))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise Refused(_("%(value)s is not a whole amount of rupiah", value=raw))
        value = int(raw)
    else:
        text = _CURRENCY.sub("", str(raw).strip()).replace(" ", "")
        if thousands:
            text = text.replace(thousands, "")
        whole, _sep, fraction = text.partition(decimal) if decimal else (text, "", "")
        if not whole.isdigit() or (fraction and not fraction.isdigit()):
            raise Refused(_("%(value)s is not an amount of rupiah", value=str(raw)[:40]))
        if fraction.strip("0"):
            raise Refused(_("%(value)s is not a whole amount of rupiah", value=str(raw)[:40]))
        value = int(whole)
    if value < 0:
        raise Refused(_("%(value)s is negative", value=value))
    return value


def to_int(raw) -> int:
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text.isdigit() or int(text) < 1 or int(text) > 1_000_000:
        raise Refused(_("%(value)s is not a whole number from 1 to 1000000", value=text[:40]))
    return int(text)


def to_phone(raw) -> str:
    text = str(int(raw)) if isinstance(raw, int | float) else str(raw).strip()
    if text.startswith("62"):
        text = "+" + text
    try:
        phone = normalise_phone(text)
    except PersonError as exc:
        raise Refused(exc.message) from None
    if len(phone) > 32:
        raise Refused(_("%(value)s is too long for a phone number", value=text[:40]))
    return phone


def to_email(raw) -> str:
    try:
        email = normalise_email(str(raw))
    except AccountError:
        raise Refused(_("%(value)s is not an e-mail address", value=str(raw)[:60])) from None
    if len(email) > 255:
        raise Refused(_("The e-mail address is too long"))
    return email


def to_code(raw, codes: dict[str, str], choices: tuple[str, ...]) -> str:
    """The Statdesk code of a source code: the mapping's table (case-insensitive), its ``*``, or a Statdesk code."""
    key = str(raw).strip().casefold()
    if key in codes:
        return codes[key]
    if key in choices:
        return key
    if "*" in codes:
        return codes["*"]
    raise Refused(_("unknown code %(value)s (known: %(known)s)", value=str(raw)[:40],
                    known=", ".join(sorted(codes) or choices)))
