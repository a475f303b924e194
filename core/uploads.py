"""Checks every upload passes before anything is stored.

The type is decided by the file's first bytes, never by the name or the
``Content-Type`` the browser sent; the size is measured; the stored name is a
safe one with the extension of the sniffed type.  ``check_upload`` raises
``UploadError`` (a translated message and a 4xx) and stores nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from core.errors import Invalid, TooLarge, UnsupportedType

SNIFF_BYTES = 8192
PDF, PNG, JPEG, CSV, TEXT = "application/pdf", "image/png", "image/jpeg", "text/csv", "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"
OFFICE = {".docx": (DOCX, b"word/"), ".xlsx": (XLSX, b"xl/")}
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", CSV: ".csv", TEXT: ".txt", DOCX: ".docx", XLSX: ".xlsx",
              ODT: ".odt", ZIP: ".zip"}
DOCUMENTS = frozenset({PDF, PNG, JPEG, DOCX, ODT})
ATTACHMENTS = frozenset({PDF, PNG, JPEG, CSV, TEXT, DOCX, XLSX})


class UploadError(Invalid):
    """An upload refused for its content (size and type have their own family members)."""


@dataclass(frozen=True)
class CheckedUpload:
    upload: object  # werkzeug FileStorage, rewound
    content_type: str
    filename: str
    size: int


def sniff(head: bytes, filename: str) -> str | None:
    """The content type the bytes prove, or ``None`` when they prove none we know."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    ext = os.path.splitext(filename.lower())[1]
    if head.startswith(b"PK\x03\x04"):
        if ext in OFFICE:
            content_type, marker = OFFICE[ext]
            return content_type if marker in head or b"[Content_Types].xml" in head else None
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in head:
            return ODT
        return ZIP
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a character cut at the sniffing boundary is fine
            return None
    return CSV if ext == ".csv" else TEXT


def safe_name(filename: str, content_type: str, default: str = "file") -> str:
    """``secure_filename`` of the stem, cut to 80 characters, with the sniffed type's extension."""
    stem = os.path.splitext(secure_filename(filename or ""))[0][:80] or default
    return stem + EXTENSIONS[content_type]


def describe(allowed: frozenset[str]) -> str:
    return ", ".join(sorted({EXTENSIONS[t].lstrip(".").upper() for t in allowed}))


def check_upload(upload, allowed: frozenset[str] = ATTACHMENTS, max_bytes: int | None = None) -> CheckedUpload:
    """Measure and sniff ``upload``; raise ``UploadError`` unless it is a non-empty allowed file."""
    shown = secure_filename(getattr(upload, "filename", "") or "") or "file"
    if upload is None or not getattr(upload, "filename", ""):
        raise UploadError(_("Choose a file to upload."))
    limit = max_bytes or current_app.config["STATDESK_MAX_UPLOAD_MB"] * 1024 * 1024
    stream = upload.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadError(_("The file %(name)s is empty.", name=shown))
    if size > limit:
        raise TooLarge(_("The file %(name)s is larger than %(mb)s MB.", name=shown, mb=limit // (1024 * 1024)))
    content_type = sniff(stream.read(SNIFF_BYTES), upload.filename)
    stream.seek(0)
    if content_type not in allowed:
        raise UnsupportedType(_("The file %(name)s is not of an accepted type (%(types)s).", name=shown,
                            types=describe(allowed)))
    return CheckedUpload(upload, content_type, safe_name(upload.filename, content_type), size)
