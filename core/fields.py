"""Form fields shared by every package.

``BoundedIntegerField`` is the integer field to use for any number that reaches the
database.  WTForms' ``IntegerField`` accepts a number of any length, and its
``NumberRange`` validator then fails with ``OverflowError`` on one too large for a
float; a value outside the column's range would fail again in the database.  This
field refuses, with a field error, any number outside the range of the column it
is stored in (``INTEGER`` by default, ``BIGINT`` for money).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField

INTEGER = (-(2**31), 2**31 - 1)
BIGINT = (-(2**63), 2**63 - 1)
MAX_ID = INTEGER[1]  # the largest INTEGER primary key: a larger id typed into a form is simply not there


class BoundedIntegerField(IntegerField):
    """An ``IntegerField`` whose value fits ``column`` (``INTEGER`` or ``BIGINT``), else a field error."""

    def __init__(self, label=None, validators=None, column: tuple[int, int] = INTEGER, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.column = column

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        low, high = self.column
        if self.data is not None and not low <= self.data <= high:
            self.data = None
            raise ValueError(str(_l("The number is too large.")))
