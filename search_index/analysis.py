"""Text analysis shared by every backend: tokens, stop words and stems in two languages.

Indonesian text is stemmed with PySastrawi ("perikanan" and "ikan" both become
"ikan"), English text with the Porter stemmer ("populations" becomes
"popul").  A document's Indonesian fields are analysed as Indonesian and its
English fields as English; a query is analysed both ways and matched against
the fields of each language, so a consumer may type in either.

The Indonesian stop list is kept short on purpose: Sastrawi's own list holds
words such as "jumlah", "bulan" and "kerja" that are what people search for in
statistics.

Stemmers over-reach: Sastrawi makes "pengangguran" (unemployment) into "anggur"
(grape).  ``data/protected_words.txt`` lists the words kept as written and the
words given a chosen stem instead; it is read once at import.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from whoosh.lang.porter import stem as porter_stem

LANGUAGES = ("id", "en")


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS_ID = _listed("""
ada adalah agar akan akankah aku anda antara apa apakah atau bagai bagaimana bagi bahwa
beberapa begitu belum bila bisa boleh dalam dan dapat dari daripada demikian dengan di dia
dimana hal hanya harus hingga ia ialah ini itu jadi jika juga kalau kami kamu karena ke kepada
ketika kita lagi lain maka mana masih melalui mereka meski namun nya oleh pada para pun saat
saja sampai sangat saya secara sebagai sebelum sedang sehingga sejak semua seperti serta setelah
sudah supaya tanpa telah tentang tersebut tetapi untuk yaitu yakni yang
""")

STOP_WORDS_EN = _listed("""
a about above after again against all am an and any are as at be because been before being
below between both but by can did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no
nor not of off on once only or other our out over own same she should so some such than that
the their them then there these they this those through to too under until up very was we were
what when where which while who whom why will with you your
""")

STOP_WORDS = STOP_WORDS_ID | STOP_WORDS_EN

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MIN_STEM_LENGTH = 4  # shorter words (and numbers) are kept as they are

_sastrawi = StemmerFactory().create_stemmer()
PROTECTED_WORDS_FILE = os.path.join(os.path.dirname(__file__), "data", "protected_words.txt")


def read_protected(path: str = PROTECTED_WORDS_FILE) -> dict[str, str]:
    """word -> the stem it must get (itself for a word kept as written), from the protected-words file."""
    chosen: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            stem_to, _colon, listed = line.rpartition(":")
            found = listed.split()
            if not found or (_colon and len(stem_to.split()) != 1):
                raise ValueError(f"{path}:{number}: write 'word ...' or 'stem: word ...'")
            for word in found:
                chosen[word.lower()] = stem_to.strip().lower() or word.lower()
    return chosen


PROTECTED = read_protected()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Compatibility forms folded and control characters turned into spaces (case kept).

    Text that is already clean (what the index stores) is answered at C speed, without a look at each
    character: snippets are built from stored text on every query."""
    text = text or ""
    if unicodedata.is_normalized("NFKC", text):
        if text.isprintable():
            return text
        if text.isascii():
            return _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def normalise(text: str) -> str:
    """``clean`` text in lower case."""
    return clean(text).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` in order, normalised, stop words included."""
    return TOKEN.findall(normalise(text))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The stem of one normalised word in ``language`` (``id`` or ``en``)."""
    if len(word) < MIN_STEM_LENGTH or word.isdigit():
        return word
    if word in PROTECTED:
        return PROTECTED[word]
    if language == "id":
        return _sastrawi.stem(word) or word
    return porter_stem(word)


def terms(text: str, language: str) -> list[str]:
    """The index terms of ``text``: words without stop words, stemmed in ``language``."""
    return [stem(word, language) for word in words(text) if word not in STOP_WORDS]


def is_stop_word(word: str) -> bool:
    return normalise(word) in STOP_WORDS
