"""The follow and preferences form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from subscriptions.models import FREQUENCY_LABELS
from subscriptions.services import Preferences


class PreferencesForm(FlaskForm):
    frequency = SelectField(_l("How often"),
                            choices=[SelectChoice(f.value, label) for f, label in FREQUENCY_LABELS.items()])
    by_email = BooleanField(_l("By e-mail"), default=True)
    in_site = BooleanField(_l("In my notifications on this site"), default=True)
    language = SelectField(_l("Language"), choices=[SelectChoice("id", "Bahasa Indonesia"),
                                                      SelectChoice("en", "English")])

    def preferences(self) -> Preferences:
        return Preferences(frequency=self.frequency.data or "", by_email=bool(self.by_email.data),
                           in_site=bool(self.in_site.data), language=self.language.data or "")


class FollowForm(PreferencesForm):
    target = HiddenField()
    value = HiddenField()
