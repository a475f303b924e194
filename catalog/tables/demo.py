"""Demo data for the cube store: a plausible cube for every demo table, a PDF for every free publication.

Each table family gets the dimensions its title promises, with regions from the shipped region
codes (a province with its regencies where they are shipped), periods up to the table's year and
categories; totals are the sums of their parts where they should be (districts add up to the
regency, men and women to the total, industries to the GRDP, a province to its regencies),
rates lie between their urban and rural parts, sex ratios stay between 95 and 105, the two latest
GRDP years carry the provisional marks ``*`` and ``**``, and a few cells carry a symbol or a
footnote.  Cubes stay small (a few hundred cells) so that ``flask demo load`` stays quick; cells
go in with one bulk insert.  Every generator is seeded by the item's ref, so loads are repeatable.
"""

from __future__ import annotations

import io
import random

import sqlalchemy as sa

from catalog import reference
from catalog.models import Access, ItemFile, ItemKind
from catalog.tables import store
from catalog.tables.cube import Cell, Dimension, Structure, Value, cell_columns
from catalog.tables.models import CubeVersion
from core import clock
from core.extensions import db
from core.storage import get_storage

MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
YEARS_SHOWN = 5  # periods per demo cube: enough for a line, few enough for a quick load
BPS = {"id": "Badan Pusat Statistik", "en": "BPS-Statistics Indonesia"}
CONTACT = "Direktorat Diseminasi Statistik, pst@bps.go.id"
GROUPS = [("0", "Umum", "General"), ("01", "Makanan, Minuman dan Tembakau", "Food, Beverages and Tobacco"),
          ("02", "Pakaian dan Alas Kaki", "Clothing and Footwear"),
          ("03", "Perumahan, Air, Listrik dan Bahan Bakar Rumah Tangga", "Housing, Water, Electricity and Fuel"),
          ("04", "Perlengkapan, Peralatan dan Pemeliharaan Rutin Rumah Tangga", "Furnishings and Household Equipment"),
          ("05", "Kesehatan", "Health"), ("06", "Transportasi", "Transport"),
          ("07", "Informasi, Komunikasi dan Jasa Keuangan", "Information, Communication and Financial Services"),
          ("08", "Rekreasi, Olahraga dan Budaya", "Recreation, Sport and Culture"),
          ("09", "Pendidikan", "Education"), ("10", "Penyediaan Makanan dan Minuman/Restoran", "Food Services"),
          ("11", "Perawatan Pribadi dan Jasa Lainnya", "Personal Care and Other Services")]
WEIGHTS = [0.25, 0.05, 0.20, 0.05, 0.03, 0.12, 0.06, 0.03, 0.06, 0.09, 0.06]  # groups 01–11, sum 1
INDUSTRIES = [("A", "Pertanian, Kehutanan, dan Perikanan", "Agriculture, Forestry and Fishing"),
              ("B", "Pertambangan dan Penggalian", "Mining and Quarrying"),
              ("C", "Industri Pengolahan", "Manufacturing"),
              ("D", "Pengadaan Listrik dan Gas", "Electricity and Gas"),
              ("E", "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
               "Water Supply and Waste Management"),
              ("F", "Konstruksi", "Construction"),
              ("G", "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor", "Wholesale and Retail Trade"),
              ("H", "Transportasi dan Pergudangan", "Transportation and Storage"),
              ("I", "Penyediaan Akomodasi dan Makan Minum", "Accommodation and Food Services"),
              ("J", "Informasi dan Komunikasi", "Information and Communication"),
              ("K", "Jasa Keuangan dan Asuransi", "Financial and Insurance Activities"),
              ("L", "Real Estat", "Real Estate"),
              ("MN", "Jasa Perusahaan", "Business Activities"),
              ("O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib", "Public Administration"),
              ("P", "Jasa Pendidikan", "Education"),
              ("Q", "Jasa Kesehatan dan Kegiatan Sosial", "Health and Social Work"),
              ("RSTU", "Jasa Lainnya", "Other Services")]
