"""What the office offers at its counters: the services, their ticket letters, and the bookable slots.

Slots come from the roster's working calendar (office hours in the office time
zone, closed on public holidays) minus ``STATDESK_VISIT_CLOSURES``, cut into
``STATDESK_VISIT_SLOT_MINUTES`` pieces; each slot holds
``STATDESK_VISIT_CAPACITY`` places per service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from consultation.models import RequestKind
from core import clock, registry
from roster.calendar import working_calendar


@dataclass(frozen=True)
class Service:
    code: str
    letter: str  # ticket prefix: A-001
    label: object  # lazy translation
    request_kind: RequestKind  # the kind of consultation request a visit of this service becomes
    roster_kind: str  # the roster kind an operator's shift must list to serve it at a counter


SERVICES: tuple[Service, ...] = (
    Service("data", "A", _l("Data consultation"), RequestKind.DATA, "data"),
    Service("metadata", "B", _l("Metadata and statistical activities"), RequestKind.METADATA, "metadata"),
    Service("classification", "C", _l("Statistical classifications (KBLI/KBJI)"), RequestKind.CLASSIFICATION,
            "classification"),
    Service("complaint", "D", _l("Complaint"), RequestKind.COMPLAINT, "complaint"),
    Service("pickup", "E", _l("Data pick-up"), RequestKind.DATA, "visit_pickup"),
    Service("payment", "F", _l("Payment"), RequestKind.DATA, "visit_payment"),
    Service("library", "G", _l("Library reading room"), RequestKind.DATA, "visit_library"),
)
BY_CODE = {service.code: service for service in SERVICES}
# Roster kinds this package adds (the consultation kinds are registered by consultation).
COUNTER_KINDS = {service.roster_kind: service.label for service in SERVICES if service.roster_kind.startswith("visit_")}


def service(code: str) -> Service | None:
    return BY_CODE.get(code)


def parse_capacity(text: str) -> dict[str, int]:
    """``"data=2; pickup=3"`` → places per slot; services not named take no bookings."""
    places: dict[str, int] = {}
    for part in filter(str.strip, text.split(";")):
        code, _, number = part.partition("=")
        code = code.strip()
        if code not in BY_CODE or not number.strip().isdigit():
            raise ValueError(f"cannot read {part.strip()!r} (service=places, services: {', '.join(BY_CODE)})")
        places[code] = int(number)
    return places


def parse_closures(text: str) -> frozenset[date]:
    days = set()
    for part in filter(str.strip, text.replace(";", ",").split(",")):
        try:
            days.add(date.fromisoformat(part.strip()))
        except ValueError as exc:
            raise ValueError(f"cannot read the date {part.strip()!r} (YYYY-MM-DD)") from exc
    return frozenset(days)


def parse_rule(text: str) -> int | None:
    """``booked:N`` → N (booked visitors in a row while walk-ins wait); ``fifo`` → None."""
    text = text.strip().lower()
    if text == "fifo":
        return None
    name, _, number = text.partition(":")
    if name != "booked" or not number.isdigit() or int(number) < 1:
        raise ValueError(f"cannot read {text!r}: use booked:N (N ≥ 1) or fifo")
    return int(number)


@dataclass(frozen=True)
class Policy:
    slot_minutes: int
    capacity: dict[str, int]
    closures: frozenset[date]
    booking_days: int
    booked_in_a_row: int | None


def _configured(app) -> Policy:
    config = app.config
    if not 5 <= config["STATDESK_VISIT_SLOT_MINUTES"] <= 240:
        raise ValueError("STATDESK_VISIT_SLOT_MINUTES: give 5 to 240 minutes")
    return Policy(config["STATDESK_VISIT_SLOT_MINUTES"], parse_capacity(config["STATDESK_VISIT_CAPACITY"]),
                  parse_closures(config["STATDESK_VISIT_CLOSURES"]), config["STATDESK_VISIT_BOOKING_DAYS"],
                  parse_rule(config["STATDESK_VISIT_QUEUE_RULE"]))


POLICY: registry.Slot[Policy] = registry.Slot(
    "visits.policy", "The visit booking and queue policy, read once per app from the STATDESK_VISIT_* settings.",
    default=_configured)


def policy() -> Policy:
    return POLICY.get()


def office_day(at: datetime | None = None) -> date:
    """The office's local date at ``at`` (now by default)."""
    return working_calendar().local(at or clock.now()).date()


def is_closed(day: date) -> bool:
    return day in policy().closures or not working_calendar().periods(day)


def closure_reason(day: date) -> str:
    calendar = working_calendar()
    if day in policy().closures:
        return str(_l("The office is closed to visitors on this day."))
    name = calendar.holiday_name(day)
    if name:
        return str(_l("Public holiday: %(name)s", name=name))
    return str(_l("The office is closed on this day."))


def slots(day: date) -> list[datetime]:
    """The starts (UTC) of the bookable slots of ``day``: whole slots inside opening periods."""
    if day in policy().closures:
        return []
    length = timedelta(minutes=policy().slot_minutes)
    starts = []
    for opens, closes in working_calendar().periods(day):
        start = opens
        while start + length <= closes:
            starts.append(start.astimezone(UTC))
            start += length
    return starts


def bookable_days(today: date | None = None) -> list[date]:
    """Days from tomorrow… within ``STATDESK_VISIT_BOOKING_DAYS`` on which the office opens.

    Today counts too while a slot of it still lies ahead.
    """
    today = today or office_day()
    days = []
    for offset in range(policy().booking_days + 1):
        day = today + timedelta(days=offset)
        if not is_closed(day):
            days.append(day)
    return days


def capacity_of(code: str) -> int:
    return policy().capacity.get(code, 0)


def letter_label(code: str, number: int) -> str:
    return f"{BY_CODE[code].letter}-{number:03d}"


def init_policy(app) -> None:
    """Read the policy at start so that a bad setting stops the start, not a later request."""
    from core.settings import ConfigurationError

    try:
        POLICY.get(app)
    except ValueError as exc:
        raise ConfigurationError(f"STATDESK_VISIT_*: {exc}") from exc
    if app.config["STATDESK_VISIT_NOTIFIER"] not in {"log", "http"}:
        raise ConfigurationError("STATDESK_VISIT_NOTIFIER must be log or http")
    if app.config["STATDESK_VISIT_GATEWAY_CHANNEL"] not in {"sms", "whatsapp"}:
        raise ConfigurationError("STATDESK_VISIT_GATEWAY_CHANNEL must be sms or whatsapp")
    if app.config["STATDESK_VISIT_NOTIFIER"] == "http" and not app.config["STATDESK_VISIT_GATEWAY_URL"]:
        raise ConfigurationError("STATDESK_VISIT_NOTIFIER=http needs STATDESK_VISIT_GATEWAY_URL")
