"""Pages served by gunicorn, next to a bare Flask page in the same run (issue 16).

    .venv/bin/python benchmarks/pages.py [--items 100000] [--duration 15] [--reps 3] [--connections 32]
                                         [--workers 2] [--mix] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Needs ``wrk`` (Debian's package; ``make bench-deps`` installs it).  For each catalog size (the demo data,
then ``--items N`` when asked) a fresh site is built in a temporary folder through the real commands:
``flask db upgrade``, ``flask demo load``, ``flask search reindex`` and, for N items, ``flask catalog
import`` of a generated CSV file holding the items the demo lacks (``benchmarks.search_corpus``'s seeded
titles and abstracts).  The site runs under gunicorn (``--workers`` sync workers, ``app:app``) and a bare
Flask page (``return "ok"``) under a second gunicorn with the same settings; wrk loads each with
``--connections`` connections for ``--duration`` seconds, ``--reps`` times, the bare page first in each
repetition, so every ratio compares figures of the same minutes.  Pages: home, the catalog list, an
early and a late item page, the search page with a Zipf-distributed mix of queries (a wrk Lua script),
and the table viewer.  Resident memory of each worker is read from ``/proc`` after start and after the
load; CPU time is the workers' own (``/proc/<pid>/stat``).

``--mix`` adds the page mix at 200 connections for 60 s on 4 workers (SQLite, and PostgreSQL with
``--postgres-url``: a database ``bench_pages_<random>`` created and dropped here).

Targets: each page >= 0.35x the bare page at demo size; each page at N items within 1.5x of its demo
throughput; <= 400 MB per worker; the mix's p99 <= 1 s.  Prints the figures and writes the section
"Pages" of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess  # nosec B404 - runs our own commands, gunicorn and wrk
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

BIN = os.path.join(ROOT, ".venv", "bin")
TARGET_RATIO, TARGET_SCALE, TARGET_RSS_MB, TARGET_MIX_P99_MS = 0.35, 1.5, 400, 1000
ZIPF_S = 1.07
PAGES = ("home", "catalog list", "early item", "late item", "search (Zipf mix)", "table viewer")


def bare_app():
    """The reference: a Flask page that only says ``ok`` (``gunicorn 'benchmarks.pages:bare_app()'``)."""
    from flask import Flask

    bare = Flask("bare")
    bare.add_url_rule("/", "ok", lambda: "ok")
    return bare


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_s: float


@dataclass
class Size:
    label: str
    items: int
    build_s: float
    import_s: float | None
    imported: int
    rss_start: list[float] = field(default_factory=list)
    rss_after: list[float] = field(default_factory=list)
    runs: dict[str, list[Run]] = field(default_factory=dict)


# -- the site ---------------------------------------------------------------------------------------------

def site_env(workdir: str, database_url: str) -> dict[str, str]:
    return dict(os.environ, FLASK_APP="app", DATABASE_URL=database_url, SECRET_KEY="bench-" + "k" * 40,
                STATDESK_SEARCH_DIR=os.path.join(workdir, "search"),
                STATDESK_STORAGE_DIR=os.path.join(workdir, "storage"), STATDESK_BACKGROUND_SWEEPS="0",
                PYTHONPATH=ROOT)


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([os.path.join(BIN, "flask"), *args], cwd=ROOT, env=env, capture_output=True,  # noqa: S603 # nosec
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def facts(env: dict) -> dict:
    """Item count, an early and a late public item, a public table with a cube."""
    script = (
        "import json, sqlalchemy as sa\n"
        "from app import create_app\nfrom core.extensions import db\n"
        "from catalog.models import Item, ItemKind, ReleaseStatus\nfrom catalog.tables.models import CubeVersion\n"
        "with create_app().app_context():\n"
        "    public = sa.select(Item.id).where(Item.status == ReleaseStatus.RELEASED)\n"
        "    print(json.dumps({'items': db.session.scalar(sa.select(sa.func.count(Item.id))),\n"
        "        'early': db.session.scalar(public.order_by(Item.id).limit(1)),\n"
        "        'late': db.session.scalar(public.order_by(Item.id.desc()).limit(1)),\n"
        "        'table': db.session.scalar(public.where(Item.kind == ItemKind.TABLE, Item.id.in_(\n"
        "            sa.select(CubeVersion.item_id))).order_by(Item.id).limit(1))}))\n")
    done = subprocess.run([os.path.join(BIN, "python"), "-c", script], cwd=ROOT, env=env,  # noqa: S603 # nosec
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def generated_csv(path: str, count: int) -> None:
    """``count`` released items in the import format (``catalog/importer.py``), seeded."""
    from benchmarks.search_corpus import documents
    from catalog import reference

    known = sorted(code for code, subject in reference.subjects().items() if subject.parent)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "kind", "title_id", "title_en", "abstract_id", "abstract_en", "keywords", "subject",
                         "region", "year", "unit", "access", "tariff_kind", "price", "status", "release_at"])
        for n, doc in enumerate(documents(count), 1):
            subject = doc.subject if doc.subject in reference.subjects() else known[n % len(known)]
            paid = doc.access == "paid"
            writer.writerow([f"bench-{n}", doc.kind, doc.title_id, doc.title_en, doc.abstract_id, doc.abstract_en,
                             ";".join(doc.keywords), subject, doc.region, doc.year, "Direktorat Diseminasi Statistik",
                             doc.access, "flat" if paid else "none", doc.price if paid else "", "released",
                             doc.released_at.isoformat()])


def build_site(workdir: str, database_url: str, items: int) -> tuple[dict, Size]:
    env = site_env(workdir, database_url)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    flask(env, "search", "reindex")
    demo = facts(env)["items"]
    import_s, imported = None, 0
    if items > demo:
        path = os.path.join(workdir, "items.csv")
        generated_csv(path, items - demo)
        began = time.perf_counter()
        print(flask(env, "catalog", "import", path, "--lang", "en").strip())
        import_s, imported = time.perf_counter() - began, items - demo
    size = Size("demo" if items <= demo else f"{items:,} items", facts(env)["items"],
                time.perf_counter() - started, import_s, imported)
    return env, size


# -- gunicorn and wrk ------------------------------------------------------------------------------------

class Gunicorn:
    def __init__(self, target: str, port: int, workers: int, env: dict, log: str):
        self.port = port
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 # nosec
            [os.path.join(BIN, "gunicorn"), "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{port}",
             "--timeout", "120", target], cwd=ROOT, env=env, stdout=self._log, stderr=self._log)

    def wait_ready(self, path: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited (see its log)")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5):  # nosec B310
                    if len(self.workers()) >= 1:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn on {self.port} did not answer within {timeout} s")

    def workers(self) -> list[int]:
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children", encoding="ascii") as handle:
                return [int(pid) for pid in handle.read().split()]
        except OSError:
            return []

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNIT[unit]


def wrk(url: str, connections: int, duration: int, script: str | None = None) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, errors: non-2xx/3xx answers and socket errors)."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603 # nosec
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return rps, p50, p99, errors


def lua_paths(path: str, paths: list[str]) -> str:
    """A wrk script that asks ``paths`` in turn (each wrk thread from the start)."""
    body = ",\n".join(json.dumps(p) for p in paths)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"local paths = {{\n{body}\n}}\nlocal i = 0\n"
                     "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
    return path


def zipf_searches(count: int = 2000) -> list[str]:
    """``count`` search URLs whose query texts follow a Zipf law over the search benchmark's query mix."""
    from benchmarks.search_corpus import queries

    texts = list(dict.fromkeys(text for text, _filters in queries()))
    rng = random.Random(16)
    weights = [1 / rank ** ZIPF_S for rank in range(1, len(texts) + 1)]
    return ["/search?" + urllib.parse.urlencode({"q": text}) for text in rng.choices(texts, weights, k=count)]


