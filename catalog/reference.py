"""Reference lists shipped with the package: BPS region codes and the subject tree.

Regions follow the BPS ``kode wilayah``: two digits for a province (``52`` Nusa
Tenggara Barat), four for a regency or city (``5203`` Lombok Timur; ``71``–``79``
in the last two digits are cities).  The lists are package data, read once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def is_province(self) -> bool:
        return len(self.code) == 2

    @property
    def province_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Subject:
    code: str
    parent: str
    name_id: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_id


def _rows(name: str) -> list[dict]:
    with resources.files("catalog").joinpath("data", name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def regions() -> dict[str, Region]:
    return {row["code"]: Region(row["code"], row["name"]) for row in _rows("regions.csv")}


@cache
def subjects() -> dict[str, Subject]:
    return {row["code"]: Subject(row["code"], row["parent"], row["name_id"], row["name_en"])
            for row in _rows("subjects.csv")}


def provinces() -> list[Region]:
    return [region for region in regions().values() if region.is_province]


def regencies_of(province_code: str) -> list[Region]:
    return [r for r in regions().values() if not r.is_province and r.province_code == province_code]


def region_path(code: str) -> tuple[str, ...]:
    """``"5203"`` → ``("52", "5203")``; a province is its own path; unknown or empty → ``()``."""
    if code not in regions():
        return ()
    return (code,) if len(code) == 2 else (code[:2], code)


def region_name(code: str) -> str:
    region = regions().get(code)
    return region.name if region else code


def subject_path(code: str) -> tuple[str, ...]:
    """The subject and its ancestors, root first."""
    path, known = [], subjects()
    while code and code in known and code not in path:
        path.insert(0, code)
        code = known[code].parent
    return tuple(path)


def subject_name(code: str, locale: str = "id") -> str:
    subject = subjects().get(code)
    return subject.name(locale) if subject else code