SHARES = [0.13, 0.08, 0.20, 0.01, 0.005, 0.10, 0.14, 0.05, 0.03, 0.04, 0.04, 0.03, 0.02, 0.04, 0.035, 0.012, 0.018]
EDUCATION = [("0", "Total", "Total"), ("1", "SD ke bawah", "Primary school or less"),
             ("2", "SMP", "Junior secondary"), ("3", "SMA umum", "General senior secondary"),
             ("4", "SMA kejuruan", "Vocational senior secondary"), ("5", "Diploma I/II/III", "Diploma I/II/III"),
             ("6", "Universitas", "University")]
UNEMPLOYMENT = [None, 2.6, 4.5, 7.2, 9.4, 5.5, 5.8]  # typical rates by education, %
DISTRICT_WORDS = ["Kota", "Utara", "Selatan", "Timur", "Barat", "Tengah", "Pesisir", "Hulu", "Hilir", "Baru",
                  "Raya", "Lama"]
COVID_NOTE = {"id": "Agustus 2020: pengumpulan data dalam masa pandemi COVID-19.",
              "en": "August 2020: data collected during the COVID-19 pandemic."}
PROVISIONAL_NOTE = {"id": "* angka sementara, ** angka sangat sementara.",
                    "en": "* provisional figures, ** very provisional figures."}


def _v(code: str, label_id: str, label_en: str | None = None, parent: str = "", **extra) -> Value:
    return Value(code, {"id": label_id, "en": label_en or label_id}, parent, **extra)


def _d(code: str, label_id: str, label_en: str, role: str, values: list[Value]) -> Dimension:
    return Dimension(code, {"id": label_id, "en": label_en}, role, values)


def _years(last: int, first: int | None = None) -> Dimension:
    first = max(2019, last - YEARS_SHOWN + 1) if first is None else first
    return _d("tahun", "Tahun", "Year", "time", [_v(str(y), str(y)) for y in range(first, last + 1)])


def _sex() -> Dimension:
    return _d("jk", "Jenis kelamin", "Sex", "other", [_v("0", "Laki-laki + Perempuan", "Male + Female"),
                                                      _v("1", "Laki-laki", "Male"), _v("2", "Perempuan", "Female")])


def _region_name(region) -> tuple[str, str]:
    if region.is_province or region.name.startswith("Kota"):
        return region.name, region.name.replace("Kota ", "") + " City" if region.name.startswith("Kota") else \
            region.name
    return f"Kabupaten {region.name}", f"{region.name} Regency"


def _province_with_regencies(code: str) -> Dimension:
    province = reference.regions()[code]
    values = [_v(code, province.name)]
    for regency in reference.regencies_of(code):
        values.append(_v(regency.code, *_region_name(regency), parent=code))
    return _d("wilayah", "Provinsi/Kabupaten/Kota", "Province/Regency/City", "geo", values)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    raw = [int(total * w / sum(weights)) for w in weights]
    raw[0] += total - sum(raw)
    return raw


def population(rng: random.Random, regency_code: str, year: int) -> tuple[Structure, dict]:
    regency = reference.regions()[regency_code]
    count = 4 + rng.randrange(0, 5)
    name_id, name_en = _region_name(regency)
    base = regency.name.replace("Kota ", "")
    districts = [_v(f"{regency_code}{10 * (i + 1):03d}", f"{base} {DISTRICT_WORDS[i]}", parent=regency_code)
                 for i in range(count)]
    wilayah = _d("wilayah", "Kabupaten/Kota/Kecamatan", "Regency/City/District", "geo",
                 [_v(regency_code, name_id, name_en)] + districts)
    years = _years(year)
    structure = Structure([wilayah, years, _sex()], {"id": "Jiwa", "en": "Persons"}, 0, BPS, CONTACT)
    cells = {}
    start = rng.randrange(120_000, 1_400_000) if not regency.name.startswith("Kota") else rng.randrange(60_000, 900_000)
    for t, y in enumerate(years.values):
        total = int(start * (1.011 ** t))
        parts = _split(rng, total, count)
        men_total = 0
        for district, people in zip(districts, parts, strict=True):
            ratio = rng.uniform(96.0, 104.0)  # men per 100 women
            men = round(people * ratio / (100 + ratio))
            men_total += men
            cells[(district.code, y.code, "0")] = Cell(float(people))
            cells[(district.code, y.code, "1")] = Cell(float(men))
            cells[(district.code, y.code, "2")] = Cell(float(people - men))
        cells[(regency_code, y.code, "0")] = Cell(float(total))
        cells[(regency_code, y.code, "1")] = Cell(float(men_total))
        cells[(regency_code, y.code, "2")] = Cell(float(total - men_total))
    return structure, cells


