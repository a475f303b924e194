"""How subscriptions plug into the application: listeners, jobs, seams, links (called by ``create_app``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from catalog import signals
    from catalog.views import FOLLOW_TOPIC, ITEM_ACTIONS
    from core import sweeps
    from core.navigation import HEADER_COUNTERS, HeaderCounter, NavLink, register_link
    from search_index.views import SAVE_SEARCH
    from subscriptions import fanout, services
    from subscriptions.views import bp

    app.register_blueprint(bp)
    signals.item_released.connect(fanout.on_released, weak=False)
    signals.item_versioned.connect(fanout.on_versioned, weak=False)
    signals.item_withdrawn.connect(fanout.on_withdrawn, weak=False)
    signals.release_moved.connect(fanout.on_moved, weak=False)
    sweeps.register(app, "subscriptions.fan-out", fanout.pending_events)
    sweeps.register(app, "subscriptions.digests", fanout.send_digests)
    ITEM_ACTIONS.register(app, "follow", lambda item: url_for("subscriptions.follow_page", item_id=item.id))
    FOLLOW_TOPIC.register(app, lambda target, value: url_for("subscriptions.follow_page", **{target: value}))
    SAVE_SEARCH.register(app, lambda args: url_for("subscriptions.follow_page", **args))
    HEADER_COUNTERS.register(app, HeaderCounter(_l("Notifications"), "subscriptions.notifications",
                                                services.unread_count))
    register_link(app, NavLink("consumer", _l("My subscriptions"), "subscriptions.index",
                               _l("What you follow, how you hear of it, and your standing orders."), order=40))
