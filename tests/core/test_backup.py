"""Backups are proven by restoring them (on whichever database the suite runs)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.backup import BackupError, create_backup, drill, restore
from core.extensions import db
from core.storage import get_storage


@pytest.fixture
def site(app, users):
    """Two users and one stored file."""
    emails = [users.make("consumer"), users.make("operator")]
    with app.app_context():
        stored = get_storage().save(io.BytesIO(b"Statistik Indonesia 2026"), prefix="publications")
    return emails, stored.key


def _emails(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.email)))


def test_a_backup_restores_in_a_drill_with_every_row_and_file(app, site, tmp_path):
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
        report = drill(app, backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert report.ok, report.problems
    assert manifest["tables"]["user_account"] == 2 and manifest["revision"]
    assert report.rows == sum(manifest["tables"].values()) and report.files == 1


def test_restore_brings_back_deleted_rows_and_files(app, site, tmp_path):
    emails, key = site
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
        db.session.execute(sa.delete(User).where(User.email == emails[0]))
        db.session.commit()
        get_storage().delete(key)
    assert emails[0] not in _emails(app)
    with app.app_context():
        restore(app, backup)
    assert _emails(app) == set(emails)
    with app.app_context():
        assert get_storage().open(key).read() == b"Statistik Indonesia 2026"


def test_a_damaged_database_part_fails_its_drill_and_is_not_restored(app, site, tmp_path):
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
    part = next(p for p in backup.iterdir() if p.name.startswith("database"))
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    with app.app_context():
        assert drill(app, backup).problems == [f"{part.name} does not match its checksum"]
        with pytest.raises(BackupError):
            restore(app, backup)
    assert _emails(app) == set(site[0])


def test_rows_missing_from_the_restored_database_are_reported(app, site, tmp_path):
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["tables"]["user_account"] = 3  # as if a row had been lost on the way
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with app.app_context():
        report = drill(app, backup)
    assert report.problems == ["table user_account: 2 rows restored, 3 backed up"]


def test_the_commands_back_up_drill_and_refuse_to_restore_without_yes(app, site, tmp_path):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["backup", "create", "--to", str(tmp_path / "b")])
    assert created.exit_code == 0, created.output
    path = created.output.strip().rsplit(" ", 1)[-1]
    drilled = runner.invoke(args=["backup", "drill", path])
    assert drilled.exit_code == 0 and "all match" in drilled.output
    refused = runner.invoke(args=["backup", "restore", path])
    assert refused.exit_code == 2 and "--yes" in refused.output


@pytest.fixture
def app_config(app_config, backend):
    # on the PostgreSQL pass the index lives in the database, as on a cluster
    return dict(app_config, STATDESK_SEARCH_BACKEND="postgresql") if backend == "postgresql" else app_config


def _lombok(client) -> int:
    return client.get("/api/v1/search?q=lombok&per_page=1").get_json()["total"]


def test_a_restored_site_has_identical_rows_and_files_and_searches_as_before(app, client, site, tmp_path):
    from core.backup import file_hashes, row_digests
    from search_index import service
    from tests.catalog.conftest import ItemMaker

    maker = ItemMaker(app)
    for number in range(3):
        maker.make(title=f"Penduduk Lombok Timur {2020 + number}", files={"tabel.pdf": b"%PDF-1.4 " * number})
    maker.make(title="Inflasi Kota Mataram", region="5271")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    before = _lombok(client)
    assert before == 3
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
        with db.engine.connect() as connection:
            digests = row_digests(connection)
        files = file_hashes(Path(app.config["STATDESK_STORAGE_DIR"]))
        # the disaster: rows and files lost, the index empty (a new host, or a wiped index)
        db.session.execute(sa.delete(User).where(User.email == site[0][0]))
        db.session.commit()
        get_storage().delete(site[1])
        service.backend().rebuild([])
    assert _lombok(client) == 0
    restored = runner.invoke(args=["backup", "restore", "--yes", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "search index rebuilt and verified" in restored.output
    # restore() compared every table with the manifest before rebuilding the index; after the rebuild the
    # index's own tables (PostgreSQL backend) are new derived rows, every other table is as backed up
    def primary(found: dict) -> dict:
        return {table: digest for table, digest in found.items() if not table.startswith("search_")}

    with app.app_context(), db.engine.connect() as connection:
        assert primary(row_digests(connection)) == primary(digests)
    assert file_hashes(Path(app.config["STATDESK_STORAGE_DIR"])) == files
    assert _lombok(client) == before
    verified = runner.invoke(args=["search", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_changed_row_or_file_fails_the_drill_by_its_digest(app, site, tmp_path):
    with app.app_context():
        backup = create_backup(app, tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["digests"]["user_account"] = "0" * 64
    name = next(iter(manifest["files"]))
    manifest["files"][name] = "f" * 64
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with app.app_context():
        report = drill(app, backup)
    assert report.problems == ["table user_account: the restored rows differ from the backed-up ones",
                               f"file {name} differs from the backed-up one"]


def test_scheduled_backups_keep_the_newest_ones(app_config, tmp_path):
    from app import create_app
    from core import sweeps
    from core.backup import backups_dir

    app = create_app(dict(app_config, STATDESK_BACKUP_HOURS=24, STATDESK_BACKUP_KEEP=2,
                          STATDESK_BACKUP_DIR=str(tmp_path / "scheduled")))
    job = sweeps.registry(app).get("backup.scheduled")
    assert sweeps.interval_of(app, job) == 24 * 3600
    for _ in range(3):
        sweeps.run_one(app, job)
    kept = sorted(path.name for path in backups_dir(app).iterdir())
    assert len(kept) == 2
    with app.app_context():
        assert all(drill(app, backups_dir(app) / name).ok for name in kept)