def page_paths(site: dict) -> dict[str, str]:
    return {"home": "/", "catalog list": "/catalog/", "early item": f"/catalog/{site['early']}",
            "late item": f"/catalog/{site['late']}", "table viewer": f"/catalog/{site['table']}/table"}


def check_pages(port: int, paths: list[str]) -> None:
    for path in paths:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:  # nosec B310
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status}")


# -- the runs --------------------------------------------------------------------------------------------

def measure_size(args, workdir: str, database_url: str, items: int, bare: Gunicorn, port: int,
                 search_script: str) -> Size:
    env, size = build_site(workdir, database_url, items)
    site = facts(env)
    paths = page_paths(site)
    server = Gunicorn("app:app", port, args.workers, env, os.path.join(workdir, "gunicorn.log"))
    try:
        server.wait_ready("/healthz")
        pids = server.workers()
        size.rss_start = [rss_mb(pid) for pid in pids]
        check_pages(port, [*paths.values(), *zipf_searches(20)])
        size.runs = {"bare": [], **{page: [] for page in PAGES}}
        for _rep in range(args.reps):
            for page in ("bare", *PAGES):
                target = bare if page == "bare" else server
                url = f"http://127.0.0.1:{target.port}{paths.get(page, '/')}"
                before = cpu_seconds(target.workers())
                rps, p50, p99, errors = wrk(url, args.connections, args.duration,
                                            search_script if page.startswith("search") else None)
                size.runs[page].append(Run(rps, p50, p99, errors, cpu_seconds(target.workers()) - before))
                print(f"{size.label:>14} {page:<18} {rps:8.1f} req/s  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms"
                      f"  errors {errors}", flush=True)
        size.rss_after = [rss_mb(pid) for pid in server.workers()]
    finally:
        server.stop()
    return size


