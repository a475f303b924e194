"""How the core package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from core import sweeps, unit_of_work
    from core.cli import backup_cli, config_cli, demo_cli, outbox_cli, sweep_command
    from core.health import bp as health_bp
    from core.jobs import jobs_cli
    from core.navigation import FOOTER_LINKS, FooterLink
    from core.outbox import deliver_due
    from core.pages import bp as pages_bp
    from core.views import bp

    # Declared before any package's jobs (core is wired first), so every round delivers the outbox first.
    sweeps.register(app, "outbox.deliver", deliver_due)
    if app.config["STATDESK_BACKUP_HOURS"] > 0:
        from core.backup import scheduled_backup

        sweeps.register(app, "backup.scheduled", scheduled_backup, interval=app.config["STATDESK_BACKUP_HOURS"] * 3600)
    unit_of_work.listen()

    app.register_blueprint(bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    FOOTER_LINKS.register(app, FooterLink(_l("Contact"), "pages.contact", order=30))
    FOOTER_LINKS.register(app, FooterLink(_l("About"), "pages.about", order=40))
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(sweep_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(config_cli)
