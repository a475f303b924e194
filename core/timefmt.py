"""Local-time display: the database holds UTC, people read their office's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["STATDESK_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """An aware datetime in the configured office time zone."""
    return value.astimezone(local_zone())


def format_local(value: datetime | None, with_time: bool = True) -> str:
    """``2026-03-01 09:30 WIB``; an empty string for ``None``."""
    if value is None:
        return ""
    local = to_local(value)
    if not with_time:
        return local.strftime("%d-%m-%Y")
    return f"{local.strftime('%d-%m-%Y %H:%M')} {local.tzname()}"
