"""Full-text search at scale: catalog documents on Whoosh and PostgreSQL, next to tantivy (and SQLite FTS5).

    .venv/bin/python benchmarks/search.py [--docs 100000] [--backends whoosh,postgresql,tantivy[,fts5]]
                                          [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Generates a deterministic catalog (seeded; Indonesian and English titles,
abstracts of realistic length (median ~700 characters) and keywords from
statistical vocabulary; every province and the shipped regencies; years
2000-2026; kinds, access and prices), builds each backend's index from it
(timed, and its size on disk), then runs a fixed mix of more than 200
distinct queries - single words, two words, phrases, prefixes, each with and
without facet filters - once to warm up and then for the figures (wall and
CPU time of each query): every query asks for the first page of 20 with the
total, the facet counts of kind, subject, region, year and access, and
highlighted snippets.  PostgreSQL runs in a database of its own
(``bench_search_*``), created and dropped here.  Prints the figures and
writes them to ``docs/benchmarks.md`` (section "Search").

Besides the warm pass (issue 15): for Whoosh the 50 queries right after one
live write (an item edit) and after a write that changes nothing (a draft
saved); the first 200 queries of a new process opening the index (run as a
real second process, once with the on-disk segment caches the first process
left and once with none, as after a rebuild) and that process's resident
memory; autocomplete's search.  For PostgreSQL the broadest query
("penduduk" with every facet) on its own and autocomplete's search.  tantivy
(the Rust engine's official Python binding) indexes the same documents and
runs the same query texts and filters in the same run, asking for the first
20 hits and the count (it computes no facets and no snippets, which makes it a
lower bound).  FTS5 (``--backends ...,fts5``) answers the same questions in
SQLite.  Targets: Whoosh warm p95 <= 2x tantivy's; after a write p95 <= 20
ms, p99 <= 50 ms; cold p95 <= 50 ms; <= 400 MB per process; rebuild <= 120
s; autocomplete p95 <= 30 ms; PostgreSQL broadest p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.search_corpus import documents, queries  # noqa: E402
from benchmarks.sections import write_section  # noqa: E402

TARGET_BUILD_S = 120
TARGET_AFTER_WRITE_P95, TARGET_AFTER_WRITE_P99, TARGET_COLD_P95, TARGET_RSS_MB = 20, 50, 50, 400
TARGET_PG_BROADEST_P95, TARGET_COMPLETE_P95 = 100, 30

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def directory_size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(base, name)) for base, _dirs, names in os.walk(path) for name in names)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The resident memory of this process now."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(search, requests) -> list[float]:
    timings = []
    for request in requests:
        started = time.perf_counter()
        search(request)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def requests_of(mix):
    from search_index.backend import Filters, SearchRequest
    from search_index.query import parse

    return [SearchRequest(query=parse(text), filters=Filters(**dict(filters)), per_page=20) for text, filters in mix]


def run_backend(search, mix) -> tuple[list[float], list[float]]:
    """Warm up once, then time every query: wall and CPU milliseconds of this process (on a loaded machine the
    CPU time is what the query itself costs; the wall time adds the wait for a core)."""
    requests = requests_of(mix)
    timed(search, requests)  # the first pass: a new index generation computes its caches as queries need them
    timings, cpu = [], []
    for request in requests:
        started, used = time.perf_counter(), time.process_time()
        search(request)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return timings, cpu


def bench_whoosh(count: int, mix, workdir: str) -> dict:
    from search_index.whoosh_backend import WhooshBackend

    backend = WhooshBackend(os.path.join(workdir, "whoosh"))
    started = time.perf_counter()
    backend.rebuild(documents(count))
    build = time.perf_counter() - started
    size = directory_size(backend.directory)
    started = time.perf_counter()
    backend._current()  # open the searcher: the first search of a new index generation
    first_open = time.perf_counter() - started
    timings, cpu = run_backend(backend.search, mix)
    warm_rss = rss_mb()
    from dataclasses import replace

    from search_index import whoosh_engine

    requests = requests_of(mix)
    after = {}
    first = next(iter(documents(1)))
    for label, write in (("no-op write (a draft saved)", lambda: backend.apply([], [("catalog", "draft-1")])),
                         ("live write (an item edit)",
                          lambda: backend.apply([replace(first, title_id=first.title_id + " (revisi)")], []))):
        write()
        after[label] = timed(backend.search, requests[:50])
    complete = timed(backend.search, autocomplete_requests(mix))
    cold = cold_process(backend.directory)  # a new worker: the other processes' on-disk segment caches are there
    for name in os.listdir(backend.directory):  # a new worker right after a rebuild: nothing computed yet
        shutil.rmtree(os.path.join(backend.directory, name, "cache"), ignore_errors=True)
    uncached = cold_process(backend.directory)
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "cpu": cpu, "open_s": first_open,
            "cold": cold, "uncached": uncached, "after": after, "rss_mb": warm_rss, "complete": complete,
            "cache_mb": whoosh_engine.SEGMENTS.size / 2**20}


def autocomplete_requests(mix):
    """What the search box asks while a word is typed: its first three letters as a prefix after the words
    before it, the region and subject facets and six hits (``search_index.suggest.complete``)."""
    from search_index.backend import SearchRequest
    from search_index.query import parse

    texts = []
    for text, filters in mix:
        words = text.strip('"').replace("*", "").split()
        if not filters and words and len(words[-1]) >= 3:
            texts.append(" ".join([*words[:-1], words[-1][:3] + "*"]))
    return [SearchRequest(query=parse(t), facets=("region", "subject"), per_page=6) for t in dict.fromkeys(texts)]


def cold_process(directory: str) -> dict:
    """The first 200 queries of a new process opening the Whoosh index, then the whole mix once more, and
    that process's resident memory at the end (a web worker holding the index warm, without the corpus)."""
    import json
    import subprocess  # noqa: S404 - this script run again, on the index it just built

    found = subprocess.run([sys.executable, os.path.abspath(__file__), "--cold-pass", directory],  # noqa: S603
                           check=True, capture_output=True, text=True).stdout
    return json.loads(found.strip().splitlines()[-1])


