"""Attachments of consultations: at most three files, each checked by ``core.uploads``."""

from __future__ import annotations

from flask_babel import gettext as _

from consultation.models import Attachment, Ticket
from core.errors import Invalid
from core.storage import get_storage
from core.uploads import ATTACHMENTS, CheckedUpload, check_upload

MAX_FILES = 3


class AttachmentError(Invalid):
    """Attachments refused as a set (too many files)."""


def check_files(uploads) -> list[CheckedUpload]:
    """Validate every upload before anything is stored; an ``AttachmentError`` names the problem."""
    uploads = [upload for upload in uploads or [] if upload and upload.filename]
    if len(uploads) > MAX_FILES:
        raise AttachmentError(_("Attach at most %(count)s files.", count=MAX_FILES))
    # An ``UploadError`` (or its size/type relatives) names the file's problem itself.
    return [check_upload(upload, ATTACHMENTS) for upload in uploads]


def store(ticket: Ticket, files: list[CheckedUpload], message=None) -> list[str]:
    """Save checked files to storage and attach them; returns the keys (to delete if the change fails)."""
    storage, keys = get_storage(), []
    for checked in files:
        checked.upload.stream.seek(0)  # a retried operation stores the same upload again
        stored = storage.save(checked.upload.stream, prefix="consultation")
        keys.append(stored.key)
        ticket.attachments.append(Attachment(storage_key=stored.key, filename=checked.filename,
                                             content_type=checked.content_type, size=stored.size,
                                             sha256=stored.sha256, message=message))
    return keys


def discard(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)
