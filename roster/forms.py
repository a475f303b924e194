"""Flask-WTF forms of the roster package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.fields import BoundedIntegerField
from roster.models import ExceptionKind
from roster.reasons import WEEKDAY_NAMES


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ShiftForm(FlaskForm):
    operator_id = SelectField(_l("Operator"), coerce=int, validators=[InputRequired()])
    weekday = SelectField(_l("Day"), coerce=int,
                          choices=[SelectChoice(n, name) for n, name in enumerate(WEEKDAY_NAMES)])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("Until"), validators=[DataRequired()])
    kinds = MultiCheckboxField(_l("Serves"), validators=[DataRequired()])


class ExceptionForm(FlaskForm):
    operator_id = SelectField(_l("Operator"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Type"), choices=[SelectChoice(ExceptionKind.LEAVE.value, _l("Leave")),
                                            SelectChoice(ExceptionKind.EXTRA.value, _l("Extra shift"))])
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day (leave)"), validators=[Optional()])
    starts = TimeField(_l("From (extra shift)"), validators=[Optional()])
    ends = TimeField(_l("Until (extra shift)"), validators=[Optional()])
    kinds = MultiCheckboxField(_l("Serves (extra shift)"), validators=[Optional()])
    substitute_id = SelectField(_l("Substitute during leave (takes the open work)"), coerce=int,
                                validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])


class ClosureForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    name = StringField(_l("Reason (for example: Cuti bersama Idulfitri)"), validators=[DataRequired(), Length(max=120)])


class QuotaForm(FlaskForm):
    operator_id = SelectField(_l("Operator"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Applies to"), validators=[Optional()])
    max_open = BoundedIntegerField(_l("Maximum open items (empty removes the quota)"),
                                   validators=[Optional(), NumberRange(min=0, max=1000)])


class ReassignForm(FlaskForm):
    operator_id = SelectField(_l("Give to"), coerce=int, validators=[InputRequired()])
