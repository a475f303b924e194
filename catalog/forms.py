"""Producer forms: an item, a file, a schedule, a new version, a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from catalog import reference
from catalog.models import ACCESS_LABELS, KIND_LABELS, Access, ItemKind, TariffKind
from core.fields import BIGINT, BoundedIntegerField

TARIFF_LABELS = {TariffKind.NONE: _l("Free of charge"), TariffKind.FLAT: _l("Flat price"),
                 TariffKind.PER_UNIT: _l("Price per unit"), TariffKind.REGRESSIVE: _l("Regressive brackets")}


def region_choices() -> list[tuple[str, str]]:
    return [SelectChoice(r.code, f"{r.code} {r.name}") for r in reference.regions().values()]


def subject_choices() -> list[tuple[str, str]]:
    return [SelectChoice(s.code, ("— " if s.parent else "") + s.name_id) for s in reference.subjects().values()]


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in ItemKind])
    title_id = StringField(_l("Title (Indonesian)"), validators=[DataRequired(), Length(min=3, max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    abstract_id = TextAreaField(_l("Abstract (Indonesian)"), validators=[Optional(), Length(max=20000)])
    abstract_en = TextAreaField(_l("Abstract (English)"), validators=[Optional(), Length(max=20000)])
    keywords = StringField(_l("Keywords (comma-separated)"), validators=[Optional(), Length(max=1000)])
    subject_code = SelectField(_l("Subject area"), choices=[])
    region_code = SelectField(_l("Region"), choices=[])
    reference_period = StringField(_l("Reference period"), validators=[Optional(), Length(max=40)])
    year = BoundedIntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=1900, max=2100)])
    unit = StringField(_l("Producing unit"), validators=[Optional(), Length(max=120)])
    access = SelectField(_l("Access"), choices=[SelectChoice(a.value, ACCESS_LABELS[a]) for a in Access])
    tariff_kind = SelectField(_l("Tariff"), choices=[SelectChoice(t.value, TARIFF_LABELS[t]) for t in TariffKind])
    price = BoundedIntegerField(_l("Price or unit price (rupiah)"), validators=[Optional(), NumberRange(min=0)],
                                column=BIGINT)
    brackets = StringField(_l("Regressive brackets: from quantity:unit price, … (e.g. 1:500000, 11:300000)"),
                           validators=[Optional(), Length(max=500)])
    coverage_region = SelectField(_l("Map coverage region"), choices=[], validators=[Optional()])
    variables = TextAreaField(_l("Microdata variables, one per line: name;label;type"),
                              validators=[Optional(), Length(max=50000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_code.choices = subject_choices()
        self.region_code.choices = region_choices()
        self.coverage_region.choices = [SelectChoice("", "—"), *region_choices()]


class FileForm(FlaskForm):
    file = FileField(_l("File"))


class ScheduleForm(FlaskForm):
    release_at = DateTimeLocalField(_l("Release time (local time)"), format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired()])


class VersionForm(FlaskForm):
    changelog = TextAreaField(_l("What changed"), validators=[DataRequired(), Length(min=3, max=5000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the withdrawal"), validators=[DataRequired(), Length(min=5, max=2000)])
