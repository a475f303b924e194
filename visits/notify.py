"""Messages to visitors' phones (SMS or WhatsApp) behind one small interface.

``STATDESK_VISIT_NOTIFIER`` chooses the implementation: ``log`` (the default)
writes each message to the application log; ``http`` POSTs it to an SMS/WhatsApp
gateway as JSON ``{"to": "+62…", "channel": "sms", "text": "…"}`` with
``Authorization: Bearer <STATDESK_VISIT_GATEWAY_TOKEN>`` (the shape most
Indonesian gateways accept; adapt ``HttpGateway.payload`` for another).

``queue_notice`` records the message once per (visit, kind, round) in the same
transaction as the change that caused it and sends it after the commit, so a
rolled-back call sends nothing and a reminder or "three away" goes out once.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite

from core import clock, unit_of_work
from core.extensions import db
from visits.models import Notice, Visit

log = logging.getLogger("statdesk.visits.notify")


class NotifyError(Exception):
    """The gateway refused or could not be reached."""


class LogNotifier:
    name = "log"

    def send(self, to: str, text: str) -> None:
        log.info("visit message to %s: %s", to, text)


class HttpGateway:
    name = "http"

    def __init__(self, url: str, token: str, channel: str, timeout: float = 10):
        self.url, self.token, self.channel, self.timeout = url, token, channel, timeout

    def payload(self, to: str, text: str) -> dict:
        return {"to": to, "channel": self.channel, "text": text}

    def send(self, to: str, text: str) -> None:
        body = json.dumps(self.payload(to, text)).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310 (configured)
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise NotifyError(f"gateway answered {response.status}")
        except urllib.error.URLError as exc:
            raise NotifyError(f"gateway: {exc}") from exc


def notifier():
    config = current_app.config
    if config["STATDESK_VISIT_NOTIFIER"] == "http":
        return HttpGateway(config["STATDESK_VISIT_GATEWAY_URL"], config["STATDESK_VISIT_GATEWAY_TOKEN"],
                           config["STATDESK_VISIT_GATEWAY_CHANNEL"])
    return LogNotifier()


def queue_notice(visit: Visit, kind: str, text_of, round: int = 0) -> bool:
    """Record notice ``kind`` (``round``) for ``visit`` once; send it to their phone, if any, after the commit.

    ``text_of()`` builds the text in the visitor's language.  False when already recorded.
    """
    with force_locale(visit.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = str(text_of())[:500]
    table = Notice.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    result = db.session.execute(dialect.insert(table).values(
        visit_id=visit.id, kind=kind, round=round, text=text, created_at=clock.now())
        .on_conflict_do_nothing(index_elements=[table.c.visit_id, table.c.kind, table.c.round])
        .returning(table.c.id))
    if result.first() is None:
        return False
    if visit.phone:
        unit_of_work.after_commit(notifier().send, visit.phone, text, name=f"visit notice {kind}")
    return True
