"""How to pay an invoice's billing code: per bank and channel (teller, ATM, mobile and internet banking).

The banks and their steps are configuration, in both languages: ``STATDESK_PAYMENT_INSTRUCTIONS`` names a
JSON file (empty: ``orders/data/payment_instructions.json``, the shape documented there), read once at
start-up and checked then, so a broken file stops the site instead of an invoice.  The same steps appear
on the order page, in the invoice e-mail and on the invoice PDF, with the amount, the billing code grouped
for reading aloud and the deadline in local time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core import registry
from core.money import format_rupiah
from core.timefmt import format_local

CHANNELS = {"teller": _l("At a bank teller"), "atm": _l("At an ATM"), "mobile": _l("Mobile banking"),
            "internet": _l("Internet banking")}
LANGUAGES = ("id", "en")
DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "payment_instructions.json")


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Bank:
    name: str
    channels: tuple[Channel, ...]


BANKS: registry.Slot[dict] = registry.Slot(
    "orders.payment_instructions", "The parsed payment instructions file (see orders/instructions.py).")


def load(path: str) -> dict:
    """Read and check the instructions file; ``ValueError`` names what is wrong."""
    try:
        with open(path or DEFAULT_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path or DEFAULT_FILE}: {exc}") from exc
    banks = data.get("banks") if isinstance(data, dict) else None
    if not isinstance(banks, list) or not banks:
        raise ValueError("expected {\"banks\": [...]} with at least one bank")
    for bank in banks:
        if not isinstance(bank, dict) or not isinstance(bank.get("name"), str) or not bank["name"].strip():
            raise ValueError("every bank needs a name")
        channels = bank.get("channels")
        if not isinstance(channels, dict) or not channels:
            raise ValueError(f"{bank['name']}: no channels")
        for key, steps in channels.items():
            if key not in CHANNELS:
                raise ValueError(f"{bank['name']}: unknown channel {key!r} (use {', '.join(CHANNELS)})")
            for language in LANGUAGES:
                lines = steps.get(language) if isinstance(steps, dict) else None
                if not isinstance(lines, list) or not lines or not all(isinstance(s, str) for s in lines):
                    raise ValueError(f"{bank['name']} {key}: give the steps in {language!r} as a list of text")
                for line in lines:
                    try:
                        line.format(code="", amount="", expiry="")
                    except (KeyError, IndexError, ValueError) as exc:
                        raise ValueError(f"{bank['name']} {key}: bad placeholder in {line!r}") from exc
    return data


def grouped_code(code: str) -> str:
    """``123456789012345`` → ``123 456 789 012 345``: groups of three are easy to read aloud and type."""
    return " ".join(code[i:i + 3] for i in range(0, len(code), 3))


def for_invoice(invoice, locale: str) -> list[Bank]:
    """Every configured bank with its channels' steps for ``invoice``, in ``locale`` (``id`` or ``en``)."""
    if not invoice.billing_code:
        return []
    language = locale if locale in LANGUAGES else "id"
    values = {"code": grouped_code(invoice.billing_code), "amount": format_rupiah(invoice.amount),
              "expiry": format_local(invoice.expires_at)}
    from flask_babel import force_locale

    banks = []
    with force_locale(language):
        labels = {key: str(label) for key, label in CHANNELS.items()}
    for bank in BANKS.get()["banks"]:
        channels = tuple(Channel(key, labels[key], tuple(step.format(**values) for step in steps[language]))
                         for key, steps in bank["channels"].items())
        banks.append(Bank(bank["name"], channels))
    return banks


def for_page(invoice) -> list[Bank]:
    """``for_invoice`` in the language being rendered (a page, or an e-mail under ``force_locale``)."""
    from flask_babel import get_locale

    return for_invoice(invoice, str(get_locale() or "id"))