def cold_pass(directory: str) -> None:
    import json

    from search_index.whoosh_backend import WhooshBackend

    requests = requests_of(queries())
    cpu = time.process_time()
    backend = WhooshBackend(directory)
    started = time.perf_counter()
    backend._current()
    opened = time.perf_counter() - started
    cold = timed(backend.search, requests[:200])
    timed(backend.search, requests)
    print(json.dumps({"timings": cold, "open_s": opened, "rss_mb": rss_mb(), "cpu_s": time.process_time() - cpu}))


def bench_postgresql(count: int, mix, server_url: str) -> dict:
    import sqlalchemy as sa

    from search_index.models import search_document, search_vocabulary
    from search_index.postgres_backend import PostgresBackend

    server = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"bench_search_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(server.rsplit("/", 1)[0] + "/" + name)
    try:
        search_document.create(engine)
        search_vocabulary.create(engine)
        backend = PostgresBackend(engine)
        started = time.perf_counter()
        backend.rebuild(documents(count))
        build = time.perf_counter() - started
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE search_document"))
            size = connection.scalar(sa.text("SELECT pg_total_relation_size('search_document') + "
                                             "pg_total_relation_size('search_vocabulary')"))
        timings, cpu = run_backend(backend.search, mix)
        broadest = timed(backend.search, requests_of([("penduduk", ())]) * 20)
        complete = timed(backend.search, autocomplete_requests(mix))
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "cpu": cpu, "broadest": broadest,
            "complete": complete}


