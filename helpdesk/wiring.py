"""How the helpdesk package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from core.navigation import NavLink, register_link, register_page_script
    from helpdesk import faq
    from helpdesk.faq_views import public, staff
    from helpdesk.markup import render_markdown
    from helpdesk.report_views import bp as reports_bp
    from helpdesk.views import bp
    from search_index.documents import register_labels, register_source

    app.register_blueprint(bp)
    app.register_blueprint(public)
    app.register_blueprint(staff)
    app.register_blueprint(reports_bp)
    register_source(app, faq.source())
    register_labels(app, "kind", lambda value, locale: str(_l("FAQ")) if value == "faq" else "")
    register_page_script(app, "consultation.new", "faq.static", "faq-suggest.js")
    for role in ("supervisor", "admin"):
        register_link(app, NavLink(role, _l("Service reports"), "helpdesk_reports.index",
                                   _l("SLA compliance, backlog, response times and the satisfaction index"),
                                   order=42))
    for role in faq.EDITORS:
        register_link(app, NavLink(role, _l("FAQ entries"), "faq_staff.manage",
                                   _l("Promote answers to the public FAQ and edit them"), order=41))
    app.add_template_filter(render_markdown, "forum_markdown")
    app.context_processor(_request_hooks)
    register_link(app, NavLink("operator", _l("Console"), "helpdesk.console",
                               _l("My work by due time and the queue of my kinds"), order=5))
    register_link(app, NavLink("supervisor", _l("Team workload"), "helpdesk.team",
                               _l("Open and overdue items per operator, who is on duty"), order=19))
    register_link(app, NavLink("operator", _l("Helpdesk forum"), "helpdesk.forum",
                               _l("Ask colleagues about a request; share answers"), order=40))
    register_link(app, NavLink("supervisor", _l("Helpdesk forum"), "helpdesk.forum",
                               _l("Ask colleagues about a request; share answers"), order=40))


def _request_hooks() -> dict:
    """Template hook used by consultation's detail page: forum threads linked to a request (staff only)."""
    from flask_login import current_user

    from helpdesk.services import threads_for_ticket

    def helpdesk_threads(ticket_id: int):
        if not (current_user.is_authenticated and current_user.is_staff):
            return []
        return threads_for_ticket(ticket_id)

    return {"helpdesk_threads": helpdesk_threads}
