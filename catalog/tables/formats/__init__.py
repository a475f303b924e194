"""Parsers and writers per file format.

Every writer takes an ``Extract`` (the selected sub-cube, its cells by code tuple, and the
metadata that must travel with it: title, unit, source, selection, footnotes, version, link);
every reader returns a ``cube.Draft`` with its problems.  ``records`` turns rows of text (CSV,
XLSX) into a cube through a column mapping; ``jsonstat`` and ``pcaxis`` describe themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog.tables.cube import Cell, Dimension, Selection, Structure, label_of


@dataclass
class Extract:
    structure: Structure  # restricted to the selected values
    cells: dict[tuple[str, ...], Cell]
    title: str
    locale: str
    version: int
    updated: datetime
    link: str = ""
    changelog: str = ""

    def label(self, labels: dict) -> str:
        return label_of(labels, self.locale)

    def fixed(self) -> list[tuple[Dimension, str]]:
        return [(d, d.values[0].code) for d in self.structure.dimensions if len(d.values) == 1]


def subset(structure: Structure, selection: Selection) -> Structure:
    """The structure with only the chosen values, in the table's order."""
    dimensions = []
    for d in structure.dimensions:
        wanted = set(selection.chosen[d.code])
        dimensions.append(Dimension(d.code, d.label, d.role, [v for v in d.values if v.code in wanted]))
    return Structure(dimensions, structure.unit, structure.decimals, structure.source, structure.contact,
                     structure.notes)
