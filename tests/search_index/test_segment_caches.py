"""The Whoosh backend's per-segment caches: a write costs only its new segment, and every process shares the files."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from search_index import whoosh_segments
from search_index.backend import SearchRequest
from search_index.query import parse
from search_index.whoosh_backend import WhooshBackend
from tests.search_index import corpus

QUERIES = ("penduduk", '"jumlah penduduk"', "kemiskinan lombok", "pendud*", "poverty", "")


@pytest.fixture
def filled(tmp_path):
    backend = WhooshBackend(str(tmp_path / "whoosh"))
    backend.apply(corpus.documents(), [])
    return backend


def answers(backend):
    found = []
    for text in QUERIES:
        result = backend.search(SearchRequest(query=parse(text)))
        found.append(([(hit.key, hit.score, str(hit.snippet)) for hit in result.hits], result.total, result.facets))
    return found


def cache_files(backend) -> dict[str, int]:
    directory = os.path.join(backend.directory, backend.store.current_name(), whoosh_segments.CACHE_DIR)
    return {name: os.stat(os.path.join(directory, name)).st_ino for name in os.listdir(directory)}


def forget_the_process_caches():
    whoosh_segments.SEGMENTS.clear()
    whoosh_segments._MAPPED.clear()


def test_a_new_process_answers_the_same_from_the_files_and_without_them(filled):
    first = answers(filled)
    assert any(".order_key." in name for name in cache_files(filled))
    assert any(".bits-" in name for name in cache_files(filled)), "the phrase's bitset is kept on disk"
    forget_the_process_caches()
    assert answers(WhooshBackend(filled.directory)) == first
    for name in cache_files(filled):
        os.remove(os.path.join(filled.directory, filled.store.current_name(), whoosh_segments.CACHE_DIR, name))
    forget_the_process_caches()
    assert answers(WhooshBackend(filled.directory)) == first


def test_a_write_leaves_the_files_of_unchanged_segments_alone(filled):
    answers(filled)
    before = cache_files(filled)
    edited = replace(corpus.documents()[0], title_id="Jumlah Penduduk Kota Mataram (revisi)")
    filled.apply([edited], [])
    after_write = answers(filled)
    after = cache_files(filled)
    assert {name: after[name] for name in before} == before, "no array of an old segment was written again"
    assert set(after) - set(before), "the new segment got arrays of its own"
    forget_the_process_caches()
    assert answers(WhooshBackend(filled.directory)) == after_write


def test_a_write_that_changes_nothing_keeps_the_open_generation(filled):
    filled.search(SearchRequest(query=parse("penduduk")))
    generation = filled._current()
    filled.apply(corpus.documents()[:3], [("catalog", "no-such-draft")])
    assert filled._current() is generation


def test_the_files_of_merged_segments_are_removed(filled):
    seen: set[str] = set()
    for n in range(2):
        filled.apply([replace(corpus.documents()[n], title_id=f"Jumlah Penduduk revisi {n}")], [])
        answers(filled)
        seen |= {name.split(".", 1)[0] for name in cache_files(filled)}
    with filled.store.writers_lock():  # what a merge of a later write does to these segments
        filled.store.open(filled.store.current_name()).writer().commit(optimize=True)
    filled.apply([replace(corpus.documents()[2], title_id="Jumlah Penduduk revisi 2")], [])
    answers(filled)
    live = {segment.segment_id() for segment in filled.store.open(filled.store.current_name())._segments()}
    assert seen and not seen & live
    assert {name.split(".", 1)[0] for name in cache_files(filled)} <= live
