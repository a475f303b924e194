"""How the API package plugs into the application (called by ``create_app``, after every other package,
so that the OpenAPI document sees every declared operation)."""

from __future__ import annotations


def init_app(app) -> None:
    from api import ckan, consumer, dcat, guard, idempotency, models, public, views  # noqa: F401 - models for migrations
    from core import sweeps
    from core.extensions import csrf

    for blueprint in (views.bp, public.bp, consumer.bp, ckan.bp, dcat.bp):
        app.register_blueprint(blueprint)
    # API writes are authorised by Bearer tokens only (api/guard.py), never by the session cookie.
    csrf.exempt(consumer.bp)
    csrf.exempt(ckan.bp)  # read-only actions; ckanapi POSTs its arguments as JSON
    app.before_request(guard.before)
    app.after_request(guard.after)
    sweeps.register(app, "api.idempotency-keys", idempotency.forget_old)
