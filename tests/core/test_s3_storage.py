"""The S3-compatible storage against a real S3 endpoint on loopback (moto's server mode)."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.support.servers import free_port


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_config(app_config, s3_endpoint, monkeypatch, unique):
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "statdesk-test"), ("AWS_SECRET_ACCESS_KEY", "statdesk-test-secret"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    bucket = f"statdesk-{unique.lower()}"[:60]
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return dict(app_config, STATDESK_STORAGE_BACKEND="s3", STATDESK_S3_BUCKET=bucket, STATDESK_S3_PREFIX="site-a",
                STATDESK_S3_ENDPOINT_URL=s3_endpoint)


def test_files_go_to_the_bucket_and_come_back_whole(s3_config):
    from app import create_app
    from core.storage import S3Storage, get_storage

    app = create_app(s3_config)
    content = b"Penduduk Lombok Timur 2024\n" * 50_000  # over a megabyte: several chunks
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        stored = storage.save(io.BytesIO(content), prefix="catalog")
        assert stored.size == len(content) and stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.key.startswith("catalog/") and storage.exists(stored.key)
        with storage.open(stored.key) as back:
            assert back.read() == content
        listed = storage.client.list_objects_v2(Bucket=s3_config["STATDESK_S3_BUCKET"])["Contents"]
        assert [entry["Key"] for entry in listed] == [f"site-a/{stored.key}"]
        storage.delete(stored.key)
        assert not storage.exists(stored.key)
        with pytest.raises(FileNotFoundError):
            storage.open(stored.key)
        with pytest.raises(ValueError):
            storage.open("../site-b/secret")


def test_a_second_host_reads_what_the_first_stored(s3_config):
    from app import create_app
    from core.storage import get_storage

    first, second = create_app(s3_config), create_app(s3_config)
    with first.app_context():
        key = get_storage().save(io.BytesIO(b"shared file"), prefix="deliveries").key
    with second.app_context():
        assert get_storage().open(key).read() == b"shared file"


def test_readyz_checks_the_bucket(s3_config):
    from app import create_app

    assert create_app(s3_config).test_client().get("/readyz").json["checks"]["storage"] == "ok"
    missing = create_app(dict(s3_config, STATDESK_S3_BUCKET="no-such-bucket-anywhere"))
    response = missing.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["storage"]
