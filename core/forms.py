"""Forms shared by every package: the state-changing button and the filters of list pages."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from core.errors import Invalid

FORM_EXPIRED = _l("The form has expired. Reload the page and try again.")


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""


def submitted(form: FlaskForm) -> FlaskForm:
    """``form``, validated from this POST; ``Invalid`` when its token expired or it came from elsewhere.

    For forms whose only failure a person can cause is a stale page (buttons, fixed choices).
    """
    if not form.validate_on_submit():
        raise Invalid(FORM_EXPIRED)
    return form


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ListFilters(Form):
    """The filters of a list page, read from ``request.args`` with typed values.

    A plain WTForms form: a GET changes nothing, so there is no CSRF token.  ``read``
    drops a filter whose value does not validate (its ``data`` becomes ``None``), so a
    link with a value that no longer exists shows the whole list instead of an error.
    """

    @classmethod
    def read(cls, args):
        form = cls(args)
        form.validate()
        for name in form.errors:
            form[name].data = None
        return form


class EnumFilter(SelectField):
    """A choice among the values of ``enum_class``; ``data`` is the member, or ``None`` for none."""

    def __init__(self, label=None, enum_class: type[enum.Enum] | None = None, **kwargs):
        def member(value):
            return value if value is None or isinstance(value, enum_class) else enum_class(value) if value else None

        choices = [SelectChoice("", "")] + [SelectChoice(m.value, m.value) for m in enum_class]
        super().__init__(label, choices=choices, coerce=member, **kwargs)

    @property
    def value(self) -> str:
        """The chosen member's value, or "" (what the list page's select shows as selected)."""
        return self.data.value if self.data is not None else ""


class ChoiceFilter(SelectField):
    """A choice among fixed string ``values``; ``data`` is the value, or ``None`` for none."""

    def __init__(self, label=None, values: tuple[str, ...] = (), **kwargs):
        choices = [SelectChoice("", "")] + [SelectChoice(value, value) for value in values]
        super().__init__(label, choices=choices, coerce=lambda value: value or None, **kwargs)

    @property
    def value(self) -> str:
        return self.data or ""


class TextFilter(StringField):
    """Free text to search for, stripped; ``data`` is "" when nothing was typed."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, filters=[_strip], **kwargs)

    @property
    def value(self) -> str:
        return self.data or ""
