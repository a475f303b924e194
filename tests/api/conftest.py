"""Fixtures for the API tests: a small public catalog beside items the public must never see, and tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from tests.catalog.conftest import ItemMaker


@pytest.fixture
def items(app):
    return ItemMaker(app)


@pytest.fixture
def catalog(items):
    """Five public items (two with files, one scheduled and due) and three that must stay hidden."""
    public = [
        items.make("table", title="Penduduk Lombok Timur", subject="SOS.KPD", files={"penduduk.csv": b"a,b\n1,2\n"}),
        items.make("publication", title="Inflasi Mataram", subject="EKO.HRG", unit="Direktorat Statistik Harga",
                   files={"inflasi.pdf": b"%PDF-1.4 test"}),
        items.make("map", title="Peta Kemiskinan", region="52", year=2023),
        items.make("microdata", title="Susenas Maret", access="paid", tariff_kind="flat", tariff={"price": 250000}),
        items.make("publication", status="scheduled", release_at=clock.now() - timedelta(minutes=5),
                   title="Statistik Daerah Terbit"),
    ]
    hidden = [
        items.make("publication", status="draft", title="Rancangan Rahasia"),
        items.make("publication", status="scheduled", release_at=clock.now() + timedelta(days=3),
                   title="Jadwal Mendatang"),
        items.make("table", status="withdrawn", title="Tabel Ditarik", withdrawn_reason="Salah hitung."),
    ]
    return {"public": public, "hidden": hidden}


@pytest.fixture
def token_for(app, users):
    """``token_for(email, scopes=..., days=...)`` creates a token through the service and returns it."""
    from accounts import api_tokens
    from accounts.models import User

    def make(email: str, scopes=("read", "orders", "consultations"), days: int = 30) -> str:
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            _row, token = api_tokens.create(user, "test", list(scopes), days)
            return token

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
