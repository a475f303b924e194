"""The legacy import at scale: 1,000,000 rows of an old system's export, rows per second and peak memory.

    .venv/bin/python benchmarks/legacy_import.py [--rows 1000000] [--backends sqlite,postgresql]
                                                 [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Writes the sample export of ``tests/legacy/make_sample.py`` at the scale that gives
about ``--rows`` rows (consumers, consultations, messages, orders, lines, invoices,
payments, with the same share of bad rows, ~3 %), then imports it with ``flask legacy
import``'s engine (``legacy.services``: the real run with its batches, checkpoints,
provenance records, audit and the reconciliation) into a freshly migrated database, in
a child process per backend (one after the other) whose peak resident memory is read
(``VmHWM`` of ``/proc/self/status``, which starts afresh at ``exec`` unlike ``ru_maxrss``; interpreter and
application included; the baseline is the same process before the import).  Rows per second are given by
wall-clock time and by the child's CPU time (what the import costs on a machine shared with other work).
The reference measured in the same run is a plain pass over the same files (reading
and splitting every CSV row, no transform, no database), so the ratio shows what the
import costs beyond reading.  Writes the section "Legacy import" of ``docs/benchmarks.md``.
Targets: at least 5,000 rows/s on SQLite and on PostgreSQL, peak memory under 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

ROWS_AT_SCALE_ONE = 6_170  # what make_sample.py writes at --scale 1


def _mapping(folder: Path) -> Path:
    text = (Path(ROOT) / "tests/legacy/data/mapping.toml").read_text(encoding="utf-8")
    text = (text.replace('file = "tagihan.xlsx#Tagihan"', 'file = "tagihan.csv"')
            .replace('contact = "invite"', 'contact = "never"').replace("batch_size = 500", "batch_size = 2000"))
    path = folder / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "STATDESK_ENV": "testing", "TESTING": True,
                       "SECRET_KEY": "benchmark-secret-key-0123456789abcdef", "STATDESK_MAIL_TRANSPORT": None})


def peak_mb() -> float:
    """The process's peak resident memory in MB (``VmHWM``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, source: str, mapping: str) -> dict:
    """In a fresh process: migrate, then import ``source`` once; time, rows, peak memory."""
    from flask_migrate import upgrade

    from legacy import services

    app = _app(url)
    with app.app_context():
        upgrade()
        baseline = peak_mb()
        importer = services.importer(Path(source), services.load_mapping(Path(mapping)))
        counted = [0]
        importer.progress = lambda rows: counted.__setitem__(0, counted[0] + rows)
        started, cpu, load_before = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        result = services.execute(importer, Path(source).parent / f"report-{uuid.uuid4().hex[:6]}", "bench")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": counted[0], "rejected": result.rejected,
            "load_before": load_before, "load_after": os.getloadavg()[0],
            "differences": len(result.differences),
            "peak_mb": peak_mb(), "baseline_mb": baseline}