class Tantivy:
    """The same documents in tantivy: Indonesian fields with its default tokenizer (it has no Indonesian stemmer),
    English fields with its English stemmer; filters as required clauses."""

    def __init__(self, path: str):
        import tantivy

        builder = tantivy.SchemaBuilder()
        for name in ("title_id", "keywords", "abstract_id"):
            builder.add_text_field(name, tokenizer_name="default")
        for name in ("title_en", "abstract_en"):
            builder.add_text_field(name, tokenizer_name="en_stem")
        for name in ("kind", "access", "region"):
            builder.add_text_field(name, tokenizer_name="raw")
        builder.add_integer_field("year", indexed=True, fast=True)
        builder.add_text_field("key", stored=True, tokenizer_name="raw")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=path)
        self.fields = ["title_id", "title_en", "keywords", "abstract_id", "abstract_en"]
        self.boosts = {"title_id": 4.0, "title_en": 4.0, "keywords": 2.0}

    def build(self, docs) -> None:
        import tantivy

        writer = self.index.writer(heap_size=256 * 2**20)
        for d in docs:
            document = tantivy.Document(title_id=d.title_id, title_en=d.title_en, keywords=" ; ".join(d.keywords),
                                        abstract_id=d.abstract_id, abstract_en=d.abstract_en, kind=d.kind,
                                        access=d.access, year=d.year or 0, key=d.key)
            for code in d.region_path:
                document.add_text("region", code)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def text(self, request) -> str:
        from search_index.query import Prefix, Word

        def element(e) -> str:
            if isinstance(e, Prefix):
                return e.text  # tantivy's query parser has no prefix: the word itself (a lower bound)
            return e.text if isinstance(e, Word) else '"' + " ".join(e.words) + '"'

        parts = ["+(" + " ".join(element(e) for e in group) + ")" for group in request.query.required]
        parts += ["-" + element(e) for e in request.query.excluded]
        f = request.filters
        if f.kinds:
            parts.append("+(" + " ".join(f"kind:{k}" for k in f.kinds) + ")")
        if f.access:
            parts.append("+(" + " ".join(f"access:{a}" for a in f.access) + ")")
        if f.region:
            parts.append(f"+region:{f.region}")
        if f.year_from is not None or f.year_to is not None:
            parts.append(f"+year:[{f.year_from or 0} TO {f.year_to or 9999}]")
        return " ".join(parts) or "*"

    def search(self, request):
        query = self.index.parse_query(self.text(request), self.fields, field_boosts=self.boosts)
        result = self.searcher.search(query, 20, count=True)
        return [self.searcher.doc(address)["key"] for _score, address in result.hits], result.count


def bench_tantivy(count: int, mix, workdir: str) -> dict:
    path = os.path.join(workdir, "tantivy")
    os.makedirs(path)
    index = Tantivy(path)
    started = time.perf_counter()
    index.build(documents(count))
    build = time.perf_counter() - started
    size = directory_size(path)
    timings, cpu = run_backend(index.search, mix)
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "cpu": cpu}


