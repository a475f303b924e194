"""Who follows a catalog item: the series it belongs to, saved searches it matches, and the follower query.

A **series** is every period of one table or publication (the monthly CPI of one
city): items of the same kind, subject, region and producing unit whose Indonesian
titles agree once the period is taken out (the reference period, years, month and
quarter names, numbers).  ``series_key`` writes that down as one string, so a
follow of a series is a follow of that key and matches every later period.

A **saved search** is the query language of ``search_index.query`` plus optional
kind, subject and region filters, kept as a normalised query string
(``q=inflasi&region=52``).  An item matches when every required group has an
element found in the item's titles, abstracts or keywords (words compared by their
stems in both languages, as the search index does) and no excluded element is.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa

from catalog import reference
from catalog.models import Item, ItemKind
from search_index import analysis
from search_index.query import Phrase, Prefix, Query, QueryError, Word, parse
from subscriptions.models import Subscription, Target

MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
          "oktober", "november", "desember", "january", "february", "march", "may", "june", "july",
          "august", "october", "december", "jan", "feb", "mar", "apr", "jun", "jul", "agu", "aug", "sep",
          "okt", "oct", "nov", "des", "dec", "triwulan", "kuartal", "quarter", "semester")
_PERIOD = re.compile(r"\b(?:" + "|".join(MONTHS) + r"|q[1-4]|tw[1-4]|s[12]|i{1,3}|iv|\d+)\b",
                     re.IGNORECASE)
SEARCH_FIELDS = ("q", "kind", "subject", "region")


def series_key(item: Item) -> str:
    """The key shared by every period of the item's series."""
    title = analysis.normalise(item.title_id)
    if item.reference_period:
        title = title.replace(analysis.normalise(item.reference_period), " ")
    title = " ".join(_PERIOD.sub(" ", title).replace(",", " ").replace("-", " ").split())
    return f"{item.kind.value}|{item.subject_code}|{item.region_code}|{item.unit}|{title}"[:300]


def series_label(item: Item, locale: str = "id") -> str:
    """A person's name for the series: the item's title without its period."""
    title = item.title(locale)
    if item.reference_period:
        title = title.replace(item.reference_period, "")
    return " ".join(_PERIOD.sub(" ", title).split()) or item.title(locale)


def normalised_search(args) -> str:
    """The saved-search value for ``args`` (a mapping of the search page's arguments); raises on a bad query."""
    q = (args.get("q") or "").strip()[:200]
    query = parse(q)
    if query.empty:
        raise QueryError("empty")
    kept = {"q": q}
    if args.get("kind") in {k.value for k in ItemKind}:
        kept["kind"] = args["kind"]
    if args.get("subject") in reference.subjects():
        kept["subject"] = args["subject"]
    if args.get("region") in reference.regions():
        kept["region"] = args["region"]
    return urlencode(kept)


def search_fields(value: str) -> dict[str, str]:
    return {name: text for name, text in parse_qsl(value) if name in SEARCH_FIELDS}


class _ItemText:
    def __init__(self, item: Item):
        text = " ".join([item.title_id, item.title_en, item.abstract_id, item.abstract_en,
                         " ".join(item.keywords or ())])
        self.words = analysis.words(text)
        self.stems = {analysis.stem(w, lang) for w in self.words for lang in ("id", "en")}
        self.sequence = " " + " ".join(self.words) + " "

    def has(self, element) -> bool:
        if isinstance(element, Word):
            return bool({analysis.stem(element.text, lang) for lang in ("id", "en")} & self.stems)
        if isinstance(element, Prefix):
            return any(word.startswith(element.text) for word in self.words)
        if isinstance(element, Phrase):
            return f" {' '.join(element.words)} " in self.sequence
        return False


def search_matches(value: str, item: Item, text: _ItemText | None = None) -> bool:
    fields = search_fields(value)
    try:
        query: Query = parse(fields.get("q", ""))
    except QueryError:
        return False
    if query.empty:
        return False
    if fields.get("kind") and fields["kind"] != item.kind.value:
        return False
    if fields.get("subject") and fields["subject"] not in reference.subject_path(item.subject_code):
        return False
    if fields.get("region") and fields["region"] not in reference.region_path(item.region_code):
        return False
    text = text or _ItemText(item)
    return (all(any(text.has(e) for e in group) for group in query.required)
            and not any(text.has(e) for e in query.excluded))


def follower_clause(item: Item, searches: list[str] | None = None):
    """SQL: the subscriptions that follow ``item`` (directly, by series, subject, region, producer or search).

    ``searches``: the saved-search values that match (``matching_searches``).
    """
    pairs = [(Target.ITEM, str(item.id)), (Target.SERIES, series_key(item)), (Target.PRODUCER, item.unit)]
    pairs += [(Target.SUBJECT, code) for code in reference.subject_path(item.subject_code)]
    pairs += [(Target.REGION, code) for code in reference.region_path(item.region_code)]
    pairs += [(Target.SEARCH, value) for value in searches or ()]
    return sa.or_(*(sa.and_(Subscription.target == target, Subscription.value == value) for target, value in pairs))


def matching_searches(session, item: Item) -> list[str]:
    """The distinct saved searches (each evaluated once, whatever its number of followers) that ``item`` matches."""
    values = session.scalars(sa.select(Subscription.value).where(Subscription.target == Target.SEARCH).distinct())
    text = _ItemText(item)
    return [value for value in values if search_matches(value, item, text)]
