"""Forms shared by every package."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""
