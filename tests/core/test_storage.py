import hashlib
import io

import pytest

from core.storage import LocalStorage


def test_saved_file_reports_size_and_sha256_and_reads_back(tmp_path):
    storage = LocalStorage(str(tmp_path))
    data = b"kode wilayah,nama\n5203,Lombok Timur\n"
    stored = storage.save(io.BytesIO(data), prefix="catalog")
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with storage.open(stored.key) as handle:
        assert handle.read() == data
    storage.delete(stored.key)
    assert not storage.exists(stored.key)


def test_keys_cannot_escape_the_storage_directory(tmp_path):
    storage = LocalStorage(str(tmp_path / "store"))
    with pytest.raises(ValueError):
        storage.open("../../etc/passwd")