def mix_run(args, workdir: str, database_url: str, port: int) -> tuple[float, float, float, int]:
    """The page mix at 200 connections for 60 s on 4 workers, on the demo catalog of ``database_url``."""
    env, _size = build_site(workdir, database_url, 0)
    site = facts(env)
    paths = page_paths(site)
    rng = random.Random(7)
    mix = [rng.choice([paths["home"], paths["catalog list"], paths["early item"], paths["late item"],
                       paths["table viewer"], *zipf_searches(1)]) for _n in range(2000)]
    script = lua_paths(os.path.join(workdir, "mix.lua"), mix)
    server = Gunicorn("app:app", port, 4, env, os.path.join(workdir, "gunicorn.log"))
    try:
        server.wait_ready("/healthz")
        check_pages(port, list(paths.values()))
        return wrk(f"http://127.0.0.1:{port}/", 200, args.mix_duration, script)
    finally:
        server.stop()


def median(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def report(args, sizes: list[Size], mixes: dict, loads: tuple, wall_s: float) -> str:
    demo = sizes[0]
    lines = ["## Pages", "",
             f"`benchmarks/pages.py{' --items ' + str(args.items) if args.items else ''}` on this machine "
             f"({os.cpu_count()} cores, shared): gunicorn with {args.workers} sync workers serving the site "
             f"(SQLite, Whoosh) and, in the same run, a bare Flask page (`return \"ok\"`) under the same settings; "
             f"wrk with {args.connections} connections for {args.duration} s, {args.reps} repetitions, the bare "
             "page first in each; medians of the repetitions. The search page cycles through 2,000 queries "
             f"drawn with a Zipf law (s = {ZIPF_S}) from the search benchmark's query texts. Request logging "
             "stays on (one line per request, as in production).", ""]
    for size in sizes:
        import_note = (f"; {size.imported:,} of them through `flask catalog import` in {size.import_s:.1f} s "
                       f"({size.imported / size.import_s:,.0f} items/s)" if size.import_s else "")
        lines += [f"**{size.label}** ({size.items:,} items{import_note}); bare page: "
                  f"{median(size.runs['bare'], 'rps'):,.0f} req/s.", "",
                  "| page | req/s | min–max | p50 (ms) | p99 (ms) | × bare | worker CPU ms/request | errors |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        bare_rps = max(median(size.runs["bare"], "rps"), 1e-9)
        for page in ("bare", *PAGES):
            runs = size.runs[page]
            rps = median(runs, "rps")
            cpu = sum(r.cpu_s for r in runs) / max(1, sum(r.rps * args.duration for r in runs)) * 1000
            lines.append(f"| {page} | {rps:,.1f} | {min(r.rps for r in runs):,.0f}–{max(r.rps for r in runs):,.0f} "
                         f"| {median(runs, 'p50_ms'):.1f} | {median(runs, 'p99_ms'):.1f} | {rps / bare_rps:.2f}× "
                         f"| {cpu:.2f} | {sum(r.errors for r in runs)} |")
        lines += ["", f"Resident memory per worker: {', '.join(f'{m:.0f}' for m in size.rss_start)} MB after start, "
                      f"{', '.join(f'{m:.0f}' for m in size.rss_after)} MB after the load.", ""]
    lines += [f"Load average (1 min) {loads[0]:.2f} at the start, {loads[1]:.2f} at the end; wall time "
              f"{wall_s / 60:.1f} min.", "", "Targets:", ""]
    for page in PAGES:
        ratio = median(demo.runs[page], "rps") / max(median(demo.runs["bare"], "rps"), 1e-9)
        lines.append(f"- {page} at demo size: {ratio:.2f}× the bare page (target ≥ {TARGET_RATIO}×: "
                     f"{'met' if ratio >= TARGET_RATIO else 'NOT met'}).")
    for size in sizes[1:]:
        for page in PAGES:
            slower = median(demo.runs[page], "rps") / max(median(size.runs[page], "rps"), 1e-9)
            lines.append(f"- {page} at {size.label}: demo throughput / this = {slower:.2f} (target ≤ {TARGET_SCALE}: "
                         f"{'met' if slower <= TARGET_SCALE else 'NOT met'}).")
    if len(sizes) == 1:
        lines.append("- at 100,000 items: not measured in this run (`--items 100000`).")
    biggest = max(m for size in sizes for m in size.rss_after + size.rss_start)
    if sizes[-1].items >= 100_000:
        verdict = "met" if biggest <= TARGET_RSS_MB else "NOT met"
    else:
        verdict = f"not shown: the largest catalog measured here has {sizes[-1].items:,} items"
    lines.append(f"- resident memory per worker: at most {biggest:.0f} MB in this run (target ≤ {TARGET_RSS_MB} MB "
                 f"at 100,000 items: {verdict}).")
    for backend, (rps, p50, p99, errors) in mixes.items():
        lines.append(f"- page mix, 200 connections, {args.mix_duration} s, 4 workers, {backend}: {rps:.1f} req/s, "
                     f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {errors} errors (target p99 ≤ {TARGET_MIX_P99_MS} ms: "
                     f"{'met' if p99 <= TARGET_MIX_P99_MS and not errors else 'NOT met'}).")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=0, help="also measure a catalog of this many items")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mix", action="store_true", help="also the 200-connection page mix on 4 workers")
    parser.add_argument("--mix-duration", type=int, default=60)
    parser.add_argument("--postgres-url", default="", help="also run the mix on PostgreSQL (a database of its own)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STATDESK_TEST_PORT_BASE", "24800")) + 80)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--keep", action="store_true", help="keep the sites' folder (printed) for a look after")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-deps` installs Debian's wrk")
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    workdir = tempfile.mkdtemp(prefix="bench-pages-")
    bare = Gunicorn("benchmarks.pages:bare_app()", args.port, args.workers, site_env(workdir, ""),
                    os.path.join(workdir, "bare.log"))
    sizes, mixes = [], {}
    try:
        bare.wait_ready("/")
        search_script = lua_paths(os.path.join(workdir, "search.lua"), zipf_searches())
        for n, items in enumerate([0] + ([args.items] if args.items else [])):
            folder = os.path.join(workdir, f"site{n}")
            os.makedirs(folder)
            sizes.append(measure_size(args, folder, f"sqlite:///{folder}/site.db", items, bare, args.port + 1,
                                      search_script))
        bare.stop()
        bare = None
        if args.mix:
            folder = os.path.join(workdir, "mix-sqlite")
            os.makedirs(folder)
            mixes["SQLite"] = mix_run(args, folder, f"sqlite:///{folder}/site.db", args.port + 2)
            if args.postgres_url:
                mixes["PostgreSQL"] = _postgres_mix(args, workdir)
    finally:
        if bare is not None:
            bare.stop()
        if args.keep:
            print(f"sites kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report(args, sizes, mixes, (load_start, os.getloadavg()[0]), time.perf_counter() - started)
    print(text)
    if not args.no_write:
        write_section("Pages", text)


def _postgres_mix(args, workdir: str):
    import psycopg

    name = f"bench_pages_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = args.postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        folder = os.path.join(workdir, "mix-postgresql")
        os.makedirs(folder)
        return mix_run(args, folder, url.replace("postgresql://", "postgresql+psycopg://", 1), args.port + 3)
    finally:
        with psycopg.connect(args.postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
