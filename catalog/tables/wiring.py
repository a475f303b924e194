"""How the cube store plugs in: the viewer, the producer's import, the API, ``flask catalog tables``."""

from __future__ import annotations


def init_app(app, catalog_cli) -> None:
    from catalog.tables.api import api
    from catalog.tables.cli import tables_cli
    from catalog.tables.manage import manage
    from catalog.tables.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(manage)
    app.register_blueprint(api)
    catalog_cli.add_command(tables_cli)
