"""Delivery by expiring signed links.

A link carries a signed token naming the delivered file and its owner.  At download
time the token, the file's own expiry and download count, the order's state and the
signed-in user are all checked again, so a leaked or old link opens nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from core import audit, clock
from core.errors import Gone, NotFound
from core.extensions import db
from orders.models import DeliveredFile, OrderState

SALT = "orders-download"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(delivered: DeliveredFile, user_id: int) -> str:
    return _serializer().dumps({"f": delivered.id, "u": user_id})


def claim_download(token: str, user) -> DeliveredFile:
    """Check everything and count one download (atomically, within the limit); commit."""
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise NotFound(_("This download link is not valid.")) from exc
    delivered = db.session.get(DeliveredFile, data.get("f")) if isinstance(data, dict) else None
    if (delivered is None or data.get("u") != user.id or delivered.order.user_id != user.id
            or delivered.order.state is not OrderState.DELIVERED):
        raise NotFound(_("This download link is not valid."))
    if delivered.expires_at <= clock.now():
        raise Gone(_("This download link expired on %(date)s. Ask the service desk for a new "
                                     "one, quoting order %(number)s.", date=_local(delivered.expires_at),
                                     number=delivered.order.number))
    counted = db.session.execute(
        sa.update(DeliveredFile).where(DeliveredFile.id == delivered.id,
                                       DeliveredFile.download_count < DeliveredFile.max_downloads)
        .values(download_count=DeliveredFile.download_count + 1))
    if counted.rowcount != 1:
        db.session.rollback()
        raise Gone(_("This file has been downloaded the maximum of %(limit)d times. Ask the "
                                     "service desk for a new link, quoting order %(number)s.",
                                     limit=delivered.max_downloads, number=delivered.order.number))
    audit.record("delivery.download", delivered, user, order=delivered.order.number, file=delivered.filename)
    db.session.commit()
    db.session.refresh(delivered)
    return delivered


def _local(value) -> str:
    from core.timefmt import format_local

    return format_local(value)
