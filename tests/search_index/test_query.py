"""The query language, analysis, snippets and spelling shared by every backend."""

import pytest

from search_index import analysis, highlight, spelling
from search_index.query import Phrase, Prefix, QueryError, Word, parse


def test_words_are_anded_and_or_joins_neighbours():
    query = parse("inflasi OR harga 2024")
    assert query.required == ((Word("inflasi"), Word("harga")), (Word("2024"),))


def test_phrases_prefixes_and_exclusions():
    query = parse('"lombok timur" pendud* -sensus -"jawa barat"')
    assert query.required == ((Phrase(("lombok", "timur")),), (Prefix("pendud"),))
    assert query.excluded == (Word("sensus"), Phrase(("jawa", "barat")))


def test_stop_words_are_dropped_and_typographic_quotes_count():
    query = parse("\u201cjumlah penduduk\u201d yang di jawa")
    assert query.required == ((Phrase(("jumlah", "penduduk")),), (Word("jawa"),))


@pytest.mark.parametrize("text, fragment", [
    ('"penduduk lombok', "quotation mark"),
    ("penduduk -", "minus sign"),
    ("-", "minus sign"),
    ("yang dan the", "common words"),
    ("-sensus", "not only what to leave out"),
    ("p*", "two letters"),
    ("x" * 10_000, "too long"),
])
def test_queries_that_cannot_be_understood_say_what_to_change(text, fragment):
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert fragment in str(caught.value.message)


def test_control_characters_are_spaces():
    assert parse("inflasi\x00\x07harga").required == ((Word("inflasi"),), (Word("harga"),))


def test_empty_query_lists_everything():
    assert parse("   ").empty


def test_indonesian_and_english_stemming():
    # "penduduk" is protected: Sastrawi would make it "duduk" (to sit)
    assert analysis.terms("Kependudukan", "id") == analysis.terms("penduduk", "id") == ["penduduk"]
    assert analysis.terms("populations of the regency", "en") == ["popul", "regenc"]
    assert "jumlah" in analysis.terms("jumlah penduduk", "id")  # a statistics word, not a stop word


def test_snippet_marks_stem_matches_and_escapes_the_rest():
    matcher = highlight.Matcher.for_query(parse("penduduk"))
    text = "Data <b>kependudukan</b> menurut kecamatan"
    assert str(highlight.snippet(text, matcher, "id")) == (
        "Data &lt;b&gt;<mark>kependudukan</mark>&lt;/b&gt; menurut kecamatan")


def test_snippet_of_a_long_text_shows_the_densest_passage():
    text = "awal " * 100 + "inflasi bulanan dan inflasi tahunan " + "akhir " * 100
    result = str(highlight.snippet(text, highlight.Matcher.for_query(parse("inflasi")), "id"))
    assert result.count("<mark>inflasi</mark>") == 2
    assert result.startswith("\u2026 ") and result.endswith(" \u2026")
    assert len(result) < highlight.SNIPPET_CHARS + 80


class Vocabulary:
    def __init__(self, counts):
        self.counts = counts

    def frequency(self, word):
        return self.counts.get(word, 0)

    def candidates(self, word):
        return [(w, n) for w, n in self.counts.items() if w[0] == word[0]]


def test_misspelt_words_are_corrected_from_the_vocabulary():
    vocabulary = Vocabulary({"penduduk": 40, "pendidikan": 12, "inflasi": 30, "inflation": 3})
    assert spelling.suggest("pendudk inflasy", parse("pendudk inflasy"), vocabulary) == "penduduk inflasi"
    assert spelling.suggest("penduduk", parse("penduduk"), vocabulary) is None
    assert spelling.suggest("zzzzzz", parse("zzzzzz"), vocabulary) is None


def test_distance_counts_a_transposition_once():
    assert spelling.distance("infalsi", "inflasi", 2) == 1
    assert spelling.distance("abcdef", "uvwxyz", 2) == 3
