"""How the visits package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.navigation import NavLink, register_link
    from roster.kinds import ROUTING_KINDS
    from visits import demo, offer
    from visits.services import remind_and_close_sweep
    from visits.views import bp

    offer.init_policy(app)
    app.register_blueprint(bp)
    for code, label in offer.COUNTER_KINDS.items():
        ROUTING_KINDS.register(app, code, label)
    sweeps.register(app, "visits.reminders", remind_and_close_sweep)
    DEMO_LOADERS.register(app, ("visits", demo.load))
    for role in ("consumer", "operator", "supervisor"):
        register_link(app, NavLink(role, _l("Book a visit"), "visits.book",
                                   _l("An appointment at the service office"), order=45))
    for role in ("operator", "supervisor"):
        register_link(app, NavLink(role, _l("Reception"), "visits.reception",
                                   _l("Check in bookings and issue walk-in tickets"), order=12))
        register_link(app, NavLink(role, _l("Counters"), "visits.counters",
                                   _l("Sign in to a counter and call the next visitor"), order=13))
    register_link(app, NavLink("supervisor", _l("Visit reports"), "visits.report",
                               _l("Waiting and service times, no-shows, bookings and walk-ins, busy hours"),
                               order=43))