def _start_child(url: str, source: Path, mapping: Path) -> subprocess.Popen:
    command = [sys.executable, __file__, "--child", url, "--source", str(source), "--mapping", str(mapping)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # noqa: S603


def _result(process: subprocess.Popen) -> dict:
    out, _err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"the import child failed ({process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def reference(source: Path) -> float:
    """Seconds to read and split every row of the export (no transform, no database)."""
    import csv

    csv.field_size_limit(16 * 1024 * 1024)
    started = time.perf_counter()
    for path in sorted(source.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for _row in csv.DictReader(handle):
                pass
    return time.perf_counter() - started


def _postgres(server_url: str):
    import sqlalchemy as sa

    server = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"bench_legacy_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def report(rows: int, scale: int, generated: float, read_seconds: float, runs: dict[str, dict]) -> str:
    lines = [
        "## Legacy import",
        "",
        f"`benchmarks/legacy_import.py --rows {rows}`: the sample export of `tests/legacy/make_sample.py` at scale "
        f"{scale} (written in {generated:.0f} s), imported by a real run of `flask legacy import`'s engine into a "
        "freshly migrated database (batches of 2,000 rows, one commit per batch with its provenance records, "
        "audit entry and checkpoint; consumers not contacted), then reconciled. Peak memory is the child process's "
        "maximum resident set, interpreter and application included (baseline: the same process before the import). "
        f"Reference: reading and splitting every CSV row of the export, no transform or database: "
        f"{read_seconds:.1f} s ({rows / read_seconds:,.0f} rows/s).",
        "",
        "| database | rows | rejected | wall time | rows/s (wall) | CPU time | rows/s (CPU) | × reference time | "
        "peak memory | baseline | reconciliation |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for backend, run in runs.items():
        rate, cpu_rate = run["rows"] / run["seconds"], run["rows"] / run["cpu"]
        verdicts.append(f"{backend}: {'met' if cpu_rate >= 5_000 else 'NOT met'} by CPU time "
                        f"({cpu_rate:,.0f} rows/s), {'met' if rate >= 5_000 else 'NOT met'} by wall-clock time "
                        f"({rate:,.0f} rows/s), memory {'met' if run['peak_mb'] < 400 else 'NOT met'} "
                        f"({run['peak_mb']:.0f} MB), reconciliation "
                        f"{'matches' if run['differences'] == 0 else 'does NOT match'}")
        lines.append(f"| {backend} | {run['rows']:,} | {run['rejected']:,} | {run['seconds']:.0f} s | {rate:,.0f} | "
                     f"{run['cpu']:.0f} s | {cpu_rate:,.0f} | {run['seconds'] / read_seconds:.1f} | "
                     f"{run['peak_mb']:.0f} MB | {run['baseline_mb']:.0f} MB | "
                     f"{'matches' if run['differences'] == 0 else str(run['differences']) + ' differences'} |")
    loads = ", ".join(f"{backend} {run['load_before']:.1f} → {run['load_after']:.1f}" for backend, run in runs.items())
    lines += ["", f"Load average (1 min) at the start and the end of each import: {loads}, on {os.cpu_count()} CPUs "
              "(the backends run one after the other; other work on a shared machine shows in the load), so under load "
              "the wall-clock rate understates the import; the CPU-time rate is the import's own process only (the "
              "database server's work is not in it). Each is judged against the target below.",
              "", "Targets (≥ 5,000 rows/s on each database, peak memory < 400 MB): " + "; ".join(verdicts) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("STATDESK_TEST_POSTGRES_URL",
                                                                  "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--child")
    parser.add_argument("--source")
    parser.add_argument("--mapping")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.source, args.mapping)))
        return
    from tests.legacy.make_sample import generate

    scale = max(1, round(args.rows / ROWS_AT_SCALE_ONE))
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "export"
        started = time.perf_counter()
        expected = generate(source, scale, xlsx=False)
        generated = time.perf_counter() - started
        rows = sum(count for count, _money in expected["totals"].values()) + len(expected["rejected"])
        mapping = _mapping(Path(scratch))
        read_seconds = reference(source)
        children, drops = {}, []
        try:
            runs = {}
            for backend in args.backends.split(","):  # one after the other: each import has the machine to itself
                if backend == "sqlite":
                    name, url = "SQLite", f"sqlite:///{scratch}/legacy.db"
                else:
                    url, drop = _postgres(args.postgres_url)
                    drops.append(drop)
                    name = "PostgreSQL"
                children[name] = _start_child(url, source, mapping)
                runs[name] = _result(children[name])
        finally:
            for process in children.values():
                if process.poll() is None:
                    process.kill()
            for drop in drops:
                drop()
        print(runs, flush=True)
    text = report(rows, scale, generated, read_seconds, runs)
    print(text)
    if args.rows >= 1_000_000:
        write_section("Legacy import", text)


if __name__ == "__main__":
    main()
