"""Backups of the database and the stored files, and restore drills that prove them.

A backup is a directory holding the database (the SQLite online-backup API, or
``pg_dump --format=custom`` on PostgreSQL), the stored files as ``files.tar.gz``,
and ``manifest.json``: the schema revision, the row count and the row digest of
every table (SHA-256 over its rows in primary-key order), the SHA-256 of every
stored file, and of each part.  On PostgreSQL the counts, digests and dump read
one exported snapshot, so they agree even while the site keeps writing.

A backup is proven only by restoring it: ``drill`` restores into a scratch
database, counts and digests the rows again, unpacks the files and hashes each,
without touching the live site.  ``restore`` puts a backup back in place of the
live data, checks the live rows and files against the manifest, then runs what
the packages registered in ``AFTER_RESTORE`` (the search index is rebuilt from
the restored rows and verified, so searches answer as before the backup).

``backup.scheduled`` (a periodic job, every ``STATDESK_BACKUP_HOURS``) writes a
backup and keeps the newest ``STATDESK_BACKUP_KEEP``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core import clock, registry
from core.extensions import db

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


PREFIX = "statdesk-"

AFTER_RESTORE: registry.ListSlot[tuple[str, Callable[[], str]]] = registry.ListSlot(
    "core.after_restore",
    "(name, step) pairs run in order after `flask backup restore` put the rows and files back, inside an "
    "application context; a step rebuilds what is derived from them and returns a line for the operator, "
    "or raises when the site would not work.")


class BackupError(RuntimeError):
    """A backup could not be made, read or restored; the message says why."""


@dataclass
class DrillReport:
    backup: Path
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def backups_dir(app) -> Path:
    return Path(app.config["STATDESK_BACKUP_DIR"] or os.path.join(app.instance_path, "backups"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(url: sa.engine.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def row_counts(connection) -> dict[str, int]:
    """Rows per table (the migrations' own bookkeeping included) on ``connection``."""
    names = sorted(sa.inspect(connection).get_table_names())
    return {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in names}


def row_digests(connection) -> dict[str, str]:
    """SHA-256 per table over every row, in primary-key order (all columns where there is none)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    digests = {}
    for name in sorted(metadata.tables):
        table = metadata.tables[name]
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        for row in connection.execute(sa.select(table).order_by(*order)).yield_per(2000):
            digest.update(json.dumps([_canonical(value) for value in row], default=str).encode())
            digest.update(b"\n")
        digests[name] = digest.hexdigest()
    return digests


def _canonical(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def file_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file below ``root``, by its path relative to ``root``."""
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): _sha256(path)
            for path in sorted(root.rglob("*")) if path.is_file() and not path.name.startswith(".ready-")}


def _revision(counts_connection) -> str:
    try:
        return counts_connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""
    except sa.exc.DBAPIError:
        return ""


def create_backup(app, target: Path | None = None) -> Path:
    """Write a new backup directory below ``target`` (default ``STATDESK_BACKUP_DIR``); return its path."""
    engine = db.engine
    backend = engine.dialect.name
    if backend not in DATABASE:
        raise BackupError(f"backups of {backend} databases are not supported")
    dest = Path(target or backups_dir(app)) / f"{PREFIX}{clock.now():%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:6]}"
    dest.mkdir(parents=True)
    database = dest / DATABASE[backend]
    storage = Path(app.config["STATDESK_STORAGE_DIR"])
    try:
        tables, digests, revision = (_backup_sqlite if backend == "sqlite" else _backup_postgresql)(engine, database)
        files = file_hashes(storage)
        _archive(storage, dest / FILES)
    except Exception:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    manifest = {"created_at": clock.now().isoformat(), "backend": backend, "revision": revision,
                "tables": tables, "digests": digests, "files": files,
                "parts": {p.name: _sha256(p) for p in (database, dest / FILES)}}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return dest


def _backup_sqlite(engine, database: Path) -> tuple[dict[str, int], dict[str, str], str]:
    with engine.connect() as connection:
        live = connection.connection.driver_connection
        copy = sqlite3.connect(database)
        try:
            live.backup(copy)
        finally:
            copy.close()
    counted = sa.create_engine(f"sqlite:///{database}")
    try:
        with counted.connect() as connection:
            return row_counts(connection), row_digests(connection), _revision(connection)
    finally:
        counted.dispose()


def _backup_postgresql(engine, database: Path) -> tuple[dict[str, int], dict[str, str], str]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
              f"--file={database}", _libpq_url(engine.url)])
        tables, digests, revision = row_counts(connection), row_digests(connection), _revision(connection)
    return tables, digests, revision