def poverty(rng: random.Random, province_code: str, year: int, first: int | None = None) -> tuple[Structure, dict]:
    wilayah = _province_with_regencies(province_code)
    years = _years(year, first)
    area = _d("daerah", "Daerah", "Area", "other", [_v("0", "Perkotaan + Perdesaan", "Urban + Rural"),
                                                    _v("1", "Perkotaan", "Urban"), _v("2", "Perdesaan", "Rural")])
    structure = Structure([wilayah, years, area], {"id": "Persen", "en": "Percent"}, 2, BPS, CONTACT)
    cells = {}
    for region in wilayah.values:
        urban_share = rng.uniform(0.85, 0.99) if region.label["id"].startswith("Kota") else rng.uniform(0.2, 0.6)
        urban, rural = rng.uniform(4.0, 12.0), rng.uniform(9.0, 22.0)
        for t, y in enumerate(years.values):
            covid = 0.6 if y.code in ("2020", "2021") else 0.0
            u = round(max(urban - 0.25 * t + covid, 1.0), 2)
            r = round(max(rural - 0.35 * t + covid, 2.0), 2)
            cells[(region.code, y.code, "1")] = Cell(u)
            cells[(region.code, y.code, "2")] = Cell(r)
            cells[(region.code, y.code, "0")] = Cell(round(u * urban_share + r * (1 - urban_share), 2))
    return structure, cells


def grdp(rng: random.Random, province_code: str, year: int) -> tuple[Structure, dict]:
    years = _years(year)
    industry = _d("lapangan_usaha", "Lapangan usaha", "Industry", "other",
                  [_v("PDRB", "Produk Domestik Regional Bruto", "Gross Regional Domestic Product")]
                  + [_v(code, name_id, name_en) for code, name_id, name_en in INDUSTRIES])
    structure = Structure([industry, years], {"id": "Miliar rupiah", "en": "Billion rupiah"}, 2, BPS, CONTACT,
                          [PROVISIONAL_NOTE])
    cells = {}
    size = rng.uniform(25_000, 900_000)
    shares = [s * rng.uniform(0.6, 1.4) for s in SHARES]
    for t, y in enumerate(years.values):
        growth = 0.97 if y.code == "2020" else 1.0
        total_year = size * (1.075 ** t) * growth
        parts = [round(total_year * s / sum(shares), 2) for s in shares]
        mark = "**" if y.code == str(year) else "*" if y.code == str(year - 1) else ""
        note = 1 if mark else 0
        for (code, _n, _e), part in zip(INDUSTRIES, parts, strict=True):
            cells[(code, y.code)] = Cell(part, mark, note)
        cells[("PDRB", y.code)] = Cell(round(sum(parts), 2), mark, note)
    return structure, cells


def unemployment(rng: random.Random, province_code: str, year: int) -> tuple[Structure, dict]:
    education = _d("pendidikan", "Pendidikan tertinggi yang ditamatkan", "Highest education completed", "other",
                   [_v(code, name_id, name_en) for code, name_id, name_en in EDUCATION])
    years = _years(year)
    structure = Structure([education, years, _sex()], {"id": "Persen", "en": "Percent"}, 2, BPS, CONTACT,
                          [COVID_NOTE])
    cells = {}
    level = rng.uniform(0.6, 1.5)
    shares = [0.38, 0.17, 0.18, 0.12, 0.03, 0.12]  # of the labour force by education
    for t, y in enumerate(years.values):
        covid = 1.35 if y.code == "2020" else 1.15 if y.code == "2021" else 1.0
        trend = 1 - 0.02 * t
        note = 1 if y.code == "2020" else 0
        for sex in ("1", "2"):
            factor = 1.0 if sex == "1" else rng.uniform(0.85, 1.15)
            rates = [round(UNEMPLOYMENT[i] * level * covid * trend * factor * rng.uniform(0.85, 1.15), 2)
                     for i in range(1, 7)]
            for (code, _n, _e), rate in zip(EDUCATION[1:], rates, strict=True):
                small = code == "5" and sex == "2" and level < 0.8
                cells[(code, y.code, sex)] = Cell(None, "x", 0) if small else Cell(rate)
            cells[("0", y.code, sex)] = Cell(round(sum(r * s for r, s in zip(rates, shares, strict=True)), 2), "", note)
        men, women = cells[("0", y.code, "1")].value, cells[("0", y.code, "2")].value
        cells[("0", y.code, "0")] = Cell(round(men * 0.6 + women * 0.4, 2), "", note)
        for code, _n, _e in EDUCATION[1:]:
            a, b = cells[(code, y.code, "1")], cells[(code, y.code, "2")]
            cells[(code, y.code, "0")] = Cell(round(a.value * 0.6 + b.value * 0.4, 2)) if b.value is not None and \
                a.value is not None else Cell(None, "…")
    return structure, cells


