"""The cube store at scale: import rate, a 10,000-cell selection from a 1,000,000-cell cube, page throughput.

    .venv/bin/python benchmarks/tables.py [--cells 200000] [--samples 40] [--requests 300]
                                          [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

1. Import: a tidy CSV of ``--cells`` cells (regions × years × categories) read, mapped and checked by the
   real import (``catalog.tables.imports``), then written by ``services.publish`` into a migrated SQLite
   database; cells per second for each step and for the whole, wall and CPU time, best and median of
   ``--rounds`` runs in one warm process (a small import first loads the modules a server has loaded).
   Target: 100,000 cells/s or better.
2. Selection: a 100 × 100 × 100 cube (1,000,000 cells) stored through ``store.write``; then ``--samples``
   random selections of 10 × 100 × 10 = 10,000 cells, each loading the version, making the selection and
   reading its cells through ``services.select`` (the path of the API and the viewer), on SQLite and, when
   reachable, PostgreSQL.  p50/p95 of wall time, p50 of CPU time.  Target: p95 ≤ 150 ms on each.
3. Throughput: the table viewer page (``/catalog/<id>/table``, a 3-dimension table of the demo's size) and a
   bare Flask page ("ok"), each under gunicorn with 2 sync workers, both servers up at once and measured in
   alternating rounds by the same client (keep-alive, 4 threads), so both see the same load; the ratio of
   requests per second per round, and the servers' CPU time per request.  Also measured, beside it: the
   table page with a different selection on every request (nothing kept from an earlier request helps) and
   the application's own 404 page (its floor: sessions, locale, logging, base template).
   Target: 0.35 or better for the table page.

Writes the section "Table cubes" of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway database


def _config(url: str, storage: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "STATDESK_ENV": "testing", "TESTING": True, "SECRET_KEY": SECRET,
            "STATDESK_MAIL_TRANSPORT": None, "STATDESK_STORAGE_DIR": storage, "WTF_CSRF_ENABLED": False}


def _app(url: str, storage: str):
    from app import create_app

    return create_app(_config(url, storage))


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _item(app, status: str = "released") -> int:
    from datetime import timedelta

    from catalog.models import Access, Item, ItemKind, ItemVersion, ReleaseStatus, TariffKind
    from core import clock
    from core.extensions import db

    with app.app_context():
        item = Item(kind=ItemKind.TABLE, title_id="Tabel uji kinerja", title_en="Benchmark table",
                    subject_code="SOS.PDD", region_code="52", year=2024, unit="Direktorat Statistik Kependudukan",
                    access=Access.FREE,
                    tariff_kind=TariffKind.NONE, tariff={}, status=ReleaseStatus(status), keywords=[],
                    release_at=clock.now() - timedelta(days=1) if status == "released" else None)
        item.versions = [ItemVersion(number=1, changelog="Rilis pertama.")]
        db.session.add(item)
        db.session.commit()
        return item.id


def tidy_csv(cells: int) -> bytes:
    categories = 10
    years = 20
    regions = max(1, cells // (categories * years))
    lines = ["wilayah,tahun,kategori,value"]
    rng = random.Random(7)
    for r in range(regions):
        for y in range(2000, 2000 + years):
            for c in range(categories):
                lines.append(f"R{r:05d},{y},K{c:02d},{rng.uniform(0, 1_000_000):.2f}")
    return ("\n".join(lines) + "\n").encode()


def measure_import(cells: int, rounds: int) -> dict:
    from catalog.tables import imports, services

    workdir = tempfile.mkdtemp(prefix="statdesk-bench-tables-")
    app = _app(f"sqlite:///{workdir}/import.db", f"{workdir}/storage")
    _migrate(app)
    data = tidy_csv(cells)
    runs = []
    with app.test_request_context():
        warm = _item(app, status="draft")
        services.publish(None, warm, imports.read(tidy_csv(2_000), "csv", "warm.csv").draft)
        for _ in range(rounds):
            item_id = _item(app, status="draft")
            wall, cpu = time.perf_counter(), time.process_time()
            reading = imports.read(data, "csv", "bench.csv")
            parsed_wall, parsed_cpu = time.perf_counter(), time.process_time()
            assert reading.draft.ok, reading.draft.problems[:3]
            count = reading.draft.count
            services.publish(None, item_id, reading.draft)
            stored_wall, stored_cpu = time.perf_counter(), time.process_time()
            runs.append({"parse": parsed_wall - wall, "parse_cpu": parsed_cpu - cpu, "store": stored_wall - parsed_wall,
                         "store_cpu": stored_cpu - parsed_cpu, "total": stored_wall - wall,
                         "total_cpu": stored_cpu - cpu})
    best = min(runs, key=lambda run: run["total"])
    return {"cells": count, "bytes": len(data), "best": best, "rounds": len(runs), "load": os.getloadavg()[0],
            "median_total": statistics.median(r["total"] for r in runs)}


def _big_cube(app, item_id: int):
    from catalog.tables import store
    from catalog.tables.cube import Dimension, Structure, Value
    from catalog.tables.models import CubeVersion
    from core.extensions import db

    dims = [Dimension("wilayah", {"id": "Wilayah"}, "geo", [Value(f"R{i:03d}", {"id": f"Wilayah {i}"})
                                                             for i in range(100)]),
            Dimension("bulan", {"id": "Bulan"}, "time", [Value(f"M{i:03d}", {"id": f"Bulan {i}"}) for i in range(100)]),
            Dimension("kategori", {"id": "Kategori"}, "other", [Value(f"K{i:03d}", {"id": f"Kategori {i}"})
                                                                 for i in range(100)])]
    structure = Structure(dims, {"id": "Unit"}, 2)
    with app.app_context():
        version = CubeVersion(item_id=item_id, number=1, structure=structure.to_json(), cell_count=structure.size)
        db.session.add(version)
        db.session.flush()
        rng = random.Random(3)
        store.write(version.id, list(range(structure.size)),
                    [round(rng.uniform(0, 1000), 2) for _ in range(structure.size)], {})
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE catalog_cube_chunk")
    return structure


def measure_selection(url: str, samples: int) -> dict:
    from catalog.tables import services
    from catalog.tables.cube import make_selection

    workdir = tempfile.mkdtemp(prefix="statdesk-bench-tables-")
    app = _app(url, f"{workdir}/storage")
    if url.startswith("sqlite"):
        _migrate(app)
    item_id = _item(app)
    started = time.perf_counter()
    structure = _big_cube(app, item_id)
    loaded_in = time.perf_counter() - started
    rng = random.Random(11)
    timings, cpu_times = [], []
    with app.test_request_context():
        for sample in range(samples + 3):
            chosen = {"wilayah": rng.sample([v.code for v in structure.dimensions[0].values], 10),
                      "bulan": [v.code for v in structure.dimensions[1].values],
                      "kategori": rng.sample([v.code for v in structure.dimensions[2].values], 10)}
            start, cpu = time.perf_counter(), time.process_time()
            loaded = services.require(item_id)
            selection = make_selection(loaded.structure, chosen, ["wilayah"], ["bulan"])
            cells = services.select(loaded, selection)
            elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
            assert len(cells) == 10_000, len(cells)
            if sample >= 3:  # the first few load the modules and the version's structure
                timings.append(elapsed * 1000)
                cpu_times.append(cpu_used * 1000)
    timings.sort()
    return {"p50": statistics.median(timings), "p95": _p95(timings), "max": timings[-1], "samples": len(timings),
            "cpu_p50": statistics.median(cpu_times), "load_s": loaded_in, "load": os.getloadavg()[0]}


def _p95(sorted_values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    return sorted_values[max(0, -(-len(sorted_values) * 95 // 100) - 1)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BARE_APP = '''
from flask import Flask
app = Flask(__name__)


@app.get("/")
def bare():
    return "ok"
'''


def _serve(module: str, env: dict, cwd: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level",
               "warning", module]
    # the application logs each request (its structured log); kept, but not on this terminal
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,  # noqa: S603 - our command
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/", timeout=30)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    process.wait(timeout=30)
    raise RuntimeError(f"gunicorn did not start: {module}")


def _cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by a gunicorn master and its workers (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [process.pid]
    try:
        with open(f"/proc/{process.pid}/task/{process.pid}/children", encoding="ascii") as handle:
            pids += [int(pid) for pid in handle.read().split()]
    except OSError:
        return float("nan")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / ticks


def _throughput(base: str, paths: list[str], expected: int = 200, threads: int = 4) -> float:
    """Requests per second for ``paths`` (each requested once, spread over ``threads`` keep-alive clients)."""
    import requests

    done = []

    def worker(share: list[str]) -> None:
        with requests.Session() as session:
            for path in share:
                response = session.get(base + path, timeout=60)
                assert response.status_code == expected, (path, response.status_code)
        done.append(len(share))

    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(paths[n::threads],)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / (time.perf_counter() - start)


def _new_selections(structure, item_id: int, count: int) -> list[str]:
    """``count`` different selections of the table: a random, non-empty set of values of every dimension."""
    from urllib.parse import urlencode

    rng = random.Random(13)
    found: dict[str, None] = {}
    for _attempt in range(count * 50):
        if len(found) == count:
            return list(found)
        pairs = []
        for d in structure.dimensions:
            codes = [v.code for v in d.values]
            pairs.append((d.code, ",".join(sorted(rng.sample(codes, rng.randint(1, len(codes))), key=codes.index))))
        found[f"/catalog/{item_id}/table?" + urlencode(pairs)] = None
    raise RuntimeError(f"the table has fewer than {count} different selections")


def measure_throughput(requests_count: int, rounds: int) -> dict:
    import random as _random

    from catalog.tables import demo, store
    from catalog.tables.models import CubeVersion
    from core.extensions import db

    workdir = tempfile.mkdtemp(prefix="statdesk-bench-tables-")
    url = f"sqlite:///{workdir}/pages.db"
    app = _app(url, f"{workdir}/storage")
    _migrate(app)
    item_id = _item(app)
    with app.app_context():
        structure, cells = demo.unemployment(_random.Random(5), "52", 2024)
        version = CubeVersion(item_id=item_id, number=1, structure=structure.to_json(), cell_count=len(cells))
        db.session.add(version)
        store.write_cells(version, structure, cells)
        db.session.commit()
        shown = len(cells)
    with open(os.path.join(workdir, "bare_app.py"), "w", encoding="utf-8") as handle:
        handle.write(BARE_APP)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, STATDESK_ENV="development",
               STATDESK_STORAGE_DIR=f"{workdir}/storage", PYTHONPATH=ROOT, STATDESK_BACKGROUND_SWEEPS="false")
    table = f"/catalog/{item_id}/table"
    fresh = _new_selections(structure, item_id, requests_count * rounds + 10)
    pages = {"bare": ("bare", ["/"] * requests_count), "table": ("app", [table] * requests_count),
             "floor": ("app", ["/no-such-page"] * requests_count)}
    servers = {"bare": _serve("bare_app:app", env, workdir), "app": _serve("app:app", env, ROOT)}
    figures: dict[str, list] = {name: [] for name in (*pages, "new")}
    cpu: dict[str, float] = dict.fromkeys(figures, 0.0)
    try:
        for server, paths in (("app", [table] * 10 + fresh[:10]), ("bare", ["/"] * 10)):  # warm the workers
            _throughput(servers[server][1], paths)
        for round_number in range(rounds):
            batches = dict(pages, new=("app", fresh[10 + round_number * requests_count:
                                                   10 + (round_number + 1) * requests_count]))
            for name, (server, paths) in batches.items():
                process, base = servers[server]
                before = _cpu_seconds(process)
                figures[name].append(_throughput(base, paths, 404 if name == "floor" else 200))
                cpu[name] += _cpu_seconds(process) - before
    finally:
        for process, _base in servers.values():
            process.terminate()
            process.wait(timeout=30)
    ratios = {name: [rate / bare for rate, bare in zip(figures[name], figures["bare"], strict=True)]
              for name in ("table", "new", "floor")}
    return {"rates": {name: statistics.median(values) for name, values in figures.items()},
            "ratios": {name: statistics.median(values) for name, values in ratios.items()},
            "ratio_range": {name: (min(values), max(values)) for name, values in ratios.items()},
            "cpu_ms": {name: cpu[name] * 1000 / (requests_count * rounds) for name in cpu},
            "rounds": rounds, "requests": requests_count, "cells": shown, "load": os.getloadavg()[0]}


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql://", "postgresql://", 1), connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not measured
        return False


def _fresh_postgres(url: str) -> str:
    """A new, migrated database on the server of ``url`` (dropped by the caller)."""
    import psycopg

    name = f"bench_tables_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    fresh = url.rsplit("/", 1)[0] + "/" + name
    _migrate(_app(fresh.replace("postgresql://", "postgresql+psycopg://", 1), tempfile.mkdtemp()))
    return fresh


def _drop_postgres(url: str, fresh: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{fresh.rsplit("/", 1)[1]}" WITH (FORCE)')


def _verdict(met: bool) -> str:
    return "met" if met else "**NOT met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="import runs and throughput rounds")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round")
    parser.add_argument("--postgres-url", default=os.environ.get("STATDESK_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-write", action="store_true", help="print the figures only (a short trial run)")
    args = parser.parse_args()
    started_load = os.getloadavg()[0]

    imported = measure_import(args.cells, args.rounds)
    print(f"import: {imported}")
    selections = {"SQLite": measure_selection(f"sqlite:///{tempfile.mkdtemp()}/select.db", args.samples)}
    print(f"selection SQLite: {selections['SQLite']}")
    if _postgres_reachable(args.postgres_url):
        fresh = _fresh_postgres(args.postgres_url)
        try:
            selections["PostgreSQL"] = measure_selection(fresh.replace("postgresql://", "postgresql+psycopg://", 1),
                                                         args.samples)
        finally:
            _drop_postgres(args.postgres_url, fresh)
        print(f"selection PostgreSQL: {selections['PostgreSQL']}")
    pages = measure_throughput(args.requests, args.rounds)
    print(f"pages: {pages}")
    if args.no_write:
        return

    best = imported["best"]
    rate = imported["cells"] / imported["median_total"]  # the verdict goes by the median run
    lines = ["## Table cubes", "",
             f"Measured by `benchmarks/tables.py` on {os.cpu_count()} CPU(s) shared with other work: load average "
             f"{started_load:.1f} at the start of the run, {imported['load']:.1f} after the import, "
             + ", ".join(f"{figures['load']:.1f} after the {name} selections" for name, figures in selections.items())
             + f", {pages['load']:.1f} after the pages. The targets are wall-clock figures; CPU time (of this "
             "process, or of the gunicorn master and workers) is beside each to show what the code costs whatever "
             "the load.", "",
             "| measure | wall | CPU | target | verdict |", "|---|---|---|---|---|",
             f"| tidy CSV, {imported['cells']:,} cells ({imported['bytes'] / 1e6:.1f} MB): read, map and check | "
             f"{best['parse'] * 1000:.0f} ms | {best['parse_cpu'] * 1000:.0f} ms | | |",
             f"| … then stored as a version (one transaction) | {best['store'] * 1000:.0f} ms | "
             f"{best['store_cpu'] * 1000:.0f} ms | | |",
             f"| **import, whole** (median of {imported['rounds']} runs; the two lines above are the best run, "
             f"{best['total'] * 1000:.0f} ms) | {imported['median_total'] * 1000:.0f} ms = **{rate:,.0f} cells/s** | "
             f"best run {best['total_cpu'] * 1000:.0f} ms = {imported['cells'] / best['total_cpu']:,.0f} cells/s | "
             f"≥ 100,000 cells/s | {_verdict(rate >= 100_000)} |"]
    for name, figures in selections.items():
        lines.append(f"| **10,000-cell selection of a 1,000,000-cell cube, {name}** ({figures['samples']} samples) "
                     "| "
                     f"p50 {figures['p50']:.1f} ms, **p95 {figures['p95']:.1f} ms** (max {figures['max']:.1f}) | "
                     f"p50 {figures['cpu_p50']:.1f} ms | p95 ≤ 150 ms | {_verdict(figures['p95'] <= 150)} |")
    if "PostgreSQL" not in selections:
        lines.append("| 10,000-cell selection, PostgreSQL | not measured (no server reachable) | | p95 ≤ 150 ms "
                     "| **NOT met** (not measured) |")
    rates, ratios, spread, cpu = pages["rates"], pages["ratios"], pages["ratio_range"], pages["cpu_ms"]
    lines += [f"| bare Flask page under gunicorn (2 workers) | {rates['bare']:.0f} requests/s | "
              f"{cpu['bare']:.1f} ms/request | | |",
              f"| table page, the same selection each request | {rates['table']:.0f} requests/s | "
              f"{cpu['table']:.1f} ms/request | | |",
              f"| **ratio table page / bare page** (median of {pages['rounds']} rounds; "
              f"{spread['table'][0]:.2f}–{spread['table'][1]:.2f}) | **{ratios['table']:.2f}** | | ≥ 0.35 | "
              f"{_verdict(ratios['table'] >= 0.35)} |",
              f"| table page, a new selection each request | {rates['new']:.0f} requests/s, ratio "
              f"{ratios['new']:.2f} ({spread['new'][0]:.2f}–{spread['new'][1]:.2f}) | {cpu['new']:.1f} ms/request | "
              f"(≥ 0.35) | {_verdict(ratios['new'] >= 0.35)} |",
              f"| the application's 404 page (its floor) | {rates['floor']:.0f} requests/s, ratio "
              f"{ratios['floor']:.2f} | {cpu['floor']:.1f} ms/request | | |", "",
              "- Import: the tidy file is read column by column (`catalog.tables.formats.columns`: each "
              "check runs over a whole column, codes are looked up once per distinct text, positions are computed "
              "per column); a file with any problem is read again row by row, which names the row and column of each. "
              "Python's cycle collector is paused while an upload is read. Cells are stored as rows of 256 "
              "consecutive offsets (figures packed as doubles; `catalog.tables.models`), so 100,000 cells are about "
              "400 rows. The process is warm (a small import ran first), as a server is.",
              "- Selection: the offsets of the selection fall in a few chunks; runs of consecutive chunks are read "
              "as `BETWEEN` ranges of the primary key `(version_id, chunk)` in one statement, and each cell is one "
              "index into the unpacked figures. The version's structure is kept per process by its id (ids are never "
              "reused, a version never changes). The time includes loading the version row, making the selection, "
              "reading and decoding the cells to their code tuples.",
              f"- Building the 1,000,000-cell cube took {selections['SQLite']['load_s']:.1f} s on SQLite"
              + (f" and {selections['PostgreSQL']['load_s']:.1f} s on PostgreSQL (COPY)" if "PostgreSQL" in selections
                 else "") + ".",
              f"- Pages: the table page is the full viewer (3 dimensions, {pages['cells']} cells in the cube, the "
              "SVG chart, the language and account chrome). Its body is kept per process by version, versions of "
              "the item, language, selection and title, so a repeated selection costs the access check, two queries "
              "and the base template; a new selection renders everything. The bare page is `return \"ok\"`. All "
              f"pages were served at the same time and measured in {pages['rounds']} alternating rounds of "
              f"{pages['requests']} requests by the same client, so each ratio compares pages under the same load.",
              f"- What bounds the page ratio: the application's own 404 page reaches {ratios['floor']:.2f} "
              f"({cpu['floor']:.1f} ms of CPU per request against {cpu['bare']:.1f} ms for the bare page: sessions, "
              "locale, request logging and the base template, which every page pays), and the table page with a "
              f"repeated selection costs {cpu['table'] - cpu['floor']:.1f} ms more than that floor. Under a load "
              "average near 20 on 2 CPUs, wall times are several times the CPU times above."]
    write_section("Table cubes", "\n".join(lines))


if __name__ == "__main__":
    main()
