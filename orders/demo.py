"""Demo orders: one of each kind for the demo consumers, using items the catalog offers.  Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from orders import catalog_port, services
from orders.models import CartLine, Order


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def load() -> int:
    """Place a demo order for each demo consumer that has none; return how many orders were made."""
    items = catalog_port.listed_items(limit=20)
    created = 0
    plans = (("consumer@demo.example.org", ("publication", "map", "microdata")),
             ("pemda@demo.example.org", ("map",)),
             ("kampus@demo.example.org", ("publication",)))
    for email, kinds in plans:
        user = _user(email)
        if user is None or db.session.scalar(sa.select(Order.id).where(Order.user_id == user.id).limit(1)):
            continue
        picked = [item for item in items if item.kind in kinds][:3]
        if not picked:
            continue
        for item in picked:
            db.session.add(CartLine(user_id=user.id, item_id=item.id, quantity=1, options=_options(item)))
        db.session.flush()
        institutional = email != "consumer@demo.example.org"
        created += len(services.checkout(user, services.CheckoutRequest(
            non_commercial=institutional, purpose="Demo: perencanaan pembangunan daerah",
            letter=_DemoFile("surat-permohonan.pdf") if institutional else None,
            abstract=_DemoFile("abstraksi-penggunaan-data.pdf"))))
    return created


def _options(item: catalog_port.OrderableItem) -> dict:
    if item.kind == "map" and item.regions:
        return {"region": item.regions[0]}
    if item.kind == "microdata":
        return {"variables": sorted(item.variables[:3])}
    return {}


class _DemoFile:
    """A document as an upload presents it (filename and stream)."""

    def __init__(self, filename: str):
        import io

        self.filename = filename
        self.stream = io.BytesIO(b"%PDF-1.4\n% Statdesk demo document\n")