class Fts5:
    """A straightforward SQLite FTS5 index of the same stemmed terms, the floor to compare with."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            CREATE VIRTUAL TABLE terms USING fts5(title, keywords, abstract, words, tokenize='unicode61');
            CREATE TABLE doc (rowid INTEGER PRIMARY KEY, kind TEXT, access TEXT, year INTEGER, price INTEGER,
                              subject TEXT, subject_root TEXT, region TEXT, province TEXT, released INTEGER,
                              title_id TEXT, abstract_id TEXT);
            CREATE INDEX doc_kind ON doc(kind); CREATE INDEX doc_province ON doc(province);
            CREATE INDEX doc_year ON doc(year);
        """)

    @staticmethod
    def _terms(text: str) -> str:
        from search_index import analysis

        return " ".join(["i" + t for t in analysis.terms(text, "id")] + ["e" + t for t in analysis.terms(text, "en")])

    def build(self, docs) -> None:
        from search_index import analysis

        rows, facts = [], []
        for n, d in enumerate(docs, 1):
            rows.append((n, self._terms(d.title_id + " " + d.title_en), self._terms(" ".join(d.keywords)),
                         self._terms(d.abstract_id + " " + d.abstract_en),
                         " ".join(analysis.words(d.title_id + " " + d.title_en))))
            facts.append((n, d.kind, d.access, d.year, d.price, d.subject, d.subject_path[0], d.region,
                          d.region_path[0], int(d.released_at.timestamp()), d.title_id, d.abstract_id))
        self.db.executemany("INSERT INTO terms(rowid, title, keywords, abstract, words) VALUES (?,?,?,?,?)", rows)
        self.db.executemany("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", facts)
        self.db.commit()

    @staticmethod
    def match(query) -> str | None:
        from search_index import analysis
        from search_index.query import Phrase, Prefix, Word

        def element(e) -> str:
            if isinstance(e, Prefix):
                return f'words:"{e.text}" *'
            words = (e.text,) if isinstance(e, Word) else e.words
            stems_id = " ".join("i" + analysis.stem(w, "id") for w in words)
            stems_en = " ".join("e" + analysis.stem(w, "en") for w in words)
            if isinstance(e, Phrase):
                return f'("{stems_id}" OR "{stems_en}")'
            return f'("{stems_id}" OR "{stems_en}")'

        if query.empty:
            return None
        parts = ["(" + " OR ".join(element(e) for e in group) + ")" for group in query.required]
        text = " AND ".join(parts)
        for e in query.excluded:
            text += " NOT " + element(e)
        return text

    def search(self, request):
        from search_index import highlight

        f = request.filters
        where, params = ["1=1"], []
        match = self.match(request.query)
        if match:
            where.append("doc.rowid IN (SELECT rowid FROM terms WHERE terms MATCH ?)")
            params.append(match)
        if f.kinds:
            where.append(f"kind IN ({','.join('?' * len(f.kinds))})")
            params += list(f.kinds)
        if f.access:
            where.append(f"access IN ({','.join('?' * len(f.access))})")
            params += list(f.access)
        if f.region:
            where.append("(province = ? OR region = ?)")
            params += [f.region, f.region]
        if f.year_from is not None:
            where.append("year >= ?")
            params.append(f.year_from)
        if f.year_to is not None:
            where.append("year <= ?")
            params.append(f.year_to)
        clause = " AND ".join(where)
        total = self.db.execute(f"SELECT count(*) FROM doc WHERE {clause}", params).fetchone()[0]  # noqa: S608
        facets = {}
        for facet, columns in (("kind", ["kind"]), ("access", ["access"]), ("year", ["year"]),
                               ("subject", ["subject", "subject_root"]), ("region", ["region", "province"])):
            counts: Counter = Counter()
            for column in columns:
                counts.update(dict(self.db.execute(
                    f"SELECT {column}, count(*) FROM doc WHERE {clause} GROUP BY {column}", params)))  # noqa: S608
            facets[facet] = counts.most_common()
        if match:
            rows = self.db.execute(
                f"SELECT doc.title_id, doc.abstract_id FROM terms JOIN doc ON doc.rowid = terms.rowid "  # noqa: S608
                f"WHERE terms MATCH ? AND {clause} ORDER BY bm25(terms, 4.0, 2.0, 1.0, 0.0) LIMIT 20",
                [match, *params]).fetchall()
        else:
            rows = self.db.execute(f"SELECT title_id, abstract_id FROM doc WHERE {clause} "  # noqa: S608
                                   "ORDER BY released DESC LIMIT 20", params).fetchall()
        matcher = highlight.Matcher.for_query(request.query)
        snippets = [highlight.snippet(abstract, matcher, "id") for _title, abstract in rows]
        return type("Result", (), {"total": total, "facets": facets, "hits": snippets})


def bench_fts5(count: int, mix, workdir: str) -> dict:
    index = Fts5(os.path.join(workdir, "fts5.db"))
    started = time.perf_counter()
    index.build(documents(count))
    build = time.perf_counter() - started
    size = os.path.getsize(os.path.join(workdir, "fts5.db"))
    timings, cpu = run_backend(index.search, mix)
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "cpu": cpu}


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _row(label: str, values: list[float], target: str, ok: bool) -> str:
    return (f"| {label} | {values[0]:.1f} | {percentile(values, .5):.1f} | {percentile(values, .95):.1f} | "
            f"{percentile(values, .99):.1f} | {target}: {_verdict(ok)} |")


