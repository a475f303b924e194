"""Demo FAQ entries, published in both languages (the questions people ask the counter most).  Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from helpdesk.faq import SOURCE
from helpdesk.models import FaqEntry
from search_index.indexing import mark_changed

ENTRIES = (
    ("data", "Berapa kode KBLI untuk usaha kopi keliling?", "What is the KBLI code for a mobile coffee business?",
     "Usaha kopi keliling (penjualan minuman di kaki lima) masuk **KBLI 56104 — Kedai Makanan dan Minuman "
     "Keliling**. Kode lengkap ada di publikasi KBLI 2020.",
     "A mobile coffee stall (drinks sold on the street) falls under **KBLI 56104 — mobile food and drink "
     "stalls**. The full classification is in the KBLI 2020 publication."),
    ("orders", "Bagaimana cara membayar kode billing?", "How do I pay a billing code?",
     "Bayar di teller, ATM, mobile banking atau internet banking bank persepsi. Halaman pesanan Anda memuat "
     "langkah untuk setiap bank; jumlahnya harus tepat sama dengan tagihan.",
     "Pay at a teller, an ATM, or in mobile or internet banking of a receiving bank. Your order page lists "
     "the steps for each bank; the amount must be exactly the invoice's."),
    ("consultation", "Apakah konsultasi data dipungut biaya?", "Do data consultations cost anything?",
     "Tidak. Konsultasi gratis; yang berbayar hanya data yang dipesan sesuai tarif PNBP.",
     "No. Consultations are free; only ordered data is charged, at the official (PNBP) tariff."),
    ("data", "Di mana data penduduk per kecamatan?", "Where is population data per district?",
     "Ada di publikasi *Kecamatan Dalam Angka* masing-masing kabupaten/kota.",
     "In the *Kecamatan Dalam Angka* (district in figures) publication of each regency or city."),
)


def load() -> int:
    """Publish the demo entries that do not exist yet; return how many were created."""
    author = db.session.scalar(sa.select(User.id).where(User.email == "operator@demo.example.org"))
    if author is None:
        return 0
    created = 0
    for category, question_id, question_en, answer_id, answer_en in ENTRIES:
        if db.session.scalar(sa.select(FaqEntry.id).where(FaqEntry.question_id == question_id)) is not None:
            continue
        entry = FaqEntry(category=category, question_id=question_id, question_en=question_en, answer_id=answer_id,
                         answer_en=answer_en, published=True, promoted_by_id=author)
        db.session.add(entry)
        db.session.flush()
        mark_changed(SOURCE, entry.id)
        created += 1
    db.session.commit()
    return created
