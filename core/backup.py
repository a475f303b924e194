"""Backups of the database and the stored files, and restore drills that prove them.

A backup is a directory holding the database (the SQLite online-backup API, or
``pg_dump --format=custom`` on PostgreSQL), the stored files as ``files.tar.gz``,
and ``manifest.json``: the schema revision, the row count of every table and the
SHA-256 of each part.  On PostgreSQL the counts and the dump read one exported
snapshot, so they agree even while the site keeps writing.

A backup is proven only by restoring it: ``drill`` restores into a scratch
database, counts the rows again and checks every checksum, without touching the
live site.  ``restore`` puts a backup back in place of the live data.
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
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core import clock
from core.extensions import db

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(RuntimeError):
    """A backup could not be made, read or restored; the message says why."""


@dataclass
class DrillReport:
    backup: Path
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0

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
    dest = Path(target or backups_dir(app)) / f"statdesk-{clock.now():%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:6]}"
    dest.mkdir(parents=True)
    database = dest / DATABASE[backend]
    try:
        tables, revision = (_backup_sqlite if backend == "sqlite" else _backup_postgresql)(engine, database)
        _archive(Path(app.config["STATDESK_STORAGE_DIR"]), dest / FILES)
    except Exception:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    manifest = {"created_at": clock.now().isoformat(), "backend": backend, "revision": revision,
                "tables": tables, "parts": {p.name: _sha256(p) for p in (database, dest / FILES)}}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return dest


def _backup_sqlite(engine, database: Path) -> tuple[dict[str, int], str]:
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
            return row_counts(connection), _revision(connection)
    finally:
        counted.dispose()


def _backup_postgresql(engine, database: Path) -> tuple[dict[str, int], str]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        tables, revision = row_counts(connection), _revision(connection)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
              f"--file={database}", _libpq_url(engine.url)])
    return tables, revision


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
        counts = _restored_counts(manifest["backend"], backup / DATABASE[manifest["backend"]])
        report.files = _check_archive(backup / FILES)
    except (BackupError, sqlite3.DatabaseError, sa.exc.DBAPIError, tarfile.TarError) as exc:
        report.problems.append(f"restoring failed: {exc}")
        return report
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.problems.append(f"table {table}: {counts.get(table)} rows restored, {expected} backed up")
    report.tables, report.rows = len(counts), sum(counts.values())
    return report


def _restored_counts(backend: str, database: Path) -> dict[str, int]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "drill.sqlite3"
            shutil.copyfile(database, copy)
            engine = sa.create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    if connection.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                        raise BackupError("the SQLite file fails its integrity check")
                    return row_counts(connection)
            finally:
                engine.dispose()
    return _postgresql_scratch_counts(database)


def _postgresql_scratch_counts(database: Path) -> dict[str, int]:
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
                return row_counts(connection)
        finally:
            scratch.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _check_archive(archive: Path) -> int:
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            if member.isfile():
                with tar.extractfile(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
        return sum(1 for member in members if member.isfile())


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
    _restore_files(Path(app.config["STATDESK_STORAGE_DIR"]), Path(backup) / FILES)
    return report


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
