"""File storage behind a small interface.

Files are addressed by an opaque key chosen by the storage, never by a name a user
supplied.  ``LocalStorage`` keeps them below ``STATDESK_STORAGE_DIR``; another
implementation (shared or object storage) can replace it behind ``Storage``.
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


STORAGE: registry.Slot[Storage] = registry.Slot(
    "core.storage", "The application's file storage (default: LocalStorage below STATDESK_STORAGE_DIR).",
    default=lambda app: LocalStorage(app.config["STATDESK_STORAGE_DIR"]))


def get_storage() -> Storage:
    """The storage configured for the current application."""
    return STORAGE.get()
