"""Builders for duty rosters in tests: operators with shifts, leave, extra shifts and quotas."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db

WIB = ZoneInfo("Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in office time (Asia/Jakarta)."""
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class RosterMaker:
    """``roster.operator(shifts=[(weekday, "08:00", "12:00", "data,metadata")], quota=5)`` returns the id."""

    def __init__(self, app, users):
        self.app, self.users = app, users
        self._supervisor = None

    def supervisor(self) -> User:
        if self._supervisor is None:
            self._supervisor = self.users.make("supervisor", full_name="Sri Supervisor")
        return db.session.scalar(sa.select(User).where(User.email == self._supervisor))

    def operator(self, shifts=((0, "08:00", "16:00", "data"),), quota: int | None = None, name: str = "",
                 email: str | None = None) -> int:
        from roster import services

        email = self.users.make("operator", full_name=name, email=email)
        with self.app.app_context():
            operator_id = db.session.scalar(sa.select(User.id).where(User.email == email))
            boss = self.supervisor()
            for weekday, starts, ends, kinds in shifts:
                services.add_shift(boss, operator_id, weekday, _hm(starts), _hm(ends), kinds.split(","))
            if quota is not None:
                services.set_quota(boss, operator_id, "", quota)
        return operator_id

    def quota(self, operator_id: int, max_open: int, kind: str = "") -> None:
        from roster import services

        with self.app.app_context():
            services.set_quota(self.supervisor(), operator_id, kind, max_open)

    def leave(self, operator_id: int, first: date, last: date | None = None, substitute: int | None = None) -> None:
        from roster import services
        from roster.models import ExceptionKind

        with self.app.app_context():
            services.add_exception(self.supervisor(), services.ExceptionData(
                operator_id, ExceptionKind.LEAVE, first, last or first, substitute_id=substitute))

    def extra_shift(self, operator_id: int, day: date, starts: str, ends: str, kinds: str) -> None:
        from roster import services
        from roster.models import ExceptionKind

        with self.app.app_context():
            services.add_exception(self.supervisor(), services.ExceptionData(
                operator_id, ExceptionKind.EXTRA, day, None, _hm(starts), _hm(ends), kinds.split(",")))