def prices(rng: random.Random, cities: list[str], year: int, last_month: int, with_index: bool,
           months_shown: int = 6) -> tuple[Structure, dict]:
    months = [_v(f"{year}-{m:02d}", f"{MONTHS_ID[m - 1]} {year}", f"{MONTHS_EN[m - 1]} {year}")
              for m in range(max(1, last_month - months_shown + 1), last_month + 1)]
    kota = _d("kota", "Kota", "City", "geo", [_v(c, *_region_name(reference.regions()[c])) for c in cities])
    groups = _d("kelompok", "Kelompok pengeluaran", "Expenditure group", "other",
                [_v(code, name_id, name_en) for code, name_id, name_en in GROUPS])
    measures = [_v("inflasi", "Inflasi bulanan (m-to-m)", "Monthly inflation (m-to-m)",
                   unit={"id": "Persen", "en": "Percent"}, decimals=2)]
    if with_index:
        measures.insert(0, _v("ihk", "Indeks Harga Konsumen (2022=100)", "Consumer Price Index (2022=100)",
                              unit={"id": "Indeks", "en": "Index"}, decimals=2))
    measure = _d("ukuran", "Ukuran", "Measure", "measure", measures)
    dims = [kota, _d("bulan", "Bulan", "Month", "time", months), groups, measure]
    structure = Structure(dims, {"id": "Persen", "en": "Percent"}, 2, BPS, CONTACT)
    cells = {}
    for city in cities:
        index = [rng.uniform(103.0, 112.0) * (1.025 ** (year - 2023)) for _ in WEIGHTS]
        for month in months:
            before = sum(i * w for i, w in zip(index, WEIGHTS, strict=True))
            index = [i * (1 + rng.uniform(-0.004, 0.008) * (2.5 if g == 0 else 1.0)) for g, i in enumerate(index)]
            general = sum(i * w for i, w in zip(index, WEIGHTS, strict=True))
            rows = [("0", general, (general / before - 1) * 100)]
            rows += [(code, i, rng.uniform(-0.5, 0.9)) for (code, _n, _e), i in zip(GROUPS[1:], index, strict=True)]
            for code, level, change in rows:
                if with_index:
                    cells[(city, month.code, code, "ihk")] = Cell(round(level, 2))
                cells[(city, month.code, code, "inflasi")] = Cell(round(change, 2))
    return structure, cells


def cube_for(row: dict) -> tuple[Structure, dict] | None:
    """The cube of a demo table row, from its ref (``demo-<family>-<region>-<year>…``)."""
    ref = row["ref"]
    rng = random.Random(f"cube-{ref}")  # noqa: S311 - demo data, not security
    parts = ref.split("-")
    family = parts[1]
    if family == "ihk":
        return prices(rng, [parts[2]], int(parts[3]), int(parts[4]), with_index=True)
    if family == "pdd":
        return population(rng, parts[2], int(parts[3]))
    if family == "msk":
        return poverty(rng, parts[2], int(parts[3]))
    if family == "pdrb":
        return grdp(rng, parts[2], int(parts[3]))
    if family == "tpt":
        return unemployment(rng, parts[2], int(parts[3]))
    if ref.endswith("dyn-msk-52"):
        return poverty(rng, "52", 2024, first=2019)
    if ref.endswith("dyn-inflasi-2024"):
        return prices(rng, ["5271", "5272", "3578", "3573", "3173"], 2024, 12, with_index=False, months_shown=12)
    if ref.endswith("dyn-sp2020-35"):
        return census(rng)
    return None


