"""How the roster package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from accounts.signals import account_deactivated
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.metrics import GAUGES
    from core.navigation import NavLink, register_link
    from roster import demo
    from roster.cli import cli
    from roster.continuity import continuity_sweep, on_account_deactivated
    from roster.escalation import escalation_sweep
    from roster.kinds import kind_label
    from roster.metrics import OPEN_WORK
    from roster.reminders import reminder_sweep
    from roster.services import drain_queue_sweep
    from roster.views import bp

    _check_calendar(app)
    app.register_blueprint(bp)
    app.add_template_filter(kind_label, "kind_label")
    app.cli.add_command(cli)
    sweeps.register(app, "roster.continuity", continuity_sweep)
    sweeps.register(app, "roster.queue-drain", drain_queue_sweep)
    sweeps.register(app, "roster.escalation", escalation_sweep)
    sweeps.register(app, "roster.reminders", reminder_sweep)
    account_deactivated.connect(on_account_deactivated, sender=app, weak=False)
    DEMO_LOADERS.register(app, ("roster", demo.load))
    GAUGES.register(app, OPEN_WORK)
    register_link(app, NavLink("supervisor", _l("Duty roster"), "roster.overview",
                               _l("Shifts, leave, extra shifts and quotas of the operators"), order=20))
    register_link(app, NavLink("supervisor", _l("Assignment decisions"), "roster.decisions",
                               _l("Why each request went to whom; reassign work"), order=21))
    register_link(app, NavLink("operator", _l("My duty roster"), "roster.mine",
                               _l("My shifts, leave and quota"), order=30))


def _check_calendar(app) -> None:
    """Refuse to start with office hours or a holiday country that cannot be read."""
    from core.settings import ConfigurationError
    from roster.calendar import CALENDAR
    from roster.escalation import ESCALATE_AFTER

    try:
        CALENDAR.get(app)  # built now, so a bad setting stops the start and not a later request
    except (ValueError, NotImplementedError, KeyError) as exc:
        raise ConfigurationError(f"STATDESK_OFFICE_HOURS / STATDESK_HOLIDAY_COUNTRY: {exc}") from exc
    try:
        ESCALATE_AFTER.get(app)
    except ValueError as exc:
        raise ConfigurationError(f"STATDESK_ESCALATE_AFTER: {exc}") from exc
