"""A deterministic demo catalog: 2,000+ items across the four kinds, a few dynamic tables,
and scheduled releases in the coming months.  Bulk inserts; running it again adds nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from catalog import reference
from catalog.models import Access, Item, ItemKind, ItemVersion, ReleaseStatus, TariffKind, Variable
from catalog.tables import demo as tables_demo
from core import clock
from core.extensions import db

SEED = 2020
REF_PREFIX = "demo-"
POPULATION = "Direktorat Statistik Kependudukan"  # the demo producer's unit
WELFARE = "Direktorat Statistik Kesejahteraan Rakyat"
PRICES = "Direktorat Statistik Harga"
ACCOUNTS = "Direktorat Neraca Produksi"
DISSEMINATION = "Direktorat Diseminasi Statistik"
MAPPING = "Direktorat Pengembangan Metodologi Sensus dan Survei"
YEARS = range(2019, 2026)
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
SURVEYS = {  # survey → (unit, subject, variables)
    "Susenas Maret": (WELFARE, "SOS.MSK", [("r101", "Provinsi"), ("r102", "Kabupaten/Kota"),
                                           ("r105", "Klasifikasi desa"),
                                           ("r301", "Jumlah ART"), ("r405", "Jenis kelamin"), ("r407", "Umur"),
                                           ("r615", "Ijazah tertinggi"), ("kapita", "Pengeluaran per kapita"),
                                           ("fwt", "Penimbang")]),
    "Sakernas Agustus": (POPULATION, "SOS.NAK", [("kode_prov", "Provinsi"), ("k4", "Jenis kelamin"), ("k9", "Umur"),
                                                 ("r6a", "Pendidikan tertinggi"), ("r10a", "Bekerja seminggu lalu"),
                                                 ("r15", "Lapangan usaha"), ("r21", "Status pekerjaan"),
                                                 ("weight", "Penimbang")]),
    "Sakernas Februari": (POPULATION, "SOS.NAK", [("kode_prov", "Provinsi"), ("k4", "Jenis kelamin"), ("k9", "Umur"),
                                                  ("r10a", "Bekerja seminggu lalu"), ("weight", "Penimbang")]),
    "Survei Sosial Ekonomi Nasional Modul Kesehatan": (WELFARE, "SOS.KES", [("r1101", "Keluhan kesehatan"),
                                                                            ("r1104", "Rawat jalan"),
                                                                            ("r1108", "Jaminan kesehatan")]),
}

CENSUS_VARIABLES = [("b4k3", "Jenis kelamin"), ("b4k5", "Umur"), ("b4k8", "Pendidikan")]


def _released_at(rng: random.Random, year: int) -> datetime:
    day = datetime(min(year + 1, 2026), 1, 1, 2, 0, tzinfo=UTC) + timedelta(days=rng.randrange(0, 300))
    return min(day, clock.now() - timedelta(days=1))


def _row(ref, kind, title_id, title_en, subject, region, year, unit, rng, **extra) -> dict:
    row = {"ref": ref, "kind": kind, "title_id": title_id, "title_en": title_en,
           "abstract_id": f"{title_id}. Disajikan oleh {unit}.", "abstract_en": f"{title_en}. Produced by {unit}.",
           "keywords": extra.pop("keywords", []), "subject_code": subject, "region_code": region,
           "reference_period": extra.pop("period", str(year)), "year": year, "unit": unit,
           "access": Access.FREE, "tariff_kind": TariffKind.NONE, "tariff": {}, "status": ReleaseStatus.RELEASED,
           "release_at": _released_at(rng, year), "withdrawn_reason": "", "coverage_region": "", "version": 1,
           "created_at": clock.now(), "updated_at": clock.now()}
    row.update(extra)
    return row


def _publications(rng) -> list[dict]:
    rows = [_row(f"{REF_PREFIX}si-{y}", ItemKind.PUBLICATION, f"Statistik Indonesia {y + 1}",
                 f"Statistical Yearbook of Indonesia {y + 1}", "UMM.YRB", "31", y, DISSEMINATION, rng,
                 keywords=["statistik indonesia", "buku tahunan"]) for y in YEARS]
    for region in reference.regions().values():
        for y in YEARS:
            name = region.name if region.is_province else (region.name if region.name.startswith("Kota")
                                                           else f"Kabupaten {region.name}")
            prefix = "Provinsi " if region.is_province else ""
            rows.append(_row(f"{REF_PREFIX}dda-{region.code}-{y}", ItemKind.PUBLICATION,
                             f"{prefix}{name} Dalam Angka {y + 1}", f"{prefix}{name} in Figures {y + 1}",
                             "UMM.YRB", region.code, y, DISSEMINATION, rng, keywords=["dalam angka", region.name]))
    for index, row in enumerate(rows):
        if index % 7 == 3:
            row.update(access=Access.PAID, tariff_kind=TariffKind.FLAT, tariff={"price": 75000})
    return rows


def _tables(rng) -> list[dict]:
    rows = []
    cities = [r for r in reference.regions().values() if r.name.startswith("Kota")]
    for city in cities:
        for y in (2023, 2024, 2025):
            for m, month in enumerate(MONTHS, 1):
                rows.append(_row(f"{REF_PREFIX}ihk-{city.code}-{y}-{m:02d}", ItemKind.TABLE,
                                 f"Indeks Harga Konsumen dan Inflasi {city.name}, {month} {y}",
                                 f"Consumer Price Index and Inflation, {city.name}, {MONTHS_EN[m - 1]} {y}",
                                 "EKO.HRG", city.code, y, PRICES, rng, period=f"{month} {y}",
                                 keywords=["ihk", "inflasi", "cpi", "inflation"]))
    for regency in (r for r in reference.regions().values() if not r.is_province):
        name = regency.name if regency.name.startswith("Kota") else f"Kabupaten {regency.name}"
        english = regency.name.replace("Kota ", "") + " City" if regency.name.startswith("Kota") else \
            f"{regency.name} Regency"
        for y in YEARS:
            rows.append(_row(f"{REF_PREFIX}pdd-{regency.code}-{y}", ItemKind.TABLE,
                             f"Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin, {name}, {y}",
                             f"Population by District and Sex, {english}, {y}", "SOS.PDD", regency.code, y,
                             POPULATION, rng, keywords=["penduduk", "kependudukan", "population"]))
    for province in reference.provinces():
        for y in YEARS:
            rows.append(_row(f"{REF_PREFIX}msk-{province.code}-{y}", ItemKind.TABLE,
                             f"Persentase Penduduk Miskin Menurut Kabupaten/Kota, {province.name}, {y}",
                             f"Percentage of Poor Population by Regency/City, {province.name}, {y}", "SOS.MSK",
                             province.code, y, WELFARE, rng, keywords=["kemiskinan", "poverty"]))
            rows.append(_row(f"{REF_PREFIX}pdrb-{province.code}-{y}", ItemKind.TABLE,
                             f"PDRB Atas Dasar Harga Berlaku Menurut Lapangan Usaha, {province.name}, {y}",
                             f"GRDP at Current Prices by Industry, {province.name}, {y}", "EKO.PDRB",
                             province.code, y, ACCOUNTS, rng, keywords=["pdrb", "grdp"]))
            rows.append(_row(f"{REF_PREFIX}tpt-{province.code}-{y}", ItemKind.TABLE,
                             f"Tingkat Pengangguran Terbuka Menurut Pendidikan, {province.name}, Agustus {y}",
                             f"Open Unemployment Rate by Education, {province.name}, August {y}", "SOS.NAK",
                             province.code, y, POPULATION, rng, period=f"Agustus {y}",
                             keywords=["sakernas", "tpt", "labour force", "unemployment"]))
    return rows


def _microdata(rng) -> list[dict]:
    rows = []
    for survey, (unit, subject, _variables) in SURVEYS.items():
        for province in reference.provinces():
            for y in YEARS:
                rows.append(_row(f"{REF_PREFIX}md-{survey}-{province.code}-{y}", ItemKind.MICRODATA,
                                 f"Data Mikro {survey} {y}, {province.name}",
                                 f"{survey} {y} Microdata, {province.name}", subject, province.code, y, unit, rng,
                                 access=Access.PAID, tariff_kind=TariffKind.REGRESSIVE,
                                 tariff={"brackets": [[1, 500000], [11, 300000], [51, 150000]]},
                                 keywords=[survey.split()[0].lower(), "data mikro"]))
    for y in (2020,):
        rows.append(_row(f"{REF_PREFIX}md-sp2020-lf", ItemKind.MICRODATA, "Data Mikro Sensus Penduduk 2020 Long Form",
                         "Population Census 2020 Long Form Microdata", "SOS.PDD", "31", y, POPULATION, rng,
                         access=Access.PAID, tariff_kind=TariffKind.REGRESSIVE,
                         tariff={"brackets": [[1, 750000], [11, 400000]]}, keywords=["sp2020", "sensus penduduk"]))
    return rows


def _maps(rng) -> list[dict]:
    rows = []
    for region in reference.regions().values():
        if region.is_province:
            continue
        for y in (2023, 2024, 2025):
            rows.append(_row(f"{REF_PREFIX}map-{region.code}-{y}", ItemKind.MAP,
                             f"Peta Wilayah Kerja Statistik (Wilkerstat) {region.name} {y}",
                             f"Statistical Working Area Map (Wilkerstat), {region.name} {y}", "UMM.GEO",
                             region.code, y, MAPPING, rng, access=Access.PAID, tariff_kind=TariffKind.PER_UNIT,
                             tariff={"unit_price": 25000}, coverage_region=region.code,
                             keywords=["wilkerstat", "peta"]))
    for province in ("52", "35", "31"):
        rows.append(_row(f"{REF_PREFIX}map-{province}-2025", ItemKind.MAP,
                         f"Peta Wilkerstat {reference.region_name(province)} 2025 (per kabupaten/kota)",
                         f"Wilkerstat Map, {reference.region_name(province)} 2025 (per regency)", "UMM.GEO",
                         province, 2025, MAPPING, rng, access=Access.PAID, tariff_kind=TariffKind.PER_UNIT,
                         tariff={"unit_price": 25000}, coverage_region=province))
    return rows


def _schedule_upcoming(rows: list[dict], rng) -> None:
    """Some items of the latest year wait for release in the coming months; a few stay drafts."""
    latest = [row for row in rows if row["year"] == 2025]
    for index, row in enumerate(latest):
        if index % 9 == 0:
            row["status"] = ReleaseStatus.SCHEDULED
            row["release_at"] = (clock.now() + timedelta(days=3 + rng.randrange(0, 150))).replace(
                hour=2, minute=0, second=0, microsecond=0)  # 09.00 WIB, as BPS releases
        elif index % 31 == 0:
            row["status"], row["release_at"] = ReleaseStatus.DRAFT, None


def _dynamic_tables(rng) -> list[dict]:
    """Three tables across regions or cities (their cubes: ``catalog.tables.demo``)."""
    return [
        _row(f"{REF_PREFIX}dyn-msk-52", ItemKind.TABLE,
              "Persentase Penduduk Miskin Menurut Kabupaten/Kota di Nusa Tenggara Barat, 2019–2024",
              "Poverty Rate by Regency/City, Nusa Tenggara Barat, 2019–2024", "SOS.MSK", "52", 2024, WELFARE, rng,
              keywords=["kemiskinan", "tabel dinamis"]),
        _row(f"{REF_PREFIX}dyn-inflasi-2024", ItemKind.TABLE,
              "Inflasi Bulanan (m-to-m) Menurut Kota dan Kelompok Pengeluaran, 2024",
              "Monthly Inflation by City and Expenditure Group, 2024", "EKO.HRG", "35", 2024, PRICES, rng,
              keywords=["inflasi", "ihk", "tabel dinamis"]),
        _row(f"{REF_PREFIX}dyn-sp2020-35", ItemKind.TABLE,
              "Jumlah Penduduk Hasil SP2020 Menurut Kabupaten/Kota dan Jenis Kelamin, Jawa Timur",
              "Population (SP2020) by Regency/City and Sex, Jawa Timur", "SOS.PDD", "35", 2020, POPULATION, rng,
              keywords=["sp2020", "penduduk", "tabel dinamis"]),
    ]


def load() -> int:
    """Insert the demo catalog once; returns the number of items created."""
    if db.session.scalar(sa.select(sa.func.count(Item.id)).where(Item.ref.startswith(REF_PREFIX))):
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    rows = _publications(rng) + _tables(rng) + _microdata(rng) + _maps(rng)
    _schedule_upcoming(rows, rng)
    rows.extend(_dynamic_tables(rng))
    ids = db.session.scalars(sa.insert(Item).returning(Item.id, sort_by_parameter_order=True), rows).all()
    by_ref = {row["ref"]: item_id for row, item_id in zip(rows, ids, strict=True)}
    # Version 1 is the release itself: dated when the item was (or will be) released; no stored wording, so
    # the item page says "First release" in the reader's language.
    db.session.execute(sa.insert(ItemVersion), [
        {"item_id": item_id, "number": 1, "changelog": "", "created_at": row["release_at"] or clock.now()}
        for row, item_id in zip(rows, ids, strict=True)])
    variables = []
    for row in rows:
        if row["kind"] is ItemKind.MICRODATA:
            survey = next((s for s in SURVEYS if f" {s} " in f" {row['title_id']} "), None)
            pairs = SURVEYS[survey][2] if survey else CENSUS_VARIABLES
            variables.extend({"item_id": by_ref[row["ref"]], "position": i, "name": name, "label": label,
                              "var_type": "numeric"} for i, (name, label) in enumerate(pairs))
    db.session.execute(sa.insert(Variable), variables)
    tables_demo.load(rows, by_ref)
    db.session.commit()
    return len(rows)
