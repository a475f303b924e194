"""Demo consultations: a few requests in different states.  Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import User
from consultation import services
from consultation.models import ComplaintAbout, RequestKind, Ticket
from core.extensions import db

DEMO_REQUESTS = (
    ("consumer@demo.example.org", RequestKind.DATA, "Jumlah penduduk miskin per kecamatan di Lombok Timur",
     "Apakah tersedia data jumlah penduduk miskin per kecamatan di Kabupaten Lombok Timur untuk tahun 2024?"),
    ("kampus@demo.example.org", RequestKind.CLASSIFICATION, "Kode KBLI untuk usaha tenun ikat",
     "Untuk penelitian kami, kode KBLI 2020 mana yang tepat untuk usaha rumah tangga tenun ikat?"),
    ("pemda@demo.example.org", RequestKind.COMPLAINT, "Tautan unduhan tabel tidak bisa dibuka",
     "Tautan unduhan tabel PDRB yang kami terima minggu lalu menampilkan pesan galat."),
)


def load() -> int:
    """Open the demo requests that do not exist yet; the kampus one is answered, resolved and rated."""
    created = 0
    for email, kind, subject, question in DEMO_REQUESTS:
        requester = db.session.scalar(sa.select(User).where(User.email == email))
        if requester is None or db.session.scalar(sa.select(Ticket.id).where(Ticket.subject == subject)):
            continue
        data = services.RequestData(kind=kind, subject=subject, question=question,
                                    complaint_about=ComplaintAbout.SERVICE if kind is RequestKind.COMPLAINT else None)
        ticket = services.open_request(requester, data)
        created += 1
        if kind is not RequestKind.CLASSIFICATION:
            continue
        if ticket.assignee is None:  # loaded outside office hours: the supervisor hands it over
            _hand_over(ticket, "operator2@demo.example.org")
        if ticket.assignee is not None:
            services.reply(ticket.assignee, ticket, "Gunakan KBLI 13121 (industri pertenunan kain tenun ikat).")
            services.resolve(requester, ticket)
            services.rate(requester, ticket, dict.fromkeys(
                ("requirements", "procedure", "completion_time", "cost", "product", "competence", "behaviour",
                 "complaint_handling", "facilities"), 4), "Jawaban cepat dan jelas.")
    return created


def _hand_over(ticket: Ticket, operator_email: str) -> None:
    from roster import services as roster_services

    supervisor = db.session.scalar(sa.select(User).where(User.email == "supervisor@demo.example.org"))
    operator = db.session.scalar(sa.select(User).where(User.email == operator_email))
    item = services.work_item(ticket)
    if supervisor is not None and operator is not None and item is not None:
        roster_services.reassign(supervisor, item.id, operator.id)
        db.session.refresh(ticket)
