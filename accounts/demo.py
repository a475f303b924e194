"""Demo accounts: one per role, documented in the README.  Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import ConsumerProfile, Role, Segment, User, UserRole
from accounts.passwords import hash_password
from core import clock
from core.extensions import db

DEMO_PASSWORD = "Statdesk-demo-2026"  # noqa: S105 - documented in the README, demo only

DEMO_USERS = (
    ("admin@demo.example.org", "Ayu Administrator", {Role.ADMIN}, "", Segment.INTERNAL, ""),
    ("supervisor@demo.example.org", "Sri Supervisor", {Role.SUPERVISOR, Role.OPERATOR}, "PST", Segment.INTERNAL, ""),
    ("operator@demo.example.org", "Oki Operator", {Role.OPERATOR}, "PST", Segment.INTERNAL, ""),
    ("operator2@demo.example.org", "Putu Petugas", {Role.OPERATOR}, "PST", Segment.INTERNAL, ""),
    ("producer@demo.example.org", "Dedi Produsen", {Role.PRODUCER}, "Direktorat Statistik Kependudukan",
     Segment.INTERNAL, ""),
    ("finance@demo.example.org", "Fitri Bendahara", {Role.FINANCE}, "Keuangan", Segment.INTERNAL, ""),
    ("consumer@demo.example.org", "Citra Konsumen", {Role.CONSUMER}, "", Segment.PUBLIC, ""),
    ("pemda@demo.example.org", "Gede Pemda", {Role.CONSUMER}, "", Segment.GOVERNMENT,
     "Bappeda Provinsi Nusa Tenggara Barat"),
    ("kampus@demo.example.org", "Rina Akademisi", {Role.CONSUMER}, "", Segment.ACADEMIC, "Universitas Mataram"),
)


def load() -> int:
    """Create the demo users that do not exist yet; return how many were created."""
    created = 0
    password_hash = None
    for email, name, roles, unit, segment, institution in DEMO_USERS:
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = User(email=email, full_name=name, unit=unit, password_hash=password_hash,
                    email_verified_at=clock.now(), locale="id")
        user.roles = [UserRole(role=role) for role in sorted(roles, key=lambda r: r.value)]
        user.profile = ConsumerProfile(segment=segment, institution=institution)
        db.session.add(user)
        created += 1
    db.session.commit()
    return created
