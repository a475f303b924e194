"""The options of the browse page's subject and region filters, written once per language.

The region list alone is some 550 options; escaping and formatting them on every request was most of the
browse page's time.  Both lists are package data (``catalog.reference``), so their HTML is kept for the
process's life; a request only picks the selected option.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

from catalog import reference

Options = tuple[tuple[str, str, str], ...]  # (value, the option's HTML, its HTML when selected)


def _option(value: str, label: str) -> tuple[str, str, str]:
    value_html, label_html = escape(value), escape(label)
    return (value, f'<option value="{value_html}">{label_html}</option>',
            f'<option value="{value_html}" selected>{label_html}</option>')


@cache
def _regions() -> Options:
    return tuple(_option(code, f"{code} {region.name}") for code, region in reference.regions().items())


@cache
def _subjects(locale: str) -> Options:
    return tuple(_option(s.code, ("— " if s.parent else "") + s.name(locale)) for s in reference.subjects().values())


def _pick(options: Options, selected: str) -> Markup:
    return Markup("".join(chosen if value == selected else plain for value, plain, chosen in options))  # noqa: S704 (escaped above)


def region_options(selected: str = "") -> Markup:
    """``<option>``s of every region, code and name, ``selected`` marked."""
    return _pick(_regions(), selected)


def subject_options(locale: str, selected: str = "") -> Markup:
    """``<option>``s of every subject (those below another marked with a dash), ``selected`` marked."""
    return _pick(_subjects(locale), selected)