def census(rng: random.Random) -> tuple[Structure, dict]:
    wilayah = _province_with_regencies("35")
    structure = Structure([wilayah, _sex()], {"id": "Jiwa", "en": "Persons"}, 0,
                          {"id": "Sensus Penduduk 2020, Badan Pusat Statistik", "en": "2020 Population Census, BPS"},
                          CONTACT)
    cells, men_total, all_total = {}, 0, 0
    for region in wilayah.values[1:]:
        people = rng.randrange(120_000, 1_300_000) if region.label["id"].startswith("Kota") else \
            rng.randrange(600_000, 2_900_000)
        ratio = rng.uniform(96.5, 101.5)
        men = round(people * ratio / (100 + ratio))
        cells[(region.code, "0")], cells[(region.code, "1")], cells[(region.code, "2")] = (
            Cell(float(people)), Cell(float(men)), Cell(float(people - men)))
        men_total, all_total = men_total + men, all_total + people
    cells[("35", "0")], cells[("35", "1")], cells[("35", "2")] = (Cell(float(all_total)), Cell(float(men_total)),
                                                                  Cell(float(all_total - men_total)))
    return structure, cells


def load(rows: list[dict], by_ref: dict[str, int]) -> int:
    """Give every demo table a cube and every free publication a PDF (in the caller's transaction)."""
    tables = [row for row in rows if row["kind"] is ItemKind.TABLE]
    made = []
    for row in tables:
        built = cube_for(row)
        if built is not None:
            made.append((by_ref[row["ref"]], *built))
    now = clock.now()
    ids = db.session.scalars(sa.insert(CubeVersion).returning(CubeVersion.id, sort_by_parameter_order=True), [
        {"item_id": item_id, "number": 1, "changelog": "Rilis pertama.", "structure": structure.to_json(),
         "cell_count": len(cells), "revised_count": 0, "created_at": now} for item_id, structure, cells in made]).all()

    store.insert_rows(row for version_id, (_item, structure, cells) in zip(ids, made, strict=True)
                      for row in store.chunk_rows(version_id, *cell_columns(structure, cells)))
    _publication_files(rows, by_ref, now)
    return len(made)


def publication_pdf(row: dict) -> bytes:
    """A one-page PDF with the publication's title, abstract and producer (lines wrapped here: fpdf's own
    line breaking costs ten times as much, and the demo makes hundreds)."""
    import textwrap

    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(row["title_id"])
    pdf.set_author(row["unit"])
    pdf.add_page()
    y = 25.0
    for text, size, style, width in ((row["title_id"], 18, "B", 45), (row["title_en"], 12, "", 70),
                                     (row["abstract_id"], 10, "", 95), (row["abstract_en"], 10, "", 95),
                                     (f"{BPS['id']} - {row['unit']} - {row['reference_period']}", 9, "I", 110)):
        pdf.set_font("helvetica", style, size)
        for line in textwrap.wrap(text.encode("latin-1", "replace").decode("latin-1"), width) or [""]:
            pdf.text(20, y, line)
            y += size * 0.5
        y += 4
    return bytes(pdf.output())


def _publication_files(rows: list[dict], by_ref: dict[str, int], now) -> None:
    storage = get_storage()
    files = []
    for row in rows:
        if row["kind"] is not ItemKind.PUBLICATION or row["access"] is not Access.FREE:
            continue
        content = publication_pdf(row)
        stored = storage.save(io.BytesIO(content), prefix="catalog")
        files.append({"item_id": by_ref[row["ref"]], "version": 1, "storage_key": stored.key,
                      "filename": f"{row['ref'].removeprefix('demo-')}.pdf", "content_type": "application/pdf",
                      "size": stored.size, "sha256": stored.sha256, "created_at": now})
    if files:
        db.session.execute(sa.insert(ItemFile), files)
