"""The bilingual thesaurus of statistical terms, applied to a query before it is matched.

``data/thesaurus.txt`` holds sets of equivalent terms ("poverty | kemiskinan |
penduduk miskin"); its header says how to edit it.  ``expand(query)`` turns
every query term found in a set into a group of alternatives: the term as typed
and every other term of its set, so "poverty lombok" matches
``(poverty OR kemiskinan OR "penduduk miskin") AND lombok``.  A term may be
several consecutive words of the query ("labour force"); the longest term
wins.  Terms are compared by their stems in both languages, so "hospitals"
finds the set of "hospital".  A term listed in several sets finds the terms of
all of them ("gdp" is in the national and the regional line).

Every backend matches the expanded query and highlights its words; spelling
suggestions look at the query as typed (``knows`` tells which words the
thesaurus understands, so they are never "corrected").
"""

from __future__ import annotations

import os
from functools import lru_cache

from search_index import analysis
from search_index.query import Element, Phrase, Query, Word

THESAURUS_FILE = os.path.join(os.path.dirname(__file__), "data", "thesaurus.txt")
LONGEST = 5  # words in the longest term looked for


def _key(words) -> tuple[str, ...]:
    """How a term is looked up: its words without stop words, each by its Indonesian and English stem."""
    return tuple(f"{analysis.stem(w, 'id')}/{analysis.stem(w, 'en')}" for w in words
                 if w not in analysis.STOP_WORDS)


def _element(words: tuple[str, ...]) -> Element:
    return Word(words[0]) if len(words) == 1 else Phrase(words)


@lru_cache(maxsize=4)
def read(path: str = THESAURUS_FILE) -> dict[tuple[str, ...], tuple[Element, ...]]:
    """term key -> every term of its set, as query elements (the set in the file's order)."""
    found: dict[tuple[str, ...], tuple[Element, ...]] = {}
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            terms = [tuple(w for w in analysis.words(t) if w not in analysis.STOP_WORDS) for t in line.split("|")]
            if len(terms) < 2 or not all(terms):
                raise ValueError(f"{path}:{number}: a line needs at least two terms separated by |")
            elements = tuple(dict.fromkeys(_element(t) for t in terms))
            for term in terms:  # a term in several lines finds the terms of all of them
                key = _key(term)
                found[key] = tuple(dict.fromkeys((*found.get(key, ()), *elements)))
    return found


def knows(word: str) -> bool:
    """Whether ``word`` on its own is a term of the thesaurus."""
    return _key((word,)) in read()


def _words_of(group) -> tuple[str, ...] | None:
    """The words of a group that is one plain word or phrase (what a thesaurus term can be), else None."""
    if len(group) != 1:
        return None
    element = group[0]
    if isinstance(element, Word):
        return (element.text,)
    if isinstance(element, Phrase):
        return element.words
    return None


def expand(query: Query) -> Query:
    """``query`` with each term of the thesaurus widened to its set (see the module's docstring)."""
    sets = read()
    groups = list(query.required)
    expanded: list[tuple[Element, ...]] = []
    i = 0
    while i < len(groups):
        single = _words_of(groups[i])
        if single is None:
            expanded.append(_widened(groups[i], sets))
            i += 1
            continue
        if len(single) > 1:  # a phrase typed in quotes: the whole phrase may be a term
            expanded.append(_merged(single, sets.get(_key(single))))
            i += 1
            continue
        match = None
        for length in range(min(LONGEST, len(groups) - i), 0, -1):  # the longest run of plain words in a set
            run = [_words_of(g) for g in groups[i:i + length]]
            if any(r is None or len(r) != 1 for r in run):
                continue
            words = tuple(r[0] for r in run)
            if _key(words) in sets:
                match = words, sets[_key(words)]
                break
        if match is None:
            expanded.append(groups[i])
            i += 1
        else:
            expanded.append(_merged(*match))
            i += len(match[0])
    return Query(tuple(expanded), query.excluded)


def _merged(words: tuple[str, ...], alternatives: tuple[Element, ...] | None) -> tuple[Element, ...]:
    typed = _element(words)
    return tuple(dict.fromkeys((typed, *(alternatives or ()))))


def _widened(group: tuple[Element, ...], sets) -> tuple[Element, ...]:
    """An OR group: each plain word or phrase in it widened to its set."""
    out: list[Element] = []
    for element in group:
        out.append(element)
        words = (element.text,) if isinstance(element, Word) else element.words if isinstance(element, Phrase) \
            else None
        if words is not None:
            out.extend(sets.get(_key(words), ()))
    return tuple(dict.fromkeys(out))
