"""Highlighted snippets, computed the same way for every backend.

The matched words of a field are wrapped in ``<mark>``; everything else is
escaped, so a snippet is safe to show as it is.  A word matches when its stem
in the field's language is one of the query's stems, or when it starts with one
of the query's prefixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from search_index import analysis
from search_index.query import Phrase, Prefix, Query, Word

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Matcher:
    stems: dict[str, frozenset[str]]  # language -> stems
    prefixes: tuple[str, ...]
    seen: dict = field(default_factory=dict, compare=False, repr=False)  # (lowered word, language) -> matches
    judged: dict = field(default_factory=dict, compare=False, repr=False)  # language -> (marked, not marked)

    @classmethod
    def for_query(cls, query: Query) -> Matcher:
        words, prefixes = [], []
        for group in query.required:
            for element in group:
                if isinstance(element, Word):
                    words.append(element.text)
                elif isinstance(element, Phrase):
                    words.extend(element.words)
                elif isinstance(element, Prefix):
                    prefixes.append(element.text)
        stems = {lang: frozenset(analysis.stem(w, lang) for w in words) for lang in analysis.LANGUAGES}
        return cls(stems, tuple(prefixes))

    def matches(self, word: str, language: str) -> bool:
        """Whether ``word`` is marked; answered once per word and language for the whole page of hits."""
        key = (word, language)
        found = self.seen.get(key)
        if found is None:
            lowered = word.lower()
            found = lowered not in analysis.STOP_WORDS and (
                analysis.stem(lowered, language) in self.stems[language]
                or lowered.startswith(self.prefixes or ("\0",)))
            if len(self.seen) < 50_000:
                self.seen[key] = found
        return found

    def marked(self, words: set[str], language: str) -> set[str]:
        """The lower-case ``words`` that are marked, each judged once per page (set operations otherwise)."""
        yes, no = self.judged.setdefault(language, (set(), set()))
        for word in words - yes - no:
            (yes if self.matches(word, language) else no).add(word)
        return words & yes


def _spans(text: str, matcher: Matcher, language: str) -> list[tuple[int, int]]:
    """Where the marked words of ``text`` stand.

    The distinct words are found at C speed and judged once each; only when some of them match is the
    text scanned again, by one expression of just those words, so a long abstract costs no Python work
    per word."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: positions would shift
        return [(m.start(), m.end()) for m in analysis.TOKEN.finditer(text) if matcher.matches(m.group(), language)]
    marked = matcher.marked(set(analysis.TOKEN.findall(lowered)), language)
    if not marked:
        return []
    alternatives = "|".join(re.escape(word) for word in sorted(marked, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")
    return [(m.start(), m.end()) for m in pattern.finditer(lowered)]


def snippet(text: str, matcher: Matcher, language: str, limit: int = SNIPPET_CHARS) -> Markup:
    """A passage of ``text`` of about ``limit`` characters around its densest matches."""
    text = analysis.clean(text or "").strip()
    spans = _spans(text, matcher, language)
    start = 0
    if spans and len(text) > limit:
        best, best_count = spans[0][0], 0
        for first, _ in spans:  # the window beginning at a match that holds the most matches
            count = sum(1 for s, e in spans if first <= s and e <= first + limit)
            if count > best_count:
                best, best_count = first, count
        start = max(0, min(best - limit // 5, len(text) - limit))
        while start > 0 and not text[start - 1].isspace():  # do not cut a word in two
            start -= 1
    end = min(len(text), start + limit)
    while end < len(text) and not text[end].isspace() and end - start < limit + 30:
        end += 1
    pieces = ["\u2026 " if start > 0 else ""]
    position = start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(escape(text[position:s]))
        pieces.append(Markup("<mark>%s</mark>") % text[s:e])
        position = e
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(" \u2026")
    return Markup("").join(pieces)
