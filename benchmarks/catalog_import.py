"""The catalog import at scale: ``flask catalog import`` of 100,000 items, items per second and peak memory.

    .venv/bin/python benchmarks/catalog_import.py [--items 100000] [--small 10000] [--backends sqlite,postgresql]
                                                  [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

``write_csv(path, count)`` writes a realistic import file: the search benchmark's seeded corpus
(``benchmarks/search_corpus.py``: Indonesian and English titles, abstracts of about 700 characters,
keywords, every province and the shipped regencies, four kinds, free, paid and restricted access) with the
catalog's own subject codes, flat tariffs for paid items and released items only (so every one is indexed).
Each file is imported by the real command (``flask catalog import FILE``, through Flask's CLI runner) in a
child process on a freshly migrated database: SQLite with the Whoosh index, and PostgreSQL (a
``bench_import_*`` database, dropped afterwards) with the PostgreSQL search backend.  Each database is
imported at two sizes so the peak resident memory (``VmHWM`` of ``/proc/self/status``, interpreter and
application included; the baseline is the same process before the import) shows whether memory grows with
the file.  Rates are given by wall-clock time and by the child's CPU time (the database server's CPU is not
in it), for the whole command and for its two phases (stream, validate, insert and commit; then index).
Writes the section "Catalog import" of ``docs/benchmarks.md`` when run at 100,000 items or more.
Targets (issue 16): at least 2,000 items/s, memory flat whatever the file size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.legacy_import import peak_mb  # noqa: E402 - VmHWM, as that benchmark reads it
from benchmarks.sections import write_section  # noqa: E402

COLUMNS = ["ref", "kind", "title_id", "title_en", "abstract_id", "abstract_en", "keywords", "subject", "region",
           "year", "unit", "access", "tariff_kind", "price", "status", "release_at"]
# the corpus's subject codes -> the catalog's (catalog/data/subjects.csv)
SUBJECTS = {"EKO.TAN": "TAN.PGN", "SOS.TNK": "SOS.NAK", "EKO.PDG": "EKO.DAG", "EKO.TRN": "EKO.IND",
            "SOS.KMS": "SOS.MSK", "EKO.NRC": "EKO.PDRB", "EKO.PWS": "EKO.DAG", "SOS.PDD": "SOS.DIK"}
UNITS = ["Direktorat Statistik Kependudukan", "Direktorat Statistik Harga", "Direktorat Neraca Produksi",
         "Direktorat Statistik Ketenagakerjaan", "BPS Provinsi Nusa Tenggara Barat"]
NAMES = {"sqlite": "SQLite / Whoosh", "postgresql": "PostgreSQL / PostgreSQL"}
TARGET_RATE = 2_000
FLAT_WITHIN = 1.10  # "flat": the peak at the full size within 10 % of the peak at the small size


def write_csv(path: Path, count: int, prefix: str = "bench") -> None:
    """A realistic ``flask catalog import`` file of ``count`` released items (the same for the same count)."""
    from benchmarks.search_corpus import documents

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n, doc in enumerate(documents(count)):
            writer.writerow([f"{prefix}-{doc.key}", doc.kind, doc.title_id, doc.title_en, doc.abstract_id,
                             doc.abstract_en, ";".join(doc.keywords), SUBJECTS.get(doc.subject, doc.subject),
                             doc.region, doc.year, UNITS[n % len(UNITS)], doc.access,
                             "flat" if doc.access == "paid" else "none", doc.price or "", "released",
                             doc.released_at.isoformat()])


def child(url: str, search: str, path: str, workdir: str, index: bool = True) -> dict:
    """In a fresh process: migrate, then run ``flask catalog import`` once; times, items, peak memory.
    ``index=False`` installs no indexer, so the index pass only walks the new ids (phase 1 measured alone)."""
    import logging

    from flask_migrate import upgrade

    from app import create_app
    from catalog import importer

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "STATDESK_ENV": "testing", "TESTING": True,
                      "SECRET_KEY": "benchmark-secret-key-0123456789abcdef", "STATDESK_MAIL_TRANSPORT": None,
                      "STATDESK_SEARCH_BACKEND": search, "STATDESK_SEARCH_DIR": os.path.join(workdir, "search")})
    with app.app_context():
        upgrade()
    if not index:
        from search_index.indexing import set_indexer

        set_indexer(app, None)
    logging.disable(logging.INFO)  # alembic's and the app's info lines are not the measure
    baseline = peak_mb()
    phase = {}
    index_imported = importer.index_imported

    def timed_index(result, progress=lambda count: None):  # the command's second phase, timed on its own
        phase["index_started"], phase["index_cpu"] = time.perf_counter(), time.process_time()
        failed = index_imported(result, progress)
        phase["index_seconds"] = time.perf_counter() - phase["index_started"]
        phase["index_cpu"] = time.process_time() - phase["index_cpu"]
        return failed

    importer.index_imported = timed_index
    started, cpu = time.perf_counter(), time.process_time()
    outcome = app.test_cli_runner().invoke(args=["catalog", "import", path, "--lang", "en"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if outcome.exit_code != 0:
        raise RuntimeError(f"the import failed: {outcome.output[-2000:]}")
    with app.app_context():
        from search_index import indexing, service
        from search_index.backend import SearchRequest

        indexed = service.backend().search(SearchRequest(facets=(), per_page=1)).total if index else 0
        pending = indexing.pending_count()
    return {"seconds": seconds, "cpu": cpu, "items": int(outcome.output.split("imported ")[1].split()[0]),
            "import_seconds": phase["index_started"] - started, "index_seconds": phase["index_seconds"],
            "import_cpu": cpu - phase["index_cpu"], "index_cpu": phase["index_cpu"], "indexed": indexed,
            "pending": pending, "peak_mb": peak_mb(), "baseline_mb": baseline, "load": os.getloadavg()[0],
            "index": index}


def _run_child(url: str, search: str, path: Path, workdir: Path, index: bool = True) -> dict:
    command = [sys.executable, __file__, "--child", url, "--search", search, "--file", str(path),
               "--workdir", str(workdir), *([] if index else ["--no-index"])]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"the import child failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def bench_database(server_url: str):
    """A fresh ``bench_import_*`` database on the server of ``server_url`` (its URL), dropped afterwards."""
    import sqlalchemy as sa

    server = sa.engine.make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"bench_import_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(backend: str, sizes: list[int], files: dict[int, Path], scratch: Path, server_url: str,
                done, index: bool = True) -> dict:
    """Each size imported into its own fresh database of ``backend``; ``done()`` is called after each run."""
    runs = {}
    for size in sizes:
        workdir = scratch / f"{backend}-{size}"
        workdir.mkdir()
        if backend == "sqlite":
            runs[size] = _run_child(f"sqlite:///{workdir}/catalog.db", "whoosh", files[size], workdir, index)
        else:
            with bench_database(server_url) as url:
                runs[size] = _run_child(url, "postgresql", files[size], workdir, index)
        done(backend, size, runs[size])
    return runs


def report(sizes: list[int], generated: float, runs: dict[str, dict[int, dict]]) -> tuple[str, bool]:
    small, full = sizes
    lines = [
        "## Catalog import",
        "",
        f"`benchmarks/catalog_import.py --items {full}`: a realistic import file (`write_csv`: the search "
        "benchmark's seeded corpus, abstracts of about 700 characters in both languages, every item released so "
        f"every item is indexed{f'; both files written in {generated:.0f} s' if generated else ''}) imported by "
        "`flask catalog import` in "
        "a child process on a freshly migrated database, at two sizes. The command streams the file, validates "
        "2,000 rows at a time, inserts them with bulk statements in one transaction, commits, then indexes the new "
        "items in one pass (batches of 1,000). Phase 1 is the stream, validation, inserts and commit; phase 2 the "
        "index pass. CPU time is the child's (the PostgreSQL server's is not in it). Peak memory is the child's "
        "maximum resident set (`VmHWM`), interpreter and application included; baseline: the same process before "
        "the import. SQLite and PostgreSQL ran side by side.",
        "",
        "| database / index | items | wall time | items/s (wall) | CPU time | items/s (CPU) | phase 1 items/s "
        "(wall / CPU) | phase 2 items/s (wall / CPU) | indexed | peak memory | baseline | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rate_met, flat_met, complete = True, True, True
    alone: list[str] = []  # phase 1 rates of the runs without an index pass
    slow: list[str] = []  # finished runs of the whole command below the target
    peaks: list[str] = []  # the peaks at both sizes, where both finished
    for name, by_size in runs.items():
        for size in sizes:
            run = by_size.get(size)
            if run is None:
                complete = False
                lines.append(f"| {name} | {size:,} | not finished when the run was stopped | | | | | | | | | |")
                continue
            n = run["items"]
            lines.append(
                f"| {name} | {n:,} | {run['seconds']:.0f} s | {n / run['seconds']:,.0f} | {run['cpu']:.0f} s | "
                f"{n / run['cpu']:,.0f} | {n / run['import_seconds']:,.0f} / {n / run['import_cpu']:,.0f} | "
                + (f"{n / run['index_seconds']:,.0f} / {n / max(run['index_cpu'], 1e-9):,.0f} | "
                   f"{run['indexed']:,}{'' if not run['pending'] else ', ' + str(run['pending']) + ' pending'} | "
                   if run.get("index", True) else "— | — | ") +
                f"{run['peak_mb']:.0f} MB | {run['baseline_mb']:.0f} MB | {run['load']:.1f} |")
        slow.extend(f"{name} {size:,}: {run['items'] / run['cpu']:,.0f}" for size, run in by_size.items()
                    if run.get("index", True) and run["items"] / run["cpu"] < TARGET_RATE)
        if full in by_size and by_size[full].get("index", True):  # the whole command, index pass included
            rate_met = rate_met and by_size[full]["items"] / by_size[full]["cpu"] >= TARGET_RATE
        elif full in by_size:
            alone.append(f"{name.split(' / ')[0]} {by_size[full]['items'] / by_size[full]['import_cpu']:,.0f}")
        if full in by_size and small in by_size:
            flat_met = flat_met and by_size[full]["peak_mb"] <= by_size[small]["peak_mb"] * FLAT_WITHIN
            peaks.append(f"{name} {by_size[small]['peak_mb']:.0f} → {by_size[full]['peak_mb']:.0f} MB")

    def verdict(met: bool) -> str:  # a target missed by a finished run is missed; else only finished runs tell
        return "met" if met and complete else "NOT met" if not met else "not measured (runs missing)"

    lines += [
        "",
        f"Load average at the end of each run is in the last column ({os.cpu_count()} CPUs, shared with other work), "
        "so wall-clock rates understate the import; the CPU-time rate is the one compared with the target.",
        "",
        f"Target ≥ {TARGET_RATE:,} items/s for the whole command at {full:,} items (CPU time): "
        f"{'NOT met (' + '; '.join(slow) + ' items/s)' if slow else verdict(rate_met)}. "
        f"Memory flat (peak at {full:,} items within "
        f"{(FLAT_WITHIN - 1) * 100:.0f} % of the peak at {small:,}): {verdict(flat_met)}"
        f"{' (' + '; '.join(peaks) + ')' if peaks else ''}.",
    ]
    if alone:
        lines.append(f"Phase 1 alone (no index pass) at {full:,} items, items/s of CPU time: {', '.join(alone)}.")
    return "\n".join(lines), rate_met and flat_met and complete


def merged(log: str | None, sizes: list[int]) -> dict[str, dict[int, dict]]:
    """The finished runs earlier runs printed (lines ``backend size {figures}``; ``log``: their outputs,
    comma-separated), by row name."""
    import ast

    found: dict[str, dict[int, dict]] = {}
    for path in filter(None, (log or "").split(",")):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            backend, _sep, rest = line.partition(" ")
            size, _sep, figures = rest.partition(" ")
            if backend in NAMES and size.isdigit() and int(size) in sizes and figures.startswith("{"):
                run = ast.literal_eval(figures)
                found.setdefault(row_name(backend, run.get("index", True)), {})[int(size)] = run
    return found


def row_name(backend: str, index: bool) -> str:
    return NAMES[backend] if index else NAMES[backend].split(" / ")[0] + " / no index pass"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=None, help="the second size (default: a tenth)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("STATDESK_TEST_POSTGRES_URL",
                                                                  "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--child")
    parser.add_argument("--search")
    parser.add_argument("--file")
    parser.add_argument("--workdir")
    parser.add_argument("--no-index", action="store_true", help="(child) install no indexer")
    parser.add_argument("--without-index", default="", help="backends run with no index pass (phase 1 alone)")
    parser.add_argument("--merge", help="the output of an earlier run whose finished runs join this report")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.search, args.file, args.workdir, not args.no_index)))  # noqa: T201
        return
    sizes = [args.small or max(1, args.items // 10), args.items]
    without = set(filter(None, args.without_index.split(",")))
    backends = list(filter(None, args.backends.split(",")))
    names = {backend: row_name(backend, backend not in without) for backend in backends}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        started = time.perf_counter()
        files = {}
        for size in sizes if backends else ():
            files[size] = scratch / f"items-{size}.csv"
            write_csv(files[size], size)
        generated = time.perf_counter() - started
        runs: dict[str, dict[int, dict]] = merged(args.merge, sizes)
        runs.update({names[backend]: {} for backend in backends})
        lock = threading.Lock()

        def done(backend: str, size: int, run: dict) -> None:  # the section grows as runs finish
            with lock:
                runs[names[backend]][size] = run
                print(backend, size, run, flush=True)  # noqa: T201
                if args.items >= 100_000:
                    write_section("Catalog import", report(sizes, generated, runs)[0])

        with ThreadPoolExecutor(max_workers=max(len(backends), 1)) as pool:
            for future in [pool.submit(run_backend, backend, sizes, files, scratch, args.postgres_url, done,
                                       backend not in without) for backend in backends]:
                future.result()
    text = report(sizes, generated, runs)[0]
    print(text)  # noqa: T201
    if args.items >= 100_000:
        write_section("Catalog import", text)


if __name__ == "__main__":
    main()
