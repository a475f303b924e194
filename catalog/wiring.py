"""How the catalog plugs into the application (called by ``create_app``).

The catalog's home page takes over the site root: ``core`` registers ``/`` as the
endpoint ``core.index`` (linked from the header and error pages), and here that
endpoint's view becomes ``catalog.views.home`` — one rule, every existing link
keeps working, and signed-in users still find "Go to my home" on it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from catalog import demo, search, services
    from catalog.api import api
    from catalog.cli import cli
    from catalog.manage import manage
    from catalog.reference import region_name
    from catalog.tables.wiring import init_app as init_tables
    from catalog.views import bp, home
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.navigation import NavLink, register_link
    from search_index.documents import LABELS, SOURCES

    app.add_template_filter(region_name, "region_name")  # region names, never bare codes, on pages
    app.register_blueprint(bp)
    app.register_blueprint(manage)
    app.register_blueprint(api)
    app.view_functions["core.index"] = home
    init_tables(app, cli)
    app.cli.add_command(cli)
    source = search.source()
    SOURCES.register(app, source.name, source)
    for facet, label in search.LABELS.items():
        LABELS.register(app, (facet, label))
    sweeps.register(app, "catalog.scheduled-releases", services.release_due)
    DEMO_LOADERS.register(app, ("catalog", demo.load))
    for role in ("producer", "supervisor", "admin"):
        register_link(app, NavLink(role, _l("Catalog items"), "catalog_manage.index",
                                   _l("Create, release, version and withdraw catalog items."), order=20))
    for role in ("consumer", "operator"):
        register_link(app, NavLink(role, _l("Catalog"), "catalog.browse",
                                   _l("Tables, publications, microdata and maps."), order=10))
