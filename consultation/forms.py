"""Flask-WTF forms of the consultation package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from accounts.models import SEGMENT_LABELS, Segment
from consultation.ikm import ELEMENTS
from consultation.models import (
    CALL_OUTCOME_LABELS,
    CAUSE_LABELS,
    CHANNEL_LABELS,
    COMPLAINT_LABELS,
    KIND_LABELS,
    SCORE_COLUMNS,
    CallOutcome,
    Channel,
    ComplaintAbout,
    ComplaintCause,
    RequestKind,
    Status,
)
from core.fields import BoundedIntegerField
from core.forms import EnumFilter, ListFilters

KIND_CHOICES = [SelectChoice(k.value, KIND_LABELS[k]) for k in RequestKind]
ABOUT_CHOICES = [SelectChoice("", "—"), *[SelectChoice(c.value, COMPLAINT_LABELS[c]) for c in ComplaintAbout]]
CHANNEL_CHOICES = [SelectChoice(c.value, CHANNEL_LABELS[c]) for c in Channel if c is not Channel.WEB]
SCORE_CHOICES = [SelectChoice(1, _l("1 · not good")), SelectChoice(2, _l("2 · fairly good")),
                 SelectChoice(3, _l("3 · good")), SelectChoice(4, _l("4 · very good"))]


class RequestFields:
    kind = SelectField(_l("What do you need?"), choices=KIND_CHOICES, default=RequestKind.DATA.value)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(min=3, max=200)])
    question = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(min=10, max=10000)])
    catalog_item_id = BoundedIntegerField(_l("Catalog item number (optional)"),
                                          validators=[Optional(), NumberRange(min=1)])
    complaint_about = SelectField(_l("For a complaint: about"), choices=ABOUT_CHOICES, validators=[Optional()])
    complaint_reference = StringField(_l("For a complaint: order or request number"),
                                      validators=[Optional(), Length(max=80)])
    files = MultipleFileField(_l("Attachments (PDF, image, text, CSV, Word, Excel; at most 3)"))


class RequestForm(RequestFields, FlaskForm):
    pass


class EnterOnBehalfForm(RequestFields, FlaskForm):
    channel = SelectField(_l("Came in by"), choices=CHANNEL_CHOICES)
    full_name = StringField(_l("Person's name"), validators=[DataRequired(), Length(max=160)])
    email = EmailField(_l("Person's e-mail"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Person's phone"), validators=[Optional(), Length(max=32)])
    segment = SelectField(_l("Represents"), choices=[SelectChoice(s.value, SEGMENT_LABELS[s]) for s in Segment],
                          default=Segment.PUBLIC.value)
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    received_on = DateField(_l("Letter: date received at the office"), validators=[Optional()])
    letter_reference = StringField(_l("Letter: its number"), validators=[Optional(), Length(max=80)])
    letter_date = DateField(_l("Letter: its date"), validators=[Optional()])
    postal_address = TextAreaField(_l("Letter: postal address to answer to"),
                                   validators=[Optional(), Length(max=500)])
    handle_myself = BooleanField(_l("Handle it myself now (I am on duty)"))
    over_quota_reason = StringField(_l("If that takes me over my quota, why"), validators=[Optional(), Length(max=255)])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10000)])
    files = MultipleFileField(_l("Attachments"))
    ask_consumer = BooleanField(_l("Ask the consumer for more information (waits for their answer)"))


class NoteForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=255)])


class ComplaintHandlingForm(FlaskForm):
    cause = SelectField(_l("Cause"), choices=[SelectChoice(c.value, CAUSE_LABELS[c]) for c in ComplaintCause],
                        validators=[InputRequired()])
    corrective_action = TextAreaField(_l("Corrective action"), validators=[Optional(), Length(max=4000)])
    referred_unit = StringField(_l("Referred to the unit"), validators=[Optional(), Length(max=120)])
    follow_up_due = DateField(_l("Follow-up promised to the citizen by"), validators=[Optional()])
    message = TextAreaField(_l("Message to the citizen (sent as an answer; optional)"),
                            validators=[Optional(), Length(max=10000)])


class CallForm(FlaskForm):
    outcome = RadioField(_l("How did the call go?"), choices=[SelectChoice(c.value, CALL_OUTCOME_LABELS[c])
                                                             for c in CallOutcome], validators=[InputRequired()])
    note = StringField(_l("Note on the call"), validators=[Optional(), Length(max=500)])


class InternalNoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note (staff only)"), validators=[DataRequired(), Length(max=4000)])


class ReassignForm(FlaskForm):
    operator_id = SelectField(_l("Give to"), coerce=int, validators=[InputRequired()])


class RatingForm(FlaskForm):
    comment = TextAreaField(_l("Comment or suggestion (optional)"), validators=[Optional(), Length(max=2000)])


for _column, _label in zip(SCORE_COLUMNS, ELEMENTS, strict=True):
    setattr(RatingForm, _column, RadioField(_label, choices=SCORE_CHOICES, coerce=int, validators=[InputRequired()]))


class DeskFilters(ListFilters):
    """The supervisor's filter of every request on the desk: one status."""

    status = EnumFilter(enum_class=Status)
