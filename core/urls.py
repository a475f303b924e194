"""Redirect targets that are proven to stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def is_safe_redirect(target: str | None) -> bool:
    """True for a relative path on this site; false for other hosts and tricks.

    Rejects absolute URLs, scheme-relative ``//host`` and ``/\\host`` forms, and
    anything with control characters, which browsers may strip into such forms.
    """
    if not target or len(target) > 2000:
        return False
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def safe_next(default_endpoint: str) -> str:
    """The ``next`` parameter if it is safe, else the default page."""
    target = request.values.get("next")
    return target if is_safe_redirect(target) else url_for(default_endpoint)
