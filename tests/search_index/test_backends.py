"""Every search backend answers the same way: relevance, query forms, filters, facets, paging, spelling."""

from __future__ import annotations

from collections import Counter

import pytest

from search_index.backend import Filters, SearchRequest
from search_index.query import parse
from tests.search_index import corpus


@pytest.fixture
def filled(search_backend):
    search_backend.apply(corpus.documents(), [])
    return search_backend


def keys(backend, text="", **options):
    return [hit.key for hit in backend.search(SearchRequest(query=parse(text), **options)).hits]


@pytest.mark.parametrize("text, expected, why", corpus.JUDGED, ids=[q for q, _e, _w in corpus.JUDGED])
def test_judged_queries_find_the_expected_item_in_the_top_three(filled, text, expected, why):
    assert expected in keys(filled, text)[:3], why


def test_english_and_mixed_queries_find_the_expected_item_in_the_top_three(filled):
    missed = [(text, expected, why, keys(filled, text)[:3]) for text, expected, why in corpus.JUDGED_ENGLISH
              if expected not in keys(filled, text)[:3]]
    assert missed == []


def test_protected_words_keep_unrelated_items_out(filled):
    assert [(text, found & unwanted) for text, unwanted in corpus.NEVER
            if (found := set(keys(filled, text, per_page=100))) & unwanted] == []
    assert keys(filled, "anggur") == ["anggur-jatim"]


def test_the_judged_set_is_big_enough():
    assert len(corpus.JUDGED) >= 30 and len(corpus.JUDGED_ENGLISH) >= 40


def test_ranking_is_the_same_after_two_reindexes(search_backend):
    """Ties broken by newest year, then key: the order does not depend on the order documents arrive in."""
    from dataclasses import replace

    twins = [replace(d, key=f"{d.key}-{n}", released_at=d.released_at) for d in corpus.documents()
             for n in range(3)]
    queries = ["penduduk", "inflasi", "poverty", "pertanian", "population", ""]

    def orders():
        return {q: keys(search_backend, q, per_page=100) for q in queries}

    search_backend.rebuild(iter(twins))
    first = orders()
    search_backend.rebuild(iter(reversed(twins)))
    assert orders() == first
    ranked = search_backend.search(SearchRequest(query=parse("penduduk"), per_page=100)).hits
    for a, b in zip(ranked, ranked[1:], strict=False):  # equal scores: newest year first, then key
        if a.score == b.score:
            assert (-(a.year or 0), len(a.key), a.key) <= (-(b.year or 0), len(b.key), b.key)


def test_the_newest_year_ranks_first_among_equals(search_backend):
    from dataclasses import replace

    [base] = [d for d in corpus.documents() if d.key == "ipm-ntb"]
    search_backend.apply([replace(base, key=f"ipm-{year}", year=year) for year in (2021, 2024, 2022, 2023)], [])
    assert keys(search_backend, "indeks pembangunan manusia") == ["ipm-2024", "ipm-2023", "ipm-2022", "ipm-2021"]


def test_items_people_order_rank_a_little_higher(search_backend):
    from dataclasses import replace

    [base] = [d for d in corpus.documents() if d.key == "hotel-ntb"]
    search_backend.apply([replace(base, key="a-never"), replace(base, key="b-ordered", popularity=40)], [])
    assert keys(search_backend, "hotel") == ["b-ordered", "a-never"]


@pytest.mark.parametrize("text, suggestion", corpus.MISSPELT)
def test_misspellings_produce_a_suggestion(filled, text, suggestion):
    assert filled.search(SearchRequest(query=parse(text))).suggestion == suggestion


def test_known_words_produce_no_suggestion(filled):
    assert filled.search(SearchRequest(query=parse("penduduk lombok"))).suggestion is None


def test_words_are_anded_or_widens_and_minus_excludes(filled):
    assert set(keys(filled, "inflasi surabaya")) == {"surabaya-inflasi"}
    assert set(keys(filled, "hotel OR wisatawan")) == {"hotel-ntb", "wisman-dki"}
    assert "surabaya-inflasi" not in keys(filled, "inflasi -surabaya")
    assert "mataram-inflasi" in keys(filled, "inflasi -surabaya")


def test_phrases_need_adjacent_words(filled):
    assert set(keys(filled, '"lombok timur"')) == {"lotim-pddk", "padi-lotim", "peta-lotim", "nelayan-lotim",
                                                   "miskin-lotim"}
    assert keys(filled, '"timur lombok"') == []


def test_prefixes_match_word_beginnings(filled):
    assert {"sekolah-dki"} <= set(keys(filled, "seko*"))
    assert set(keys(filled, "wisat*")) == {"hotel-ntb", "wisman-dki"}


