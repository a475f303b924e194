"""Decision reasons in the reader's language, from the facts the engine logged."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.timefmt import format_local
from roster.kinds import kind_label

WEEKDAY_NAMES = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


def shift_text(reason: dict) -> str:
    text = f"{WEEKDAY_NAMES[reason['weekday']]} {reason['starts']}–{reason['ends']}"
    return _("extra shift %(shift)s", shift=text) if reason.get("extra") else text


HANDED_BACK = {
    "leave": _l("%(name)s is on leave"),
    "deactivated": _l("%(name)s's account was deactivated"),
    "no_shifts": _l("%(name)s has no shifts in the roster any more"),
    "not_operator": _l("%(name)s is no longer an operator"),
}


def describe(reason: dict) -> str:
    """One sentence: e.g. "on duty Mon 08:00–12:00, load 2/5, least loaded of 3"."""
    text = _describe(reason)
    why = HANDED_BACK.get(reason.get("after", ""))
    if why is not None:
        text = _("handed back because %(why)s: %(decision)s", why=why % {"name": reason.get("previous", "")},
                 decision=text)
    return text


def _describe(reason: dict) -> str:
    code = reason.get("code")
    if code == "least_loaded":
        text = _("on duty %(shift)s, load %(load)s/%(quota)s, least loaded of %(count)s",
                 shift=shift_text(reason), load=reason["load"], quota=reason["quota"], count=reason["candidates"])
        if reason.get("tie"):
            text += _(", longest since last assignment")
        if reason.get("from_queue"):
            text += _(", taken from the queue")
        return text
    if code == "nobody_on_duty":
        return _("queued: nobody is on duty")
    if code == "no_skill_on_duty":
        return _("queued: none of the %(count)s operators on duty serves %(kind)s",
                 count=reason["on_duty"], kind=kind_label(reason["kind"]))
    if code == "all_at_quota":
        return _("queued: all %(count)s operators on duty for this kind are at their quota",
                 count=reason["candidates"])
    if code == "supervisor":
        return _("reassigned by a supervisor, load %(load)s/%(quota)s", load=reason["load"], quota=reason["quota"])
    if code == "substitute":
        return _("given to the named substitute, load %(load)s/%(quota)s", load=reason["load"],
                 quota=reason["quota"])
    if code == "escalated":
        return _("escalated to the supervisors: due %(due)s, still open %(hours)s working hours later",
                 due=format_local(datetime.fromisoformat(reason["due_at"])), hours=reason["after_hours"])
    if code == "recorder":
        text = _("handled on the spot by the operator who recorded it, load %(load)s/%(quota)s",
                 load=reason["load"], quota=reason["quota"])
        if reason.get("over_quota"):
            text += _(", over quota because: %(why)s", why=reason["over_quota"])
        return text
    if code == "taken":
        return _("taken from the queue by the operator, load %(load)s/%(quota)s", load=reason["load"],
                 quota=reason["quota"])
    if code == "counter":
        return _("taken at a counter by the operator serving the visitor, load %(load)s/%(quota)s",
                 load=reason["load"], quota=reason["quota"])
    return str(reason)
