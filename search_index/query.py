"""The query language of the search box, parsed once for every backend.

Words are AND-ed; ``OR`` (upper case) between two parts makes either enough;
``"..."`` is a phrase; ``word*`` matches every word starting with ``word``;
``-word`` or ``-"a phrase"`` leaves out what contains it.  Stop words are
dropped.  A query that cannot be understood raises ``QueryError`` whose message
tells the consumer what to change; it never reaches a backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.errors import Invalid
from search_index import analysis

MAX_LENGTH = 200
MIN_PREFIX = 2
_PART = re.compile(r'-?"[^"]*"|\S+')


class QueryError(Invalid, ValueError):
    """A query the consumer has to change; ``message`` says how (translated on display)."""

    def __init__(self, message):
        super().__init__(message, errors={"q": [message]})


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    text: str


Element = Word | Phrase | Prefix


@dataclass(frozen=True)
class Query:
    """``required``: groups of which each must match (any element of a group is enough);
    ``excluded``: elements no hit may match."""

    required: tuple[tuple[Element, ...], ...] = ()
    excluded: tuple[Element, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.required and not self.excluded

    def positive_words(self) -> list[str]:
        """The plain words the consumer is looking for (for highlights and suggestions)."""
        found = []
        for group in self.required:
            for element in group:
                if isinstance(element, Word):
                    found.append(element.text)
                elif isinstance(element, Phrase):
                    found.extend(element.words)
        return found


def _element(body: str) -> tuple[Element | None, bool]:
    """The element ``body`` stands for, and whether it held only stop words."""
    if body.startswith('"'):
        kept = tuple(w for w in analysis.words(body.strip('"')) if w not in analysis.STOP_WORDS)
        if not kept:
            return None, bool(analysis.words(body))
        return (Word(kept[0]) if len(kept) == 1 else Phrase(kept)), False
    if body.endswith("*"):
        stem = analysis.words(body.rstrip("*"))
        if len(stem) != 1 or len(stem[0]) < MIN_PREFIX:
            raise QueryError(_l("Put at least two letters before * (for example: pendud*)."))
        return Prefix(stem[0]), False
    found = analysis.words(body)
    kept = tuple(w for w in found if w not in analysis.STOP_WORDS)
    if not kept:
        return None, bool(found)
    return (Word(kept[0]) if len(kept) == 1 else Phrase(kept)), False


def parse(text: str) -> Query:
    """Parse what the consumer typed; raises ``QueryError`` with a helpful message."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        raise QueryError(_l("The search is too long: use at most %(limit)d characters.", limit=MAX_LENGTH))
    text = analysis.clean(text).replace("\u201c", '"').replace("\u201d", '"').strip()
    if text.count('"') % 2:
        raise QueryError(_l('A quotation mark is not closed: add the closing " or remove it.'))
    required: list[tuple[Element, ...]] = []
    excluded: list[Element] = []
    only_stop_words = False
    join_next = False
    for part in _PART.findall(text):
        if part == "OR":
            join_next = bool(required)
            continue
        negative = part.startswith("-")
        body = part[1:] if negative else part
        if negative and not body.strip('"-'):
            raise QueryError(_l("A minus sign must be followed by the word to leave out (for example: -sensus)."))
        element, stop_only = _element(body)
        only_stop_words = only_stop_words or stop_only
        if element is None:
            continue
        if negative:
            excluded.append(element)
        elif join_next and required:
            required[-1] = (*required[-1], element)
        else:
            required.append((element,))
        join_next = False
    if not required and excluded:
        raise QueryError(_l("Say what to look for, not only what to leave out."))
    if not required and only_stop_words:
        raise QueryError(_l("Only very common words were given (such as \u201cdan\u201d, \u201cyang\u201d or "
                            "\u201cthe\u201d): add a more specific word."))
    return Query(tuple(required), tuple(excluded))


def unparse(query: Query) -> str:
    """``query`` written back in the query language (what a suggestion corrects)."""
    parts = []
    for group in query.required:
        alternatives = []
        for element in group:
            if isinstance(element, Word):
                alternatives.append(element.text)
            elif isinstance(element, Phrase):
                alternatives.append('"' + " ".join(element.words) + '"')
            else:
                alternatives.append(element.text + "*")
        parts.append(" OR ".join(alternatives))
    parts.extend("-" + (e.text if isinstance(e, Word | Prefix) else '"' + " ".join(e.words) + '"')
                 for e in query.excluded)
    return " ".join(parts)