def test_a_province_filter_includes_its_regencies(filled):
    found = set(keys(filled, "penduduk", filters=Filters(region="52"), per_page=50))
    assert {"lotim-pddk", "lobar-pddk", "ntb-proyeksi", "miskin-ntb"} <= found
    assert not found & {"malang-pddk", "peta-dki", "sp2020"}


def test_filters_for_kind_subject_years_access_and_price(filled):
    everything = corpus.documents()
    cases = [
        (Filters(kinds=("map",)), lambda d: d.kind == "map"),
        (Filters(kinds=("map", "microdata")), lambda d: d.kind in ("map", "microdata")),
        (Filters(subject="EKO"), lambda d: d.subject.startswith("EKO")),
        (Filters(subject="EKO.TAN"), lambda d: d.subject == "EKO.TAN"),
        (Filters(year_from=2023, year_to=2023), lambda d: d.year == 2023),
        (Filters(year_from=2023), lambda d: d.year >= 2023),
        (Filters(access=("paid",)), lambda d: d.access == "paid"),
        (Filters(max_price=100_000), lambda d: d.price <= 100_000),
        (Filters(region="35", year_to=2023), lambda d: d.region_path[0] == "35" and d.year <= 2023),
    ]
    for filters, wanted in cases:
        assert set(keys(filled, filters=filters, per_page=100)) == {d.key for d in everything if wanted(d)}, filters


def test_facet_counts_cover_every_hit_not_only_the_page(filled):
    result = filled.search(SearchRequest(query=parse("penduduk"), per_page=2))
    matching = [d for d in corpus.documents() if d.key in set(keys(filled, "penduduk", per_page=100))]
    assert result.total == len(matching) and len(result.hits) == 2
    assert dict(result.facets["kind"]) == Counter(d.kind for d in matching)
    assert dict(result.facets["region"]) == Counter(code for d in matching for code in d.region_path)
    assert dict(result.facets["subject"]) == Counter(code for d in matching for code in d.subject_path)
    assert dict(result.facets["year"]) == Counter(str(d.year) for d in matching)
    assert dict(result.facets["access"]) == Counter(d.access for d in matching)
    counts = [count for _value, count in result.facets["region"]]
    assert counts == sorted(counts, reverse=True)


def test_paging_and_sorting(filled):
    everything = corpus.documents()
    newest = keys(filled, "", sort="newest", per_page=100)
    assert newest == [d.key for d in sorted(everything, key=lambda d: d.released_at, reverse=True)]
    assert keys(filled, "", per_page=100) == newest  # an empty query lists the newest first
    by_title = keys(filled, "", sort="title", per_page=100, language="en")
    assert by_title == [d.key for d in sorted(everything, key=lambda d: d.title_en.lower())]
    first, second = keys(filled, "", page=1, per_page=5), keys(filled, "", page=2, per_page=5)
    assert len(first) == len(second) == 5 and not set(first) & set(second)
    assert keys(filled, "", page=100, per_page=5) == []


def test_hits_carry_highlighted_snippets_in_the_asked_language(filled):
    [hit] = [h for h in filled.search(SearchRequest(query=parse("kemiskinan"), language="id")).hits
             if h.key == "miskin-ntb"]
    assert "<mark>kemiskinan</mark>" in hit.snippet
    [english] = [h for h in filled.search(SearchRequest(query=parse("kemiskinan"), language="en")).hits
                 if h.key == "miskin-ntb"]
    assert english.title.startswith("Percentage of Poor Population")


def test_snippets_escape_what_documents_contain(search_backend):
    [document] = [d for d in corpus.documents() if d.key == "hotel-ntb"]
    from dataclasses import replace

    search_backend.apply([replace(document, abstract_id="Hotel <script>alert(1)</script> berbintang")], [])
    snippet = search_backend.search(SearchRequest(query=parse("hotel"))).hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_updates_replace_and_removals_drop_documents(filled):
    from dataclasses import replace

    [document] = [d for d in corpus.documents() if d.key == "hotel-ntb"]
    filled.apply([replace(document, title_id="Okupansi Penginapan")], [("catalog", "wisman-dki")])
    assert keys(filled, "penginapan") == ["hotel-ntb"]
    assert keys(filled, "wisatawan") == ["hotel-ntb"]  # its abstract still speaks of tourists
    stored = filled.keys()
    assert ("catalog", "wisman-dki") not in stored and len(stored) == len(corpus.ROWS) - 1


def test_rebuild_replaces_everything(filled):
    kept = [d for d in corpus.documents() if d.kind == "map"]
    seen = []
    assert filled.rebuild(iter(kept), progress=seen.append) == len(kept)
    assert filled.keys() == {("catalog", d.key) for d in kept} and seen[-1] == len(kept)


def test_an_empty_backend_answers_with_nothing(search_backend):
    result = search_backend.search(SearchRequest(query=parse("penduduk")))
    assert result.total == 0 and result.hits == [] and search_backend.keys() == set()