def report(count: int, mix, figures: dict[str, dict], notes: list[str]) -> str:
    reference = figures.get("tantivy")
    lines = ["## Search", "",
             f"`benchmarks/search.py --docs {count}` on this machine (2 cores, shared): {count:,} generated catalog "
             f"documents (abstracts of realistic length, median ~700 characters), {len(mix)} distinct queries "
             "(single words, two words, phrases, prefixes, each with and without a kind, province, year-range or "
             "access filter), each asking for the first page of 20 with the total, five facets and highlighted "
             "snippets; timed after one warm-up pass, every backend on the same documents in the same run.", "",
             "| backend | build (s) | index size (MB) | p50 (ms) | p95 (ms) | p99 (ms) | p95 / tantivy "
             "| CPU p50 (ms) | CPU p95 (ms) | CPU p95 / tantivy |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, data in figures.items():
        t, cpu = data["timings"], data["cpu"]
        p50, p95, p99 = percentile(t, .5), percentile(t, .95), percentile(t, .99)
        data.update(p50=p50, p95=p95, p99=p99, cpu95=percentile(cpu, .95))
        ratio = f"{p95 / percentile(reference['timings'], .95):.1f}x" if reference else "-"
        cpu_ratio = f"{data['cpu95'] / max(percentile(reference['cpu'], .95), 0.001):.1f}x" if reference else "-"
        lines.append(f"| {name} | {data['build_s']:.1f} | {data['size_mb']:.1f} | {p50:.1f} | {p95:.1f} | "
                     f"{p99:.1f} | {ratio} | {percentile(cpu, .5):.1f} | {data['cpu95']:.1f} | {cpu_ratio} |")
    lines += ["", "| issue 15 | first (ms) | p50 (ms) | p95 (ms) | p99 (ms) | target |",
              "|---|---:|---:|---:|---:|---|"]
    if "whoosh" in figures:
        w = figures["whoosh"]
        if reference:
            ratio = w["p95"] / reference["p95"]
            cpu_ratio = w["cpu95"] / max(reference["cpu95"], 0.001)
            lines.append(f"| Whoosh warm mix, p95 / tantivy's p95 = {ratio:.1f}x (CPU p95: {cpu_ratio:.1f}x) | - | - | "
                         f"{w['p95']:.1f} | {w['p99']:.1f} | <= 2x tantivy: {_verdict(max(ratio, cpu_ratio) <= 2)} |")
        lines.append(f"| Whoosh full rebuild: {w['build_s']:.0f} s | - | - | - | - | <= {TARGET_BUILD_S} s: "
                     f"{_verdict(w['build_s'] <= TARGET_BUILD_S)} |")
        for label, values in w["after"].items():
            ok = percentile(values, .95) <= TARGET_AFTER_WRITE_P95 and percentile(values, .99) <= TARGET_AFTER_WRITE_P99
            lines.append(_row(f"Whoosh, 50 queries after a {label}", values,
                              f"p95 <= {TARGET_AFTER_WRITE_P95}, p99 <= {TARGET_AFTER_WRITE_P99}", ok))
        for key, label in (("cold", "segment caches on disk from the earlier processes"),
                           ("uncached", "no cache at all, as right after a rebuild")):
            cold = w[key]["timings"]
            lines.append(_row(f"Whoosh, first 200 queries of a new process ({label}; opening "
                              f"{w[key]['open_s']:.2f} s)", cold, f"p95 <= {TARGET_COLD_P95}",
                              percentile(cold, .95) <= TARGET_COLD_P95))
        lines.append(_row("Whoosh, autocomplete's search (3 letters typed, region and subject facets, 6 hits)",
                          w["complete"], f"p95 <= {TARGET_COMPLETE_P95}",
                          percentile(w["complete"], .95) <= TARGET_COMPLETE_P95))
    if "postgresql" in figures:
        pg = figures["postgresql"]
        broadest = pg["broadest"]
        lines.append(_row("PostgreSQL, the broadest query (\"penduduk\", every facet, 20 runs)", broadest,
                          f"p95 <= {TARGET_PG_BROADEST_P95}", percentile(broadest, .95) <= TARGET_PG_BROADEST_P95))
        lines.append(_row("PostgreSQL, autocomplete's search", pg["complete"], f"p95 <= {TARGET_COMPLETE_P95}",
                          percentile(pg["complete"], .95) <= TARGET_COMPLETE_P95))
        if "whoosh" in figures:
            speed = sum(figures["whoosh"]["timings"]) / sum(pg["timings"])  # wall: PostgreSQL works in its server
            lines.append(f"| PostgreSQL's queries per second / Whoosh's, warm mix one at a time = {speed:.2f} | - | - "
                         f"| - | - | >= 0.5: {_verdict(speed >= 0.5)} (the backend alone, not the HTTP page) |")
    lines.append("")
    if "whoosh" in figures:
        w = figures["whoosh"]
        worker = w["uncached"]["rss_mb"]
        lines.append(f"Resident memory of a new process after the 200 cold queries and the whole mix (a web worker "
                     f"holding the Whoosh index warm): {worker:.0f} MB, {w['cold']['rss_mb']:.0f} MB with the "
                     f"on-disk caches mapped (target <= {TARGET_RSS_MB} MB per web worker: "
                     f"{_verdict(max(worker, w['cold']['rss_mb']) <= TARGET_RSS_MB)}); the benchmark's own process, "
                     f"which also holds tantivy and the corpus, peaked at {peak_mb():.0f} MB.")
        lines.append("")
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backends", default="whoosh,postgresql,tantivy")
    parser.add_argument("--postgres-url", default=os.environ.get("STATDESK_TEST_POSTGRES_URL",
                                                                  "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--cold-pass", help=argparse.SUPPRESS)  # the new process of ``cold_process``
    args = parser.parse_args()
    if args.cold_pass:
        cold_pass(args.cold_pass)
        return
    mix = queries()
    print(f"{args.docs:,} documents, {len(mix)} distinct queries")
    load_before, started, times_before = os.getloadavg(), time.perf_counter(), os.times()
    workdir = tempfile.mkdtemp(prefix="statdesk-search-bench-")
    figures, notes = {}, []
    try:
        for name in args.backends.split(","):
            print(f"{name}: building ...", flush=True)
            if name == "whoosh":
                figures[name] = bench_whoosh(args.docs, mix, workdir)
                notes.append(f"Whoosh opens a new index generation's searcher and bitsets once "
                             f"({figures[name]['open_s']:.1f} s here); every later search reuses them.")
            elif name == "postgresql":
                figures[name] = bench_postgresql(args.docs, mix, args.postgres_url)
            elif name == "tantivy":
                figures[name] = bench_tantivy(args.docs, mix, workdir)
            elif name == "fts5":
                figures[name] = bench_fts5(args.docs, mix, workdir)
            else:
                raise SystemExit(f"unknown backend {name}")
            t = figures[name]["timings"]
            print(f"{name}: build {figures[name]['build_s']:.1f} s, {figures[name]['size_mb']:.1f} MB, "
                  f"p50 {percentile(t, .5):.1f} ms, p95 {percentile(t, .95):.1f} ms, p99 {percentile(t, .99):.1f} ms,"
                  f" peak RSS so far {peak_mb():.0f} MB", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    times = os.times()
    cpu = sum(times[:4]) - sum(times_before[:4])
    notes.append(f"The whole run: {time.perf_counter() - started:.0f} s wall, {cpu:.0f} s CPU of this process and "
                 f"its children (PostgreSQL's server time is not in it); load average (1, 5, 15 min) "
                 f"{', '.join(f'{x:.1f}' for x in load_before)} at the start and "
                 f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end, on 2 cores.")
    text = report(args.docs, mix, figures, notes)
    print(text)
    if not args.no_write:
        write_section("Search", text)


if __name__ == "__main__":
    main()
