"""Flask-WTF forms of the orders pages (CSRF included)."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from core.fields import BIGINT, BoundedIntegerField
from core.forms import EnumFilter, ListFilters, TextFilter
from orders.models import OrderState, TransactionKind


class DeskFilters(ListFilters):
    """The order desk's filters: state, kind, and an order, invoice or billing number."""

    state = EnumFilter(enum_class=OrderState)
    kind = EnumFilter(enum_class=TransactionKind)
    q = TextFilter()


class AddToCartForm(FlaskForm):
    item_id = BoundedIntegerField(_l("Item"), validators=[DataRequired()])
    quantity = BoundedIntegerField(_l("Quantity"), default=1, validators=[NumberRange(min=1, max=1000)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=32)])
    variables = SelectMultipleField(_l("Variables"), choices=[], validate_choice=False)


class CheckoutForm(FlaskForm):
    non_commercial = BooleanField(_l("The data are for non-commercial use (government, education, research "
                                     "or international institution)"))
    purpose = TextAreaField(_l("Purpose of use"), validators=[Optional(), Length(max=4000)])
    abstract = FileField(_l("Data-use abstract (microdata)"))
    letter = FileField(_l("Request letter of your institution (zero-rupiah requests)"))
    # A fresh one-time token each time the cart page is shown: submitting that page twice places one order.
    submission = HiddenField(default=lambda: secrets.token_urlsafe(16),
                             validators=[Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]*$")])


class ApproveForm(FlaskForm):
    sample = FileField(_l("Sample file for the consumer (optional)"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason the consumer will read"), validators=[DataRequired(), Length(min=5, max=4000)])


class RevisionForm(FlaskForm):
    reason = TextAreaField(_l("What the consumer should change"), validators=[DataRequired(), Length(min=5, max=4000)])


class ResubmitForm(FlaskForm):
    abstract = FileField(_l("Revised data-use abstract"))
    letter = FileField(_l("Revised request letter"))


class AgreementForm(FlaskForm):
    signed_copy = FileField(_l("Signed copy (optional: accepting online is enough)"))


class FinishTaskForm(FlaskForm):
    files = MultipleFileField(_l("Prepared files"))


class SimulatorForm(FlaskForm):
    billing_code = StringField(_l("Billing code / virtual account"), validators=[DataRequired(), Length(max=32)])
    amount = BoundedIntegerField(_l("Amount paid (Rp)"), validators=[DataRequired(), NumberRange(min=1)], column=BIGINT)
