"""The short texts sent to visitors' phones, in the language of the caller's ``force_locale``."""

from __future__ import annotations

from flask_babel import gettext as _

from core.timefmt import format_local
from visits import offer


def notice_text(kind: str, visit, link: str = "", counter: str = "") -> str:
    service = str(offer.service(visit.service).label)
    when = format_local(visit.slot_start) if visit.slot_start else ""
    if kind == "booked":
        return _("Visit booked: %(service)s, %(when)s. Code %(code)s. Change or cancel: %(link)s",
                 service=service, when=when, code=visit.code, link=link)
    if kind == "changed":
        return _("Visit moved: %(service)s, %(when)s. Code %(code)s. %(link)s", service=service, when=when,
                 code=visit.code, link=link)
    if kind == "cancelled":
        return _("Your visit %(code)s on %(when)s is cancelled.", code=visit.code, when=when)
    if kind == "reminder":
        return _("Reminder: your visit (%(service)s) is tomorrow, %(when)s. Code %(code)s. %(link)s",
                 service=service, when=when, code=visit.code, link=link)
    if kind == "three_away":
        return _("Number %(ticket)s: three more before you. Please stay near the counters.",
                 ticket=visit.ticket_label)
    if kind == "called":
        return _("Number %(ticket)s, please come to %(counter)s.", ticket=visit.ticket_label, counter=counter)
    raise ValueError(kind)
