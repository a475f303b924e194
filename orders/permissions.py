"""Who may do what to orders.  Consumers see their own; staff roles work the order desk."""

from __future__ import annotations

from flask_babel import gettext as _

from core.errors import Forbidden

DESK_ROLES = ("operator", "supervisor", "finance", "admin")  # may see the order desk
SERVICE_ROLES = ("operator", "supervisor", "admin")  # may review and fulfil orders (finance only looks)


def is_staff(user) -> bool:
    return any(user.has_role(role) for role in DESK_ROLES)


def require_service_staff(user) -> None:
    if not any(user.has_role(role) for role in SERVICE_ROLES):
        raise Forbidden(_("Only service staff may do this."))
