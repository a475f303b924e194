"""How the helpdesk package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from consultation.panels import TICKET_PANELS
    from core.navigation import FOOTER_LINKS, PAGE_SCRIPTS, FooterLink, NavLink, PageScript, register_link
    from helpdesk import faq, help_views
    from helpdesk.faq_views import public, staff
    from helpdesk.markup import render_markdown
    from helpdesk.report_views import bp as reports_bp
    from helpdesk.views import bp
    from search_index.documents import LABELS, SOURCES

    app.register_blueprint(bp)
    app.register_blueprint(public)
    app.register_blueprint(staff)
    app.register_blueprint(reports_bp)
    app.register_blueprint(help_views.bp)
    from core.cli import DEMO_LOADERS
    from helpdesk import demo
    from helpdesk.models import CATEGORY_LABELS

    DEMO_LOADERS.register(app, ("helpdesk", demo.load))
    app.add_template_filter(lambda code: str(CATEGORY_LABELS.get(code, code)), "faq_category")
    FOOTER_LINKS.register(app, FooterLink(_l("Help"), "help.index", order=10))
    FOOTER_LINKS.register(app, FooterLink(_l("Frequently asked questions"), "faq.index", order=20))
    source = faq.source()
    SOURCES.register(app, source.name, source)
    LABELS.register(app, ("kind", lambda value, locale: str(_l("FAQ")) if value == "faq" else ""))
    PAGE_SCRIPTS.register(app, PageScript("consultation.new", "faq.static", "faq-suggest.js"))
    TICKET_PANELS.register(app, _forum_panel)
    for role in ("supervisor", "admin"):
        register_link(app, NavLink(role, _l("Service reports"), "helpdesk_reports.index",
                                   _l("SLA compliance, backlog, response times and the satisfaction index"),
                                   order=42))
    for role in faq.EDITORS:
        register_link(app, NavLink(role, _l("FAQ entries"), "faq_staff.manage",
                                   _l("Promote answers to the public FAQ and edit them"), order=41))
    app.add_template_filter(render_markdown, "forum_markdown")
    register_link(app, NavLink("operator", _l("Console"), "helpdesk.console",
                               _l("My work by due time and the queue of my kinds"), order=5))
    register_link(app, NavLink("supervisor", _l("Team workload"), "helpdesk.team",
                               _l("Open and overdue items per operator, who is on duty"), order=19))
    register_link(app, NavLink("operator", _l("Helpdesk forum"), "helpdesk.forum",
                               _l("Ask colleagues about a request; share answers"), order=40))
    register_link(app, NavLink("supervisor", _l("Helpdesk forum"), "helpdesk.forum",
                               _l("Ask colleagues about a request; share answers"), order=40))


def _forum_panel(ticket):
    """The forum threads linked to a request, and a button to hand it over (consultation's detail page)."""
    from flask import url_for
    from flask_login import current_user

    from consultation.panels import TicketPanel
    from helpdesk.services import threads_for_ticket

    if not (current_user.is_authenticated and current_user.is_staff):
        return None
    return TicketPanel(
        "forum-threads", _l("Forum threads"),
        [(thread.title, url_for("helpdesk.thread", thread_id=thread.id)) for thread in threads_for_ticket(ticket.id)],
        (_l("Hand over to the forum"), url_for("helpdesk.new_thread", ticket_id=ticket.id)))
