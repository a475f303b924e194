"""Write the sample legacy export in ``tests/legacy/data/`` (deterministic: the same files every time).

    .venv/bin/python tests/legacy/make_sample.py [FOLDER] [--scale N]

An old office system's export, in Indonesian, with the faults real exports have:
dates that do not exist or are in another format, codes nobody mapped, duplicate
e-mail addresses, amounts written with thousands separators (and one with sen),
a NUL byte, lines of orders that do not exist, a second invoice for an order.
``expected.json`` lists every row a correct import must reject (file, line, column)
and the totals (rows and rupiah per entity) of the rows it must accept.
``--scale`` multiplies the row counts (the benchmark writes 1,000,000 rows this way).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
JAKARTA = ZoneInfo("Asia/Jakarta")
SEGMENTS = {"UMUM": "public", "PEMERINTAH": "government", "SWASTA": "private", "PT": "academic",
            "ASING": "international"}
KINDS = {"DATA": "data", "METADATA": "metadata", "KBLI": "classification", "PENGADUAN": "complaint"}
ORDER_KINDS = {"BAYAR": "paid", "GRATIS": "free", "NOL": "zero_rupiah"}
PRODUCTS = {"PUB": "publication", "PETA": "map", "MIKRO": "microdata", "TABEL": "table"}
METHODS = {"TRANSFER": "bank_transfer", "TUNAI": "cash", "KODE BILLING": "billing_code"}
FIRST = ("Ahmad", "Siti", "Budi", "Dewi", "Made", "Ni Luh", "Agus", "Rina", "Hendra", "Putu", "Yusuf", "Lestari")
LAST = ("Saputra", "Rahmawati", "Wijaya", "Hidayat", "Pratama", "Suryani", "Nugroho", "Kusuma", "Setiawan")
TOPICS = ("Inflasi Kota Mataram", "Angka Kemiskinan NTB", "Sakernas Agustus", "PDRB Lombok Timur",
          "Luas Panen Padi", "Indeks Pembangunan Manusia", "Ekspor Impor", "Susenas Maret")


def rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class Writer:
    """One CSV file: rows are numbered as the import numbers them (the header is line 1)."""

    def __init__(self, folder: Path, name: str, header: list[str]):
        self.name, self.header, self.rows = name, header, []
        self.path = folder / name

    def add(self, row: dict) -> int:
        self.rows.append([row.get(column, "") for column in self.header])
        return len(self.rows) + 1

    def save(self) -> None:
        with self.path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.header)
            writer.writerows(self.rows)


def generate(folder: Path, scale: int = 1, xlsx: bool = True) -> dict:  # noqa: C901 (one story, told in order)
    rng = random.Random(22)  # noqa: S311 (sample data)
    folder.mkdir(parents=True, exist_ok=True)
    bad: list[tuple[str, int, str]] = []
    totals: dict[str, list[int]] = {}

    def accept(entity: str, money: int = 0) -> None:
        bucket = totals.setdefault(entity, [0, 0])
        bucket[0] += 1
        bucket[1] += money

    def moment(year_from: int = 2019) -> datetime:
        start = datetime(year_from, 1, 1, 8, 0, tzinfo=JAKARTA)
        return start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 5))

    consumers = Writer(folder, "pelanggan.csv", ["ID_PELANGGAN", "NAMA", "EMAIL", "TELP", "KATEGORI", "INSTANSI",
                                                 "TGL_DAFTAR"])
    good_consumers: list[str] = []
    seen_emails: list[str] = []
    for n in range(1, 1200 * scale + 1):
        cid = f"P{n:07d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"pelanggan{n}@contoh.go.id"
        registered = moment(2018)
        row = {"ID_PELANGGAN": cid, "NAMA": name, "EMAIL": email, "TELP": f"0812-{rng.randrange(10**7, 10**8)}",
               "KATEGORI": rng.choice(list(SEGMENTS)), "INSTANSI": rng.choice(["", "BPS", "Universitas Mataram"]),
               "TGL_DAFTAR": registered.strftime("%d/%m/%Y")}
        fault = n % 97
        column = ""
        if fault == 5:
            row["TGL_DAFTAR"], column = "31/02/2021", "TGL_DAFTAR"  # a day that does not exist
        elif fault == 17:
            row["TGL_DAFTAR"], column = registered.strftime("%Y.%m.%d"), "TGL_DAFTAR"  # another format
        elif fault == 29:
            row["KATEGORI"], column = "KOPERASI", "KATEGORI"  # an unknown code
        elif fault == 41:
            row["NAMA"], column = "Nama\x00Rusak", "NAMA"  # a NUL byte
        elif fault == 53:
            row["EMAIL"], column = "bukan-email", "EMAIL"
        elif fault == 67 and seen_emails:
            row["EMAIL"] = rng.choice(seen_emails).upper()  # a duplicate e-mail: merged, not rejected
        line = consumers.add(row)
        if column:
            bad.append((consumers.name, line, column))
            continue
        good_consumers.append(cid)
        if fault == 67 and seen_emails:
            totals.setdefault("consumers_merged", [0, 0])[0] += 1
        else:
            seen_emails.append(email)
            accept("consumers")
    consumers.save()

    items = Writer(folder, "katalog.csv", ["ref", "kind", "title_id", "subject", "region", "year", "unit", "access",
                                           "status", "release_at", "files"])
    (folder / "berkas").mkdir(exist_ok=True)
    for n in range(1, 21):
        row = {"ref": f"lama-{n}", "kind": "publication", "title_id": f"Statistik Daerah Kota Mataram {2000 + n}",
               "subject": "UMM.YRB", "region": "5271", "year": str(2000 + n), "unit": "BPS Kota Mataram",
               "access": "free", "status": "released", "release_at": f"{2000 + n}-09-01T09:00:00+07:00"}
        if n % 4 == 0:
            (folder / "berkas" / f"publikasi-{n}.pdf").write_bytes(b"%PDF-1.4\n% sample publication " +
                                                                  str(n).encode() + b"\n%%EOF\n")
            row["files"] = f"berkas/publikasi-{n}.pdf"
        line = items.add({**row, "kind": "tabel"} if n == 7 else
                         {**row, "files": "berkas/hilang.pdf"} if n == 13 else row)
        if n in (7, 13):
            bad.append((items.name, line, ""))
        else:
            accept("items")
    items.save()

    tickets = Writer(folder, "konsultasi.csv", ["ID", "ID_PELANGGAN", "JENIS", "SALURAN", "JUDUL", "PERTANYAAN",
                                                "TGL_MASUK", "TGL_SELESAI"])
    good_tickets: list[str] = []
    for n in range(1, 700 * scale + 1):
        tid = f"K{n:07d}"
        asked = moment()
        row = {"ID": tid, "ID_PELANGGAN": rng.choice(good_consumers), "JENIS": rng.choice(list(KINDS)),
               "SALURAN": rng.choice(["WEB", "TELEPON", "DATANG", ""]), "JUDUL": f"Permintaan {rng.choice(TOPICS)}",
               "PERTANYAAN": "Mohon informasi data " + rng.choice(TOPICS) + " tahun " + str(asked.year),
               "TGL_MASUK": asked.strftime("%d/%m/%Y %H:%M"),
               "TGL_SELESAI": (asked + timedelta(days=rng.randrange(1, 9))).strftime("%d/%m/%Y %H:%M")}
        fault, column = n % 89, ""
        if fault == 7:
            row["ID_PELANGGAN"], column = "P9999999", "ID_PELANGGAN"  # an orphan
        elif fault == 19:
            row["JENIS"], column = "SURVEI", "JENIS"
        elif fault == 31:
            row["TGL_MASUK"], column = "kemarin", "TGL_MASUK"
        line = tickets.add(row)
        if column:
            bad.append((tickets.name, line, column))
            continue
        good_tickets.append(tid)
        accept("consultations")
    tickets.save()

    messages = Writer(folder, "pesan.csv", ["ID", "ID_KONSULTASI", "PENGIRIM", "ISI", "TGL"])
    for n in range(1, 1300 * scale + 1):
        row = {"ID": f"M{n:08d}", "ID_KONSULTASI": rng.choice(good_tickets),
               "PENGIRIM": "PETUGAS" if n % 2 else "PELANGGAN",
               "ISI": "Terima kasih, data sudah kami kirim." if n % 2 else "Baik, terima kasih.",
               "TGL": moment().strftime("%d/%m/%Y %H:%M")}
        column = ""
        if n % 113 == 11:
            row["ID_KONSULTASI"], column = "K9999999", "ID_KONSULTASI"
        line = messages.add(row)
        if column:
            bad.append((messages.name, line, column))
            continue
        accept("messages")
    messages.save()

    orders = Writer(folder, "pesanan.csv", ["ID", "NO_PESANAN", "ID_PELANGGAN", "JENIS", "STATUS", "TGL", "TOTAL"])
    lines = Writer(folder, "rincian.csv", ["ID", "ID_PESANAN", "JUDUL", "PRODUK", "JUMLAH", "HARGA", "SUBTOTAL"])
    invoice_rows: list[dict] = []
    payments = Writer(folder, "pembayaran.csv", ["ID", "ID_TAGIHAN", "REF", "TGL_BAYAR", "JUMLAH", "METODE", "NTPN"])
    line_no = invoice_no = payment_no = 0
    for n in range(1, 900 * scale + 1):
        oid = f"O{n:07d}"
        placed = moment()
        kind = rng.choice(["BAYAR", "BAYAR", "GRATIS", "NOL"])
        count = rng.randrange(1, 3)
        prices = [rng.randrange(1, 60) * 25_000 if kind == "BAYAR" else 0 for _ in range(count)]
        total = sum(prices)
        row = {"ID": oid, "NO_PESANAN": f"SIL/{placed.year}/{n:07d}", "ID_PELANGGAN": rng.choice(good_consumers),
               "JENIS": kind, "STATUS": rng.choice(["SELESAI", "SELESAI", "BATAL"]),
               "TGL": placed.strftime("%d/%m/%Y %H:%M"), "TOTAL": rupiah(total)}
        fault, column = n % 83, ""
        if fault == 13:
            row["TOTAL"], column = "12.500,50", "TOTAL"  # sen: not whole rupiah
        elif fault == 23:
            row["STATUS"], column = "DIPROSES", "STATUS"  # not a closed state
        elif fault == 37:
            row["ID_PELANGGAN"], column = "P9999999", "ID_PELANGGAN"
        line = orders.add(row)
        if column:
            bad.append((orders.name, line, column))
        else:
            accept("orders", total)
        for price in prices:
            line_no += 1
            quantity = rng.randrange(1, 4)
            detail = {"ID": f"R{line_no:08d}", "ID_PESANAN": oid, "JUDUL": rng.choice(TOPICS),
                      "PRODUK": rng.choice(list(PRODUCTS)), "JUMLAH": str(quantity), "HARGA": rupiah(price),
                      "SUBTOTAL": "Rp " + rupiah(price * quantity) + ",00"}
            at = lines.add(detail)
            if column:  # the order was rejected: its lines are orphans
                bad.append((lines.name, at, "ID_PESANAN"))
            else:
                accept("order_lines", price * quantity)
        if column or kind != "BAYAR" or total == 0:
            continue
        invoice_no += 1
        issued = placed + timedelta(hours=1)
        paid = row["STATUS"] == "SELESAI"
        invoice = {"ID": f"T{invoice_no:07d}", "ID_PESANAN": oid, "NO_TAGIHAN": f"TAG-{issued.year}-{invoice_no:06d}",
                   "TGL": issued.strftime("%d/%m/%Y %H:%M"), "JUMLAH": rupiah(total),
                   "STATUS": "LUNAS" if paid else "BATAL"}
        fault = invoice_no % 71
        invoice_rows.append(invoice)
        if fault == 3:
            invoice["TGL"], invoice["_bad"] = "2021-13-45", "TGL"
        if fault == 9:  # the same order invoiced twice in the old system: the second is refused
            invoice_rows.append({**invoice, "ID": f"T{invoice_no:07d}X", "NO_TAGIHAN": invoice["NO_TAGIHAN"] + "X",
                                 "_bad": "ID_PESANAN"})
        if not paid or invoice.get("_bad"):
            continue
        payment_no += 1
        payment = {"ID": f"B{payment_no:07d}", "ID_TAGIHAN": invoice["ID"], "REF": f"TRX{payment_no:09d}",
                   "TGL_BAYAR": (issued + timedelta(days=rng.randrange(0, 3))).strftime("%d/%m/%Y %H:%M"),
                   "JUMLAH": rupiah(total), "METODE": rng.choice(list(METHODS)), "NTPN": f"{payment_no:016d}"}
        column = ""
        if payment_no % 61 == 2:
            payment["METODE"], column = "CEK", "METODE"
        elif payment_no % 61 == 5:
            payment["ID_TAGIHAN"], column = "T9999999", "ID_TAGIHAN"
        at = payments.add(payment)
        if column:
            bad.append((payments.name, at, column))
        else:
            accept("payments", total)
    orders.save()
    lines.save()
    payments.save()

    invoice_header = ["ID", "ID_PESANAN", "NO_TAGIHAN", "TGL", "JUMLAH", "STATUS"]
    for at, invoice in enumerate(invoice_rows, 2):
        if invoice.get("_bad"):
            bad.append(("tagihan.xlsx" if xlsx else "tagihan.csv", at, invoice["_bad"]))
        else:
            accept("invoices", int(invoice["JUMLAH"].replace(".", "")))
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Tagihan")
        sheet.append(invoice_header)
        for invoice in invoice_rows:
            sheet.append([invoice[column] for column in invoice_header])
        book.save(folder / "tagihan.xlsx")
    else:
        with (folder / "tagihan.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(invoice_header)
            writer.writerows([invoice[column] for column in invoice_header] for invoice in invoice_rows)
    expected = {"rejected": sorted(bad), "totals": totals}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(HERE / "data"))
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--csv-invoices", action="store_true", help="Invoices as CSV rather than XLSX.")
    arguments = parser.parse_args()
    expected = generate(Path(arguments.folder), arguments.scale, xlsx=not arguments.csv_invoices)
    rows = sum(count for count, _money in expected["totals"].values()) + len(expected["rejected"])
    print(f"{rows} rows, {len(expected['rejected'])} to reject, in {arguments.folder}")


if __name__ == "__main__":
    main()
