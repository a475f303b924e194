"""Text analysis shared by every backend: tokens, stop words and stems in two languages.

Indonesian text is stemmed with PySastrawi ("kependudukan" and "penduduk" both
become "duduk"), English text with the Porter stemmer ("populations" becomes
"popul").  A document's Indonesian fields are analysed as Indonesian and its
English fields as English; a query is analysed both ways and matched against
the fields of each language, so a consumer may type in either.

The Indonesian stop list is kept short on purpose: Sastrawi's own list holds
words such as "jumlah", "bulan" and "kerja" that are what people search for in
statistics.
"""

from __future__ import annotations

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


def clean(text: str) -> str:
    """Compatibility forms folded and control characters turned into spaces (case kept)."""
    text = unicodedata.normalize("NFKC", text or "")
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
    if language == "id":
        return _sastrawi.stem(word) or word
    return porter_stem(word)


def terms(text: str, language: str) -> list[str]:
    """The index terms of ``text``: words without stop words, stemmed in ``language``."""
    return [stem(word, language) for word in words(text) if word not in STOP_WORDS]


def is_stop_word(word: str) -> bool:
    return normalise(word) in STOP_WORDS
