"""The administrator's import form (CSRF included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Length


class ImportForm(FlaskForm):
    mapping = FileField(_l("Mapping (TOML)"), validators=[FileRequired()])
    files = MultipleFileField(_l("Source files (CSV or XLSX)"))
    dry_run = BooleanField(_l("Dry run: check everything and write the report, change nothing"), default=True)


class ClaimForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])
