"""Flask-WTF forms of the accounts package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.models import ROLE_LABELS, SEGMENT_LABELS, Role, Segment
from core.forms import EnumFilter, ListFilters, TextFilter

SEGMENT_CHOICES = [SelectChoice(s.value, SEGMENT_LABELS[s]) for s in Segment if s is not Segment.INTERNAL]
ALL_SEGMENT_CHOICES = [SelectChoice(s.value, SEGMENT_LABELS[s]) for s in Segment]
ROLE_CHOICES = [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role]
LOCALE_CHOICES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ProfileFields:
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=160)])
    segment = SelectField(_l("I represent"), choices=SEGMENT_CHOICES, default=Segment.PUBLIC.value)
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    npwp = StringField(_l("Tax number (NPWP), for companies"), validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES, default="id")


class RegistrationForm(ProfileFields, FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    consent = BooleanField(_l("I have read the privacy notice and agree that my data is used as it describes"),
                           validators=[DataRequired(_l("Please agree to the privacy notice to create an account."))])


class ProfileForm(ProfileFields, FlaskForm):
    pass


class ResendForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])


class ForgotPasswordForm(ResendForm):
    pass


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class UserAdminForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=160)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=120)])
    segment = SelectField(_l("Segment"), choices=ALL_SEGMENT_CHOICES, default=Segment.PUBLIC.value)
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), choices=ROLE_CHOICES)
    active = BooleanField(_l("May sign in"), default=True)


class SecondStepForm(FlaskForm):
    """The code of the second step: six digits from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"})


class UserFilters(ListFilters):
    """The user list's filters: text in a name, e-mail or institution, and a role."""

    q = TextFilter()
    role = EnumFilter(enum_class=Role)
