"""Forms of the finance console (CSRF included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class StatementForm(FlaskForm):
    statement = FileField(_l("Bank statement (CSV)"), validators=[FileRequired()])
    skip_bad = BooleanField(_l("Skip the bad lines and apply the good ones"))


class RefundForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the refund"), validators=[DataRequired(), Length(min=10, max=4000)])


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note (required to decline)"), validators=[Optional(), Length(max=4000)])
