"""Role decorators for views.

Views declare the roles they serve with ``@roles_required``; services still check
the object being touched.  The decorator records the roles on the view function
so the access test can walk every protected page with every role.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from core.extensions import login_manager


def roles_required(*roles: str):
    """Allow signed-in users holding any of ``roles``; others get login or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def login_required(view):
    """Any signed-in user; recorded like ``roles_required`` with no role."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.required_roles = frozenset()
    return wrapped
