"""Full-text search at scale: 100,000 catalog documents on Whoosh, PostgreSQL, tantivy and SQLite FTS5.

    .venv/bin/python benchmarks/search.py [--docs 100000] [--backends whoosh,postgresql,tantivy,fts5]
                                          [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Generates a deterministic catalog (seeded; Indonesian and English titles,
abstracts and keywords from statistical vocabulary; every province and the
shipped regencies; years 2000-2026; kinds, access and prices), builds each
backend's index from it (timed, and its size on disk), then runs a fixed mix of
more than 200 distinct queries - single words, two words, phrases, prefixes,
each with and without facet filters - once to warm up and then for the
figures: every query asks for the first page of 20 with the total, the facet
counts of kind, subject, region, year and access, and highlighted snippets.
FTS5 gets the same stemmed terms (``search_index.analysis``), the same filters
in SQL and its facet counts by GROUP BY.  PostgreSQL runs in a database of its
own, created and dropped here.  Prints the figures and writes them to
``docs/benchmarks.md`` (section "Search").  Abstracts have a realistic length
(median ~700 characters).

Besides the warm pass, for Whoosh (issue 15): the 50 queries right after one
live write (an item edit) and after a write that changes nothing (a draft
saved), the first 200 queries of a freshly opened index in a new backend with
empty caches (the cold pass), and the resident memory of the process holding
the index warm.  For PostgreSQL also the broadest query ("penduduk" with every
facet) on its own.  tantivy (the Rust engine's official Python binding) indexes
the same documents and runs the same query texts and filters in the same run,
asking for the first 20 hits and the count (it computes no facets and no
snippets, which makes it a lower bound).  Targets: Whoosh warm p95 <= 2x
tantivy's; after a write p95 <= 20 ms, p99 <= 50 ms; cold p95 <= 50 ms;
<= 400 MB per process; rebuild <= 120 s; PostgreSQL broadest p95 <= 100 ms.
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

TARGET_P50_MS, TARGET_P95_MS, TARGET_BUILD_S = 20, 100, 120
TARGET_AFTER_WRITE_P95, TARGET_AFTER_WRITE_P99, TARGET_COLD_P95, TARGET_RSS_MB = 20, 50, 50, 400
TARGET_PG_BROADEST_P95 = 100
COLD: list[list[float]] = []  # the warm-up pass's timings of the backend measured last
CACHE_MB = 96

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


def run_backend(search, mix) -> list[float]:
    """Warm up once, then time every query (milliseconds)."""
    from search_index.backend import Filters, SearchRequest
    from search_index.query import parse

    requests = [SearchRequest(query=parse(text), filters=Filters(**dict(filters)), per_page=20)
                for text, filters in mix]
    cold = []
    for request in requests:  # the first pass: a new index generation computes its bitsets as queries need them
        started = time.perf_counter()
        search(request)
        cold.append((time.perf_counter() - started) * 1000)
    COLD.append(cold)
    timings = []
    for request in requests:
        started = time.perf_counter()
        search(request)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


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
    timings = run_backend(backend.search, mix)
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
    whoosh_engine.SEGMENTS.clear()  # a new process: nothing cached
    fresh = type(backend)(backend.directory)
    started = time.perf_counter()
    fresh._current()
    fresh_open = time.perf_counter() - started
    cold = timed(fresh.search, requests[:200])
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "open_s": first_open,
            "cold": cold, "fresh_open_s": fresh_open, "after": after, "rss_mb": warm_rss,
            "cache_mb": whoosh_engine.SEGMENTS.size / 2**20}


def bench_postgresql(count: int, mix, server_url: str) -> dict:
    import sqlalchemy as sa

    from search_index.models import search_document, search_vocabulary
    from search_index.postgres_backend import PostgresBackend

    server = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"statdesk_bench_{uuid.uuid4().hex[:10]}"
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
        timings = run_backend(backend.search, mix)
        broadest = timed(backend.search, requests_of([("penduduk", ())]) * 20)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings, "broadest": broadest}


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
    timings = run_backend(index.search, mix)
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings}


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
    timings = run_backend(index.search, mix)
    return {"build_s": build, "size_mb": size / 2**20, "timings": timings}


def report(count: int, mix, figures: dict[str, dict], notes: list[str]) -> str:
    floor = figures.get("fts5")
    lines = ["## Search", "",
             f"`benchmarks/search.py --docs {count}` on this machine (2 cores): {count:,} generated catalog "
             f"documents, {len(mix)} distinct queries (single words, two words, phrases, prefixes, each with and "
             "without a kind, province, year-range or access filter), each asking for the first page of 20 with "
             "the total, five facets and highlighted snippets; timed after one warm-up pass.", "",
             "| backend | build (s) | index size (MB) | p50 (ms) | p95 (ms) | p99 (ms) | p50 / FTS5 | p95 / FTS5 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, data in figures.items():
        t = data["timings"]
        p50, p95, p99 = percentile(t, .5), percentile(t, .95), percentile(t, .99)
        data.update(p50=p50, p95=p95, p99=p99)
        ratio50 = f"{p50 / percentile(floor['timings'], .5):.2f}x" if floor else "-"
        ratio95 = f"{p95 / percentile(floor['timings'], .95):.2f}x" if floor else "-"
        lines.append(f"| {name} | {data['build_s']:.1f} | {data['size_mb']:.1f} | {p50:.1f} | {p95:.1f} | "
                     f"{p99:.1f} | {ratio50} | {ratio95} |")
    lines.append("")
    if "whoosh" in figures:
        w = figures["whoosh"]
        met = [("p50", w["p50"], TARGET_P50_MS, "ms"), ("p95", w["p95"], TARGET_P95_MS, "ms"),
               ("rebuild", w["build_s"], TARGET_BUILD_S, "s")]
        lines.append("Targets for Whoosh at 100,000 documents: " + "; ".join(
            f"{label} {value:.1f} {unit} (target <= {target} {unit}: {'met' if value <= target else 'NOT met'})"
            for label, value, target, unit in met) + ".")
        lines.append("")
        lines.append("| Whoosh, issue 15 | first (ms) | p50 (ms) | p95 (ms) | p99 (ms) | target |")
        lines.append("|---|---:|---:|---:|---:|---|")
        for label, values in w["after"].items():
            p95, p99 = percentile(values, .95), percentile(values, .99)
            verdict = "met" if p95 <= TARGET_AFTER_WRITE_P95 and p99 <= TARGET_AFTER_WRITE_P99 else "NOT met"
            lines.append(f"| 50 queries after a {label} | {values[0]:.1f} | {percentile(values, .5):.1f} | "
                         f"{p95:.1f} | {p99:.1f} | p95 <= {TARGET_AFTER_WRITE_P95}, p99 <= "
                         f"{TARGET_AFTER_WRITE_P99}: {verdict} |")
        cold = w["cold"]
        p95 = percentile(cold, .95)
        lines.append(f"| first 200 queries of a new process (empty caches; opening took {w['fresh_open_s']:.2f} s) | "
                     f"{cold[0]:.1f} | {percentile(cold, .5):.1f} | {p95:.1f} | {percentile(cold, .99):.1f} | "
                     f"p95 <= {TARGET_COLD_P95}: {'met' if p95 <= TARGET_COLD_P95 else 'NOT met'} |")
        lines.append("")
        lines.append(f"Resident memory of this process with the Whoosh index warm: {w['rss_mb']:.0f} MB "
                     f"(target <= {TARGET_RSS_MB} MB per web worker: "
                     f"{'met' if w['rss_mb'] <= TARGET_RSS_MB else 'NOT met'}; the segment cache held "
                     f"{w['cache_mb']:.0f} MB of its {CACHE_MB} MB bound; the process also holds the generated "
                     f"corpus).")
        if "tantivy" in figures:
            ratio = w["p95"] / figures["tantivy"]["p95"]
            lines.append(f"Whoosh warm p95 / tantivy warm p95 in the same run: {ratio:.1f}x (target <= 2x: "
                         f"{'met' if ratio <= 2 else 'NOT met'}; tantivy computes no facets and no snippets).")
        lines.append("")
    if "postgresql" in figures and figures["postgresql"].get("broadest"):
        b = figures["postgresql"]["broadest"]
        p95 = percentile(b, .95)
        lines.append(f"PostgreSQL, the broadest query (\"penduduk\", every facet, 20 runs): p50 "
                     f"{percentile(b, .5):.0f} ms, p95 {p95:.0f} ms (target <= {TARGET_PG_BROADEST_P95} ms: "
                     f"{'met' if p95 <= TARGET_PG_BROADEST_P95 else 'NOT met'}).")
        lines.append("")
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backends", default="whoosh,postgresql,tantivy,fts5")
    parser.add_argument("--postgres-url", default=os.environ.get("STATDESK_TEST_POSTGRES_URL",
                                                                  "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    mix = queries()
    print(f"{args.docs:,} documents, {len(mix)} distinct queries")
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
    notes.append(f"Peak resident memory of the whole run: {peak_mb():.0f} MB.")
    text = report(args.docs, mix, figures, notes)
    print(text)
    if not args.no_write:
        write_section("Search", text)


if __name__ == "__main__":
    main()