def _archive(storage: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        if storage.is_dir():
            tar.add(storage, arcname="storage")


def read_manifest(backup: Path) -> dict:
    try:
        return json.loads((Path(backup) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{backup} has no readable {MANIFEST}: {exc}") from exc


def drill(app, backup: Path) -> DrillReport:
    """Restore ``backup`` into a scratch database and check it against its manifest."""
    backup = Path(backup)
    report = DrillReport(backup)
    manifest = read_manifest(backup)
    for name, expected in manifest["parts"].items():
        part = backup / name
        if not part.is_file():
            report.problems.append(f"{name} is missing")
        elif _sha256(part) != expected:
            report.problems.append(f"{name} does not match its checksum")
    if report.problems:
        return report
    try:
        counts, digests = _restored_rows(manifest["backend"], backup / DATABASE[manifest["backend"]])
        files = _archived_files(backup / FILES)
    except (BackupError, sqlite3.DatabaseError, sa.exc.DBAPIError, tarfile.TarError) as exc:
        report.problems.append(f"restoring failed: {exc}")
        return report
    report.problems.extend(compare(manifest, counts, digests, files))
    report.tables, report.rows, report.files = len(counts), sum(counts.values()), len(files)
    return report


def compare(manifest: dict, counts: dict[str, int], digests: dict[str, str], files: dict[str, str]) -> list[str]:
    """What differs between the manifest and restored rows and files (empty when all match)."""
    problems = []
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows restored, {expected} backed up")
        elif table in manifest.get("digests", {}) and digests.get(table) != manifest["digests"][table]:
            problems.append(f"table {table}: the restored rows differ from the backed-up ones")
    expected_files = manifest.get("files")
    if expected_files is not None:
        for name in sorted(set(expected_files) | set(files)):
            if name not in files:
                problems.append(f"file {name} is missing from the restore")
            elif name not in expected_files:
                problems.append(f"file {name} was not backed up")
            elif files[name] != expected_files[name]:
                problems.append(f"file {name} differs from the backed-up one")
    return problems


def _restored_rows(backend: str, database: Path) -> tuple[dict[str, int], dict[str, str]]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "drill.sqlite3"
            shutil.copyfile(database, copy)
            engine = sa.create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    if connection.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                        raise BackupError("the SQLite file fails its integrity check")
                    return row_counts(connection), row_digests(connection)
            finally:
                engine.dispose()
    return _postgresql_scratch_rows(database)


def _postgresql_scratch_rows(database: Path) -> tuple[dict[str, int], dict[str, str]]:
    server = db.engine.url
    name = f"statdesk_drill_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        scratch_url = server.set(database=name)
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq_url(scratch_url)}", str(database)])
        scratch = sa.create_engine(scratch_url)
        try:
            with scratch.connect() as connection:
                return row_counts(connection), row_digests(connection)
        finally:
            scratch.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _archived_files(archive: Path) -> dict[str, str]:
    """Unpack the stored files into a scratch directory; the SHA-256 of each."""
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(scratch, filter="data")
        return file_hashes(Path(scratch) / "storage")


def restore(app, backup: Path) -> DrillReport:
    """Replace the live database and stored files with ``backup`` (drilled first)."""
    report = drill(app, backup)
    if not report.ok:
        raise BackupError("; ".join(report.problems))
    manifest = read_manifest(backup)
    engine = db.engine
    if manifest["backend"] != engine.dialect.name:
        raise BackupError(f"a {manifest['backend']} backup cannot be restored into {engine.dialect.name}")
    db.session.remove()
    engine.dispose()
    database = Path(backup) / DATABASE[manifest["backend"]]
    if manifest["backend"] == "sqlite":
        source = sqlite3.connect(database)
        live = sqlite3.connect(engine.url.database)
        try:
            source.backup(live)
        finally:
            source.close()
            live.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
              f"--dbname={_libpq_url(engine.url)}", str(database)])
    storage = Path(app.config["STATDESK_STORAGE_DIR"])
    _restore_files(storage, Path(backup) / FILES)
    with db.engine.connect() as connection:
        problems = compare(manifest, row_counts(connection), row_digests(connection), file_hashes(storage))
    if problems:
        raise BackupError("the restored site differs from the backup: " + "; ".join(problems))
    for name, step in AFTER_RESTORE.get(app):
        try:
            report.steps.append(f"{name}: {step()}")
        except Exception as exc:
            raise BackupError(f"restored, but {name} failed: {exc}") from exc
        finally:
            db.session.remove()
    return report


def scheduled_backup() -> str:
    """The periodic job: a new backup when ``STATDESK_BACKUP_HOURS`` is due, then the retention."""
    from flask import current_app

    app = current_app._get_current_object()
    if not app.config["STATDESK_BACKUP_HOURS"]:
        return "scheduled backups are off (STATDESK_BACKUP_HOURS=0)"
    path = create_backup(app)
    removed = prune(backups_dir(app), app.config["STATDESK_BACKUP_KEEP"])
    return f"wrote {path.name}; removed {len(removed)} old backup(s)"


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` complete backups in ``directory``; the ones deleted."""
    complete = sorted((path for path in Path(directory).glob(f"{PREFIX}*") if (path / MANIFEST).is_file()),
                      key=lambda path: path.name)
    old = complete[:-keep] if keep > 0 else complete
    for path in old:
        shutil.rmtree(path)
    return old


def _restore_files(storage: Path, archive: Path) -> None:
    staging = storage.with_name(storage.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")
    shutil.rmtree(storage, ignore_errors=True)
    restored = staging / "storage"
    if restored.is_dir():
        restored.rename(storage)
    else:
        storage.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
