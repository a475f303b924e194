"""The mapping file: which source file holds each entity, which column holds each field, and how codes translate.

A TOML file (``docs/legacy-import.md`` has a complete example)::

    [source]                      # defaults for every entity
    timezone = "Asia/Jakarta"     # the old system's wall clock
    date_format = "%d/%m/%Y"      # strptime format of dates (a list tries each in turn)
    thousands = "."               # amounts like 1.250.000 or Rp 1.250.000,00
    decimal = ","
    batch_size = 1000

    [consumers]
    file = "pelanggan.csv"        # or "export.xlsx#Pelanggan" (a sheet of a workbook)
    contact = "invite"            # invite | on_request | never
    [consumers.columns]           # Statdesk field = source column
    source_id = "ID"
    email = "EMAIL"
    [consumers.codes.segment]     # source code = Statdesk code; "*" catches every other code
    UMUM = "public"
    [consumers.defaults]          # the value of a blank or absent column
    segment = "public"

Everything is checked on loading; a mistake is a ``MappingError`` listing every problem.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from core.errors import Invalid
from legacy.spec import ENTITIES

CONTACT = ("invite", "on_request", "never")


class MappingError(Invalid):
    """The mapping file cannot be used; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class EntityMapping:
    name: str
    file: str
    columns: dict[str, str]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    contact: str = "on_request"

    @property
    def path_and_sheet(self) -> tuple[str, str]:
        path, _sep, sheet = self.file.partition("#")
        return path, sheet


@dataclass
class Mapping:
    timezone: ZoneInfo
    date_formats: tuple[str, ...]
    thousands: str
    decimal: str
    encoding: str
    delimiter: str
    batch_size: int
    entities: dict[str, EntityMapping]
    digest: str


def _formats(value, where: str, problems: list[str]) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and "%" in v for v in values):
        problems.append(_("%(where)s: date_format must be a strptime format such as %%d/%%m/%%Y, or a list of them",
                          where=where))
        return ()
    return tuple(values)


def parse(text: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError([_("The mapping is not valid TOML: %(error)s", error=str(exc))]) from None
    problems: list[str] = []
    source = data.get("source", {})
    if not isinstance(source, dict):
        source = {}
        problems.append(_("[source] must be a table"))
    try:
        zone = ZoneInfo(str(source.get("timezone", "Asia/Jakarta")))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
        problems.append(_("[source] timezone %(zone)s is not a known time zone", zone=source.get("timezone")))
    formats = _formats(source.get("date_format", "%Y-%m-%d"), "[source]", problems)
    batch_size = source.get("batch_size", 1000)
    if not isinstance(batch_size, int) or not 1 <= batch_size <= 50_000:
        problems.append(_("[source] batch_size must be a whole number from 1 to 50000"))
        batch_size = 1000
    unknown = sorted(set(data) - {"source", *ENTITIES})
    if unknown:
        problems.append(_("Unknown sections: %(names)s (known: %(known)s)", names=", ".join(unknown),
                          known=", ".join(ENTITIES)))
    entities = {}
    for name, spec in ENTITIES.items():
        table = data.get(name)
        if table is None:
            continue
        entities[name] = _entity(name, spec, table, formats, problems)
    if not entities:
        problems.append(_("The mapping names no entity to import"))
    if problems:
        raise MappingError(problems)
    return Mapping(timezone=zone, date_formats=formats, thousands=str(source.get("thousands", "")),
                   decimal=str(source.get("decimal", ",")), encoding=str(source.get("encoding", "utf-8-sig")),
                   delimiter=str(source.get("delimiter", ",")), batch_size=batch_size, entities=entities,
                   digest=hashlib.sha256(text.encode()).hexdigest())


def _entity(name: str, spec, table, formats, problems: list[str]) -> EntityMapping:
    where = f"[{name}]"
    if not isinstance(table, dict) or not isinstance(table.get("file"), str) or not table["file"]:
        problems.append(_("%(where)s needs file = \"…\" (a CSV or XLSX file of the source)", where=where))
        return EntityMapping(name, "", {})
    columns = table.get("columns", {})
    if name == "items":  # the catalog importer's own columns (catalog/importer.py)
        return EntityMapping(name, table["file"], {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        problems.append(_("%(where)s columns must map Statdesk fields to source column names", where=where))
        columns = {}
    for field_name in sorted(set(columns) - set(spec.fields)):
        problems.append(_("%(where)s: %(field)s is not a field of %(entity)s (fields: %(known)s)", where=where,
                          field=field_name, entity=name, known=", ".join(spec.fields)))
    defaults = {str(k): str(v) for k, v in (table.get("defaults") or {}).items()}
    for field_name, definition in spec.fields.items():
        if definition.required and field_name not in columns and field_name not in defaults:
            problems.append(_("%(where)s: the required field %(field)s has no column", where=where, field=field_name))
    codes = {}
    for field_name, table_of_codes in (table.get("codes") or {}).items():
        definition = spec.fields.get(field_name)
        if definition is None or definition.choices is None:
            problems.append(_("%(where)s: %(field)s takes no codes", where=where, field=field_name))
            continue
        codes[field_name] = {str(k).strip().casefold(): str(v) for k, v in table_of_codes.items()}
        for target in sorted(set(codes[field_name].values()) - set(definition.choices)):
            problems.append(_("%(where)s: %(code)s is not a Statdesk code of %(field)s (codes: %(known)s)",
                              where=where, code=target, field=field_name, known=", ".join(definition.choices)))
    contact = str(table.get("contact", "on_request"))
    if contact not in CONTACT:
        problems.append(_("%(where)s: contact must be one of %(known)s", where=where, known=", ".join(CONTACT)))
    own_formats = _formats(table["date_format"], where, problems) if "date_format" in table else formats
    return EntityMapping(name, table["file"], dict(columns), codes, defaults, own_formats, contact)


def load(path: Path) -> Mapping:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError([_("Cannot read the mapping %(path)s: %(error)s", path=str(path), error=str(exc))]) from None
    return parse(text)
