""""Did you mean": corrections of misspelt query words from the index vocabulary.

Each backend keeps a vocabulary of the unstemmed words of its documents with
how many documents hold each; it answers two questions, ``frequency(word)``
and ``candidates(word)`` (words that could be near: same first letter, similar
length).  The choice among candidates is made here, so both backends suggest
the same thing for the same documents.  A word the thesaurus knows is never
"corrected", even where no document holds it ("poverty" finds "kemiskinan").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from search_index import thesaurus
from search_index.query import Query

MIN_LENGTH = 4  # shorter words are too ambiguous to correct


class Vocabulary(Protocol):
    def frequency(self, word: str) -> int: ...

    def candidates(self, word: str) -> Iterable[tuple[str, int]]: ...


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    return 1 if len(word) < 7 else 2


def correct(word: str, vocabulary: Vocabulary) -> str | None:
    """The closest known word to an unknown ``word`` (most frequent among the closest), or None."""
    if len(word) < MIN_LENGTH or word.isdigit() or vocabulary.frequency(word) or thesaurus.knows(word):
        return None
    limit = allowed_distance(word)
    best: tuple[int, int, str] | None = None
    for candidate, frequency in vocabulary.candidates(word):
        d = distance(word, candidate, limit)
        if d <= limit and frequency > 0:
            key = (d, -frequency, candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def suggest(text: str, query: Query, vocabulary: Vocabulary) -> str | None:
    """``text`` with its misspelt words corrected, or None when every word is known."""
    corrections = {}
    for word in dict.fromkeys(query.positive_words()):
        fixed = correct(word, vocabulary)
        if fixed:
            corrections[word] = fixed
    if not corrections:
        return None
    out = []
    for part in text.split():
        core = part.strip('"-*').lower()
        out.append(part.lower().replace(core, corrections[core]) if core in corrections else part)
    return " ".join(out)
