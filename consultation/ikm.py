"""The public satisfaction index (IKM), as PermenPANRB No. 14 of 2017 defines it.

Nine elements, each answered 1–4.  Each element's mean is its NRR; the
elements are weighted equally (1/9 each); the index is the weighted sum times 25.
Grades: A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

ELEMENTS = (
    _l("Requirements"),
    _l("Systems, mechanisms and procedures"),
    _l("Completion time"),
    _l("Cost / tariff"),
    _l("Product specification"),
    _l("Staff competence"),
    _l("Staff behaviour"),
    _l("Handling of complaints, suggestions and input"),
    _l("Facilities"),
)
WEIGHT = 1 / len(ELEMENTS)
GRADES = ((88.31, "A", _l("very good")), (76.61, "B", _l("good")), (65.00, "C", _l("fair")),
          (25.00, "D", _l("poor")))


@dataclass(frozen=True)
class SatisfactionIndex:
    respondents: int
    nrr: tuple[float, ...]  # mean score per element
    index: float  # 25.00–100.00, rounded to two decimals
    grade: str
    grade_label: str


def grade_of(index: float) -> tuple[str, str]:
    for floor, grade, label in GRADES:
        if index >= floor:
            return grade, str(label)
    return "", ""


def compute(responses: Iterable[Sequence[int]]) -> SatisfactionIndex | None:
    """The index of a set of survey responses (nine scores each); ``None`` without responses."""
    rows = [tuple(row) for row in responses]
    if not rows:
        return None
    if any(len(row) != len(ELEMENTS) or not all(1 <= score <= 4 for score in row) for row in rows):
        raise ValueError("each response has nine scores from 1 to 4")
    nrr = tuple(sum(row[i] for row in rows) / len(rows) for i in range(len(ELEMENTS)))
    index = round(sum(value * WEIGHT for value in nrr) * 25, 2)
    grade, label = grade_of(index)
    return SatisfactionIndex(len(rows), nrr, index, grade, label)
