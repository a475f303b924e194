"""How the orders package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from accounts.privacy import ERASERS, PERSONAL_DATA
    from catalog.views import ITEM_ACTIONS
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.navigation import NavLink, register_link
    from core.settings import ConfigurationError
    from orders import demo, desk, instructions, personal_data, review
    from orders.api import api
    from orders.cli import cli
    from orders.finance.views import bp as finance_bp
    from orders.fulfilment import ITEM_TYPE, ROUTING_KIND, on_work_assigned
    from orders.fulfilment import work_details as fulfilment_details
    from orders.invoicing import expire_due_invoices
    from orders.payments import inbox
    from orders.views import bp
    from roster.kinds import ROUTING_KINDS
    from roster.signals import register_owner
    from roster.worklist import register_details

    try:
        instructions.BANKS.register(app, instructions.load(app.config["STATDESK_PAYMENT_INSTRUCTIONS"]))
    except ValueError as exc:
        raise ConfigurationError(f"STATDESK_PAYMENT_INSTRUCTIONS: {exc}") from exc
    app.add_template_global(instructions.for_page, "payment_steps")
    app.add_template_filter(instructions.grouped_code, "grouped_code")
    from orders.documents import line_detail

    app.add_template_global(line_detail, "order_line_detail")
    PERSONAL_DATA.register(app, personal_data.personal_data)
    ERASERS.register(app, personal_data.erase)
    app.register_blueprint(bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(api)
    app.register_blueprint(finance_bp)
    app.cli.add_command(cli)
    DEMO_LOADERS.register(app, ("orders", demo.load))
    ITEM_ACTIONS.register(app, "order", lambda item: url_for("orders.cart_add"))
    register_link(app, NavLink("consumer", _l("My orders"), "orders.order_list",
                               _l("Your orders, invoices, receipts and downloads."), order=40))
    register_link(app, NavLink("consumer", _l("Cart"), "orders.cart", _l("Items you are about to order."),
                               order=41))
    sweeps.register(app, "orders.invoice-expiry", expire_due_invoices)
    sweeps.register(app, "orders.payment-inbox", inbox.retry_unprocessed)
    ROUTING_KINDS.register(app, ROUTING_KIND, _l("Data preparation for orders"))
    register_owner(app, ITEM_TYPE, on_work_assigned)
    register_details(app, ITEM_TYPE, fulfilment_details)
    ROUTING_KINDS.register(app, review.ROUTING_KIND, _l("Review of abstracts and zero-rupiah letters"))
    register_owner(app, review.ITEM_TYPE, review.on_work_assigned)
    register_details(app, review.ITEM_TYPE, review.work_details)
    for role in ("operator", "finance", "admin"):
        register_link(app, NavLink(role, _l("Order desk"), "orders_desk.desk",
                                   _l("Review, invoice and fulfil orders."), order=40))
    for role in ("finance", "admin"):
        register_link(app, NavLink(role, _l("Finance console"), "finance.invoices",
                                   _l("Invoices, payments, exports, the PNBP recap, statements and refunds."),
                                   order=45))
