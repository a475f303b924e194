"""The office's public information pages: contact (address, hours, channels) and about.

Every value comes from the settings (``STATDESK_OFFICE_*``), so a regional office changes its address or
channels without touching a template.  Both pages are linked from every page's footer (``FOOTER_LINKS``).
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("pages", __name__, template_folder="templates")

DAYS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
        "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday")}
_SPAN = re.compile(r"^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s*$")


def office_hours(spec: str) -> list[str]:
    """``mon-thu 07:30-16:00; fri 07:30-16:30`` as readable lines in the page's language."""
    lines = []
    for part in spec.split(";"):
        match = _SPAN.match(part.lower())
        if not match or match.group(1) not in DAYS or (match.group(2) and match.group(2) not in DAYS):
            continue
        first, last, opens, closes = match.groups()
        days = f"{DAYS[first]} – {DAYS[last]}" if last else str(DAYS[first])
        lines.append(f"{days}: {opens} – {closes}")
    return lines


def office() -> dict:
    config = current_app.config
    return {"name": config["STATDESK_OFFICE_NAME"], "address": config["STATDESK_OFFICE_ADDRESS"],
            "phone": config["STATDESK_OFFICE_PHONE"], "email": config["STATDESK_OFFICE_EMAIL"],
            "whatsapp": config["STATDESK_OFFICE_WHATSAPP"], "hours": office_hours(config["STATDESK_OFFICE_HOURS"]),
            "timezone": config["STATDESK_TIMEZONE"]}


@bp.get("/contact")
def contact():
    return render_template("core/contact.html", office=office())


@bp.get("/about")
def about():
    return render_template("core/about.html", office=office())
