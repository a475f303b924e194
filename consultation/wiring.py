"""How the consultation package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from catalog.views import ITEM_ACTIONS
    from consultation import demo, services
    from consultation.cli import cli
    from consultation.metrics import SLA_BREACHES
    from consultation.models import KIND_LABELS
    from consultation.sla import POLICIES, parse_policies
    from consultation.sweeps import run_sweep
    from consultation.views import bp
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.metrics import GAUGES
    from core.navigation import NavLink, register_link
    from core.settings import ConfigurationError
    from roster.kinds import ROUTING_KINDS
    from roster.reminders import REMINDS_ITSELF
    from roster.signals import register_owner
    from roster.worklist import register_details
    from search_index.views import ASK_INSTEAD

    try:
        POLICIES.register(app, parse_policies(app.config["STATDESK_SLA"]))
    except ValueError as exc:
        raise ConfigurationError(f"STATDESK_SLA: {exc}") from exc
    from accounts.privacy import PERSONAL_DATA
    from consultation import personal_data

    PERSONAL_DATA.register(app, personal_data.personal_data)
    app.register_blueprint(bp)
    app.cli.add_command(cli)
    for kind, label in KIND_LABELS.items():
        ROUTING_KINDS.register(app, kind.value, label)
    register_owner(app, services.ITEM_TYPE, services.on_work_assigned)
    register_details(app, services.ITEM_TYPE, services.work_details)
    REMINDS_ITSELF.register(app, services.ITEM_TYPE)  # consultation.sweeps reminds in its own words
    sweeps.register(app, "consultation.sla-reminders", run_sweep)
    DEMO_LOADERS.register(app, ("consultation", demo.load))
    GAUGES.register(app, SLA_BREACHES)
    ITEM_ACTIONS.register(app, "consult", lambda item: url_for("consultation.new", item=item.id))
    ASK_INSTEAD.register(app, _ask_instead)
    for role in ("consumer", "operator", "supervisor", "producer", "finance", "admin"):
        register_link(app, NavLink(role, _l("My requests"), "consultation.index",
                                   _l("Free consultations and complaints you sent"), order=40))
    register_link(app, NavLink("operator", _l("Request desk"), "consultation.desk",
                               _l("Requests assigned to me and the queue of my kinds"), order=10))
    register_link(app, NavLink("supervisor", _l("Request desk"), "consultation.desk",
                               _l("All consultations and complaints; reassign"), order=10))
    register_link(app, NavLink("supervisor", _l("Satisfaction index"), "consultation.quality",
                               _l("Public satisfaction index (IKM) from consumers' ratings"), order=50))


def _ask_instead() -> str:
    """The consultation form, starting with what the search page was asked (``q``)."""
    from flask import request

    return url_for("consultation.new", q=request.args.get("q", "").strip()[:500] or None)
