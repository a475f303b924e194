"""The search benchmark's corpus: a deterministic catalog and a fixed query mix.

``documents(count)`` yields ``count`` seeded catalog documents (Indonesian and
English titles, abstracts and keywords from statistical vocabulary; every
province and the shipped regencies; years 2000-2026; kinds, access and prices);
``queries()`` gives more than 200 distinct (text, filters) pairs - single
words, two words, phrases, prefixes, each with and without facet filters.  The
same seed gives the same corpus on every run and for every backend.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20261123

# (Indonesian topic, English topic, subject code, extra Indonesian words, extra English words)
TOPICS = [
    ("Jumlah Penduduk", "Population", "SOS.MSK", "kependudukan proyeksi sensus", "census projection"),
    ("Kepadatan Penduduk", "Population Density", "SOS.MSK", "luas wilayah kepadatan", "area density"),
    ("Inflasi Bulanan", "Monthly Inflation", "EKO.HRG", "indeks harga konsumen", "consumer price index"),
    ("Indeks Harga Produsen", "Producer Price Index", "EKO.HRG", "harga produsen grosir", "wholesale prices"),
    ("Persentase Penduduk Miskin", "Poverty Rate", "SOS.KMS", "garis kemiskinan pengeluaran", "poverty line"),
    ("Tingkat Pengangguran Terbuka", "Open Unemployment Rate", "SOS.TNK", "angkatan kerja pengangguran",
     "labour force unemployment"),
    ("Rata-rata Upah Buruh", "Average Wage of Employees", "SOS.TNK", "upah gaji pekerja", "wages workers"),
    ("Produksi Padi", "Rice Production", "EKO.TAN", "luas panen produktivitas", "harvested area yield"),
    ("Produksi Perikanan Tangkap", "Capture Fisheries Production", "EKO.TAN", "nelayan ikan laut",
     "fishermen sea fish"),
    ("Nilai Tukar Petani", "Farmer Terms of Trade", "EKO.TAN", "petani harga diterima", "farmers prices"),
    ("Nilai Ekspor", "Export Value", "EKO.PDG", "ekspor migas nonmigas", "oil and gas exports"),
    ("Nilai Impor", "Import Value", "EKO.PDG", "impor bahan baku", "raw material imports"),
    ("Jumlah Sekolah dan Murid", "Schools and Pupils", "SOS.PDD", "pendidikan guru sekolah", "education teachers"),
    ("Angka Partisipasi Sekolah", "School Participation Rate", "SOS.PDD", "partisipasi pendidikan",
     "education participation"),
    ("Fasilitas Kesehatan", "Health Facilities", "SOS.KES", "rumah sakit puskesmas", "hospitals clinics"),
    ("Prevalensi Balita Stunting", "Stunting Prevalence", "SOS.KES", "gizi balita kesehatan", "child nutrition"),
    ("Produk Domestik Regional Bruto", "Gross Regional Domestic Product", "EKO.NRC", "pdrb pertumbuhan ekonomi",
     "economic growth"),
    ("Tingkat Penghunian Kamar Hotel", "Hotel Room Occupancy Rate", "EKO.PWS", "pariwisata hotel wisatawan",
     "tourism tourists"),
    ("Jumlah Kendaraan Bermotor", "Number of Motor Vehicles", "EKO.TRN", "transportasi kendaraan",
     "transport vehicles"),
    ("Indeks Pembangunan Manusia", "Human Development Index", "SOS.KMS", "harapan hidup pendidikan",
     "life expectancy"),
]
BREAKDOWNS = [("menurut Kecamatan", "by District"), ("menurut Jenis Kelamin", "by Sex"),
              ("menurut Kelompok Umur", "by Age Group"), ("menurut Lapangan Usaha", "by Industry"),
              ("menurut Bulan", "by Month"), ("menurut Daerah Perkotaan dan Perdesaan", "by Urban and Rural Area")]
# sentences of a realistic abstract (a statistics office's "about this table" text: median ~700 characters)
SENTENCES_ID = [
    "Data bersumber dari {survey} yang dilaksanakan oleh Badan Pusat Statistik di seluruh kabupaten/kota.",
    "Angka tahun {year} merupakan angka sementara dan dapat direvisi pada rilis berikutnya.",
    "Penyajian {by} memungkinkan perbandingan antarwilayah dan antarwaktu.",
    "Metodologi pengumpulan data mengikuti standar internasional dan konsep yang berlaku secara nasional.",
    "Satuan yang digunakan disebutkan pada setiap kolom; angka dibulatkan sehingga jumlah dapat berbeda.",
    "Untuk keterangan lebih lanjut, pengguna dapat menghubungi layanan konsultasi statistik secara gratis.",
    "Cakupan wilayah meliputi {place} beserta kecamatan dan desa di dalamnya.",
    "Indikator ini digunakan untuk perencanaan pembangunan dan evaluasi program pemerintah daerah.",
]
SENTENCES_EN = [
    "Figures come from the {survey} conducted by Statistics Indonesia in every regency and city.",
    "The {year} figures are preliminary and may be revised in the next release.",
    "Presenting the data {by} allows comparisons between regions and over time.",
    "Data collection follows international standards and the concepts used nationally.",
    "Units are given for each column; figures are rounded, so totals may differ.",
    "For further information, users can contact the statistical consultation service free of charge.",
    "Coverage includes {place} with its districts and villages.",
    "The indicator is used for development planning and the evaluation of local government programmes.",
]
SURVEYS = ["Survei Sosial Ekonomi Nasional", "Survei Angkatan Kerja Nasional", "Sensus Penduduk",
           "Survei Pertanian Antar Sensus", "Survei Harga Konsumen"]
KINDS = [("table", "Tabel", "Table"), ("publication", "Publikasi", "Publication"),
         ("microdata", "Data Mikro", "Microdata"), ("map", "Peta", "Map")]


def regions() -> list[tuple[str, str]]:
    import csv

    with open(os.path.join(ROOT, "catalog", "data", "regions.csv"), encoding="utf-8") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


def documents(count: int):
    from search_index.documents import SearchDocument

    rng = random.Random(SEED)
    places = regions()
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for n in range(count):
        topic_id, topic_en, subject, extra_id, extra_en = TOPICS[rng.randrange(len(TOPICS))]
        by_id, by_en = BREAKDOWNS[rng.randrange(len(BREAKDOWNS))]
        kind, kind_id, kind_en = KINDS[rng.choice((0, 0, 0, 1, 1, 2, 3))]
        code, place = places[rng.randrange(len(places))]
        year = rng.randint(2000, 2026)
        access = rng.choice(("free", "free", "free", "paid", "restricted"))
        price = rng.choice((50_000, 150_000, 500_000, 1_250_000)) if access == "paid" else 0
        path = (code,) if len(code) == 2 else (code[:2], code)
        picked = rng.sample(range(len(SENTENCES_ID)), rng.randint(5, 8))
        survey = SURVEYS[rng.randrange(len(SURVEYS))]
        more_id = " ".join(SENTENCES_ID[i].format(survey=survey, year=year, by=by_id.lower(), place=place)
                           for i in picked)
        more_en = " ".join(SENTENCES_EN[i].format(survey=survey, year=year, by=by_en.lower(), place=place)
                           for i in picked)
        yield SearchDocument(
            source="catalog", key=str(n + 1), kind=kind, url=f"/catalog/{n + 1}",
            title_id=f"{kind_id} {topic_id} {place} {by_id} {year}",
            title_en=f"{kind_en}: {topic_en} of {place} {by_en}, {year}",
            abstract_id=f"{topic_id} di {place} tahun {year}, {extra_id}, disajikan {by_id.lower()}. {more_id}",
            abstract_en=f"{topic_en} in {place} in {year}: {extra_en}, presented {by_en.lower()}. {more_en}",
            keywords=tuple(extra_id.split()[:2]) + (place,), subject=subject,
            subject_path=(subject.split(".")[0], subject), region=code, region_path=path, year=year,
            access=access, price=price, released_at=start + timedelta(hours=n * 2))


def queries() -> list[tuple[str, dict]]:
    """More than 200 distinct (query text, filters) pairs, the same for every backend."""
    rng = random.Random(SEED + 1)
    places = [name.lower().replace("kab. ", "").replace("kota ", "") for _c, name in regions()]
    singles = ["penduduk", "inflasi", "kemiskinan", "pengangguran", "upah", "padi", "perikanan", "petani",
               "ekspor", "impor", "sekolah", "pendidikan", "kesehatan", "stunting", "pdrb", "hotel", "kendaraan",
               "population", "inflation", "poverty", "unemployment", "wages", "rice", "exports", "schools",
               "hospitals", "tourism", "vehicles", "kependudukan", "pariwisata"]
    pairs = ["penduduk lombok", "inflasi surabaya", "kemiskinan jawa", "produksi padi", "nilai ekspor",
             "upah buruh", "angka partisipasi", "rumah sakit", "pertumbuhan ekonomi", "kepadatan penduduk",
             "population density", "consumer price", "unemployment rate", "rice production", "export value",
             "harga konsumen", "jenis kelamin", "kelompok umur", "lapangan usaha", "daerah perkotaan"]
    pairs += [f"{rng.choice(singles[:17])} {rng.choice(places)}" for _n in range(25)]
    phrases = ['"jumlah penduduk"', '"indeks harga konsumen"', '"lombok timur"', '"jawa timur"',
               '"tingkat pengangguran terbuka"', '"nilai tukar petani"', '"produk domestik"', '"rumah sakit"',
               '"human development index"', '"motor vehicles"', '"hotel room"', '"monthly inflation"',
               '"kelompok umur"', '"data mikro"', '"nusa tenggara barat"']
    prefixes = ["pendud*", "infla*", "miskin*", "pengang*", "sekol*", "keseh*", "ekspo*", "popul*", "touris*",
                "kendara*", "petan*", "pariwis*", "lombo*", "surab*", "jakar*"]
    texts = list(dict.fromkeys(singles + pairs + phrases + prefixes))
    province_codes = sorted({c[:2] for c, _n in regions()})
    mix = []
    for text in texts:
        mix.append((text, {}))
    for text in texts:
        choice = rng.randrange(4)
        if choice == 0:
            mix.append((text, {"kinds": (rng.choice(("table", "publication", "microdata", "map")),)}))
        elif choice == 1:
            mix.append((text, {"region": rng.choice(province_codes)}))
        elif choice == 2:
            low = rng.randint(2000, 2020)
            mix.append((text, {"year_from": low, "year_to": low + rng.randint(0, 6)}))
        else:
            mix.append((text, {"access": (rng.choice(("free", "paid")),)}))
    return list(dict.fromkeys((t, tuple(sorted(f.items()))) for t, f in mix))
