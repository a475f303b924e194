"""Forms of the visit pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from visits import offer


def service_choices(bookable_only: bool = False) -> list[SelectChoice]:
    return [SelectChoice(s.code, str(s.label)) for s in offer.SERVICES
            if not bookable_only or offer.capacity_of(s.code) > 0]


class BookingForm(FlaskForm):
    service = SelectField(_l("Service"), validators=[InputRequired()])
    day = StringField(_l("Date"), validators=[InputRequired(), Length(max=10)])
    slot = RadioField(_l("Time"), validators=[InputRequired(message=_l("Choose a time."))])
    full_name = StringField(_l("Your name"), validators=[Optional(), Length(max=160)])
    phone = StringField(_l("Phone (SMS or WhatsApp)"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)])
    note = TextAreaField(_l("What do you come for? (optional)"), validators=[Optional(), Length(max=500)])


class ChangeForm(FlaskForm):
    slot = RadioField(_l("New time"), validators=[InputRequired(message=_l("Choose a time."))])


class CheckInForm(FlaskForm):
    code = StringField(_l("Booking code"), validators=[InputRequired(), Length(max=20)])


class TicketForm(FlaskForm):
    service = SelectField(_l("Service"), validators=[InputRequired()])
    full_name = StringField(_l("Visitor's name (optional)"), validators=[Optional(), Length(max=160)])
    phone = StringField(_l("Phone for notices (optional)"), validators=[Optional(), Length(max=30)])
    locale = SelectField(_l("Language of notices"), choices=[SelectChoice("id", "Bahasa Indonesia"),
                                                             SelectChoice("en", "English")])


class CounterForm(FlaskForm):
    name = StringField(_l("Counter name"), validators=[InputRequired(), Length(max=40)])


class SignInForm(FlaskForm):
    services = SelectMultipleField(_l("Services I serve here"), validators=[Optional()])


class TransferForm(FlaskForm):
    service = SelectField(_l("Send to service"), validators=[InputRequired()])


class ServeForm(FlaskForm):
    full_name = StringField(_l("Visitor's name"), validators=[InputRequired(), Length(max=160)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    question = TextAreaField(_l("What the visitor asks for"), validators=[Optional(), Length(max=10000)])


class FinishForm(FlaskForm):
    summary = TextAreaField(_l("What was given or answered (sent to the visitor's request)"),
                            validators=[Optional(), Length(max=10000)])
    resolved = BooleanField(_l("The request is resolved"), default=True)
