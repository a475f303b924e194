"""File storage behind a small interface.

Files are addressed by an opaque key chosen by the storage, never by a name a user
supplied.  ``STATDESK_STORAGE_BACKEND`` chooses the implementation:

- ``local``: ``LocalStorage`` keeps them below ``STATDESK_STORAGE_DIR`` (on several
  hosts, a directory every host mounts: NFS, CephFS);
- ``s3``: ``S3Storage`` keeps them in the S3-compatible bucket ``STATDESK_S3_BUCKET``
  (AWS, MinIO, Ceph RGW, Garage; ``STATDESK_S3_ENDPOINT_URL`` names a non-AWS
  endpoint), with credentials from boto3's usual sources (``AWS_ACCESS_KEY_ID`` …).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from core import registry

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class Storage(Protocol):
    def save(self, stream: BinaryIO, prefix: str = "") -> StoredObject: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def check(self) -> None:
        """Raise unless a file can be written, read back and deleted now (``/readyz``)."""


class LocalStorage:
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def _path(self, key: str) -> str:
        path = os.path.abspath(os.path.join(self.root, key))
        if not path.startswith(self.root + os.sep):
            raise ValueError("storage key escapes the storage directory")
        return path

    def save(self, stream: BinaryIO, prefix: str = "") -> StoredObject:
        """Copy ``stream`` into a new file, hashing it on the way."""
        token = secrets.token_hex(16)
        key = "/".join(part for part in (prefix.strip("/"), token[:2], token) if part)
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        digest, size = hashlib.sha256(), 0
        tmp = path + ".part"
        with open(tmp, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        os.replace(tmp, path)
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(key))

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def check(self) -> None:
        os.makedirs(self.root, exist_ok=True)
        probe = os.path.join(self.root, f".ready-{os.getpid()}-{secrets.token_hex(4)}")
        with open(probe, "wb") as out:
            out.write(b"ok")
        try:
            with open(probe, "rb") as back:
                if back.read() != b"ok":
                    raise OSError(f"{self.root} does not give back what was written")
        finally:
            os.remove(probe)


class S3Storage:
    """Objects in an S3-compatible bucket, below ``prefix``; the same keys as ``LocalStorage`` makes."""

    def __init__(self, bucket: str, prefix: str = "", client=None, **client_options):
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", **{k: v for k, v in client_options.items() if v})

    def _name(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError("storage key escapes the storage prefix")
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, stream: BinaryIO, prefix: str = "") -> StoredObject:
        """Hash ``stream`` into a spooled copy, then upload it (multipart for large files)."""
        import tempfile

        token = secrets.token_hex(16)
        key = "/".join(part for part in (prefix.strip("/"), token[:2], token) if part)
        digest, size = hashlib.sha256(), 0
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as copy:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
            copy.seek(0)
            self.client.upload_fileobj(copy, self.bucket, self._name(key),
                                       ExtraArgs={"Metadata": {"sha256": digest.hexdigest()}})
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def create(app) -> Storage:
    """The storage ``STATDESK_STORAGE_BACKEND`` names."""
    config = app.config
    if config["STATDESK_STORAGE_BACKEND"] == "s3":
        from botocore.config import Config

        timeout = max(config["STATDESK_READY_TIMEOUT_MS"] / 1000, 1)
        return S3Storage(config["STATDESK_S3_BUCKET"], config["STATDESK_S3_PREFIX"],
                         endpoint_url=config["STATDESK_S3_ENDPOINT_URL"], region_name=config["STATDESK_S3_REGION"],
                         config=Config(connect_timeout=timeout, retries={"max_attempts": 3, "mode": "standard"}))
    return LocalStorage(config["STATDESK_STORAGE_DIR"])


STORAGE: registry.Slot[Storage] = registry.Slot(
    "core.storage", "The application's file storage, made by ``create`` (STATDESK_STORAGE_BACKEND) on first use.",
    default=create)


def get_storage() -> Storage:
    """The storage configured for the current application."""
    return STORAGE.get()
