"""Uploads with a wrong type, too large a size or a dangerous name: a clear 4xx, nothing stored."""

import io
import os

import pytest
import sqlalchemy as sa

from catalog.models import ItemFile
from core.extensions import db

UNIT = "Direktorat Statistik Kependudukan"


def _stored_files(app) -> list[str]:
    root = app.config["STATDESK_STORAGE_DIR"]
    return [os.path.join(d, f) for d, _s, files in os.walk(root) for f in files] if os.path.isdir(root) else []


def _rows(app) -> list[ItemFile]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ItemFile)).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def producer_item(items, users, login, frozen_now):
    item_id = items.make(status="draft", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    return item_id


def _upload(client, item_id, content: bytes, name: str):
    return client.post(f"/catalog/manage/{item_id}/files", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_wrong_type_is_415_and_nothing_stored(app, client, producer_item):
    response = _upload(client, producer_item, b"MZ\x90\x00\x03\x00\x00\x00 executable", "laporan.pdf")
    assert response.status_code == 415
    assert "SHA" not in response.get_data(as_text=True)
    assert _stored_files(app) == [] and _rows(app) == []


def test_too_large_is_413_and_nothing_stored(app, client, producer_item):
    app.config["STATDESK_MAX_UPLOAD_MB"] = 1
    response = _upload(client, producer_item, b"%PDF-1.4 " + b"0" * (1024 * 1024 + 10), "besar.pdf")
    assert response.status_code == 413
    assert _stored_files(app) == [] and _rows(app) == []


def test_empty_file_is_400(app, client, producer_item):
    assert _upload(client, producer_item, b"", "kosong.pdf").status_code == 400
    assert _rows(app) == []


def test_dangerous_name_is_made_safe_and_hash_recorded(app, client, producer_item):
    content = b"%PDF-1.4 publikasi"
    response = _upload(client, producer_item, content, "../../etc/pass wd.exe")
    assert response.status_code == 302
    (row,) = _rows(app)
    assert row.filename == "etc_pass_wd.pdf"
    assert row.content_type == "application/pdf" and row.size == len(content)
    import hashlib

    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert len(_stored_files(app)) == 1


def test_other_units_producer_cannot_upload(app, client, items, users, login, frozen_now):
    item_id = items.make(status="draft", unit="Direktorat Statistik Harga")
    login(users.make("producer", unit=UNIT))
    assert _upload(client, item_id, b"%PDF-1.4 x", "a.pdf").status_code == 404
    assert _stored_files(app) == []
