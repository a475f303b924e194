"""How the orders package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from core import sweeps
    from core.cli import register_demo_loader
    from core.navigation import NavLink, register_link
    from orders import demo, desk  # noqa: F401 - desk adds its routes to the blueprint
    from orders.api import api
    from orders.cli import cli
    from orders.finance.views import bp as finance_bp
    from orders.fulfilment import ITEM_TYPE, ROUTING_KIND, on_work_assigned
    from orders.invoicing import expire_due_invoices
    from orders.views import bp
    from roster.kinds import register_kind
    from roster.signals import register_owner

    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.register_blueprint(finance_bp)
    app.cli.add_command(cli)
    register_demo_loader(app, "orders", demo.load)
    register_link(app, NavLink("consumer", _l("My orders"), "orders.order_list",
                               _l("Your orders, invoices, receipts and downloads."), order=40))
    register_link(app, NavLink("consumer", _l("Cart"), "orders.cart", _l("Items you are about to order."), order=41))
    sweeps.register(app, "orders.invoice-expiry", expire_due_invoices)
    register_kind(app, ROUTING_KIND, _l("Data preparation for orders"))
    register_owner(app, ITEM_TYPE, on_work_assigned)
    for role in ("operator", "finance", "admin"):
        register_link(app, NavLink(role, _l("Order desk"), "orders.desk",
                                   _l("Review, invoice and fulfil orders."), order=40))
    for role in ("finance", "admin"):
        register_link(app, NavLink(role, _l("Finance console"), "finance.invoices",
                                   _l("Invoices, payments, exports, the PNBP recap, statements and refunds."),
                                   order=45))
