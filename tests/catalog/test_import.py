"""``flask catalog import``: a good file imports fully; bad rows are reported and nothing is written."""

import json

import sqlalchemy as sa

from catalog.models import Item, ReleaseStatus
from core.extensions import db

HEADER = ("ref,kind,title_id,title_en,subject,region,year,unit,access,tariff_kind,price,brackets,status,release_at,"
          "variables\n")
GOOD = [
    "old-1,publication,Statistik Daerah Kota Mataram 2023,Regional Statistics of Mataram 2023,UMM.YRB,5271,2023,"
    "BPS Kota Mataram,free,none,,,released,2023-09-01T09:00:00+07:00,\n",
    "old-2,microdata,Data Mikro Sakernas Agustus 2023,,SOS.NAK,52,2023,Direktorat Statistik Kependudukan,paid,"
    "regressive,,1:500000;11:300000,scheduled,2027-01-15T09:00:00+07:00,k4:Jenis kelamin:numeric;k9:Umur:numeric\n",
    "old-3,map,Peta Wilkerstat Lombok Timur 2024,,UMM.GEO,5203,2024,Direktorat Pengembangan Metodologi,paid,per_unit,"
    "25000,,draft,,\n",
]
BAD = [
    "old-4,tabel,Judul,,SOS.NAK,52,2023,Unit,free,none,,,released,2023-01-01T00:00:00+07:00,\n",  # unknown kind
    "old-5,publication,Judul Baik,,SOS.NAK,99,2023,Unit,free,none,,,released,2023-01-01,\n",  # region, naive time
]


def _run(app, path, *args, lang="en"):
    return app.test_cli_runner().invoke(args=["catalog", "import", str(path), "--lang", lang, *args])


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Item.id)))


def test_good_csv_imports_fully(app, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 0, result.output
    assert "imported 3" in result.output
    with app.app_context():
        rows = {i.ref: i for i in db.session.scalars(sa.select(Item))}
        assert rows["old-2"].status is ReleaseStatus.SCHEDULED
        assert [v.name for v in rows["old-2"].variables] == ["k4", "k9"]
        assert rows["old-3"].tariff == {"unit_price": 25000}


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(app, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + BAD[0] + GOOD[1] + BAD[1], encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code != 0
    assert "line 3:" in result.output and "tabel" in result.output
    assert "line 5:" in result.output and "99" in result.output and "offset" in result.output
    assert "line 2:" not in result.output and "line 4:" not in result.output
    assert _count(app) == 0


def test_skip_bad_imports_the_good_rows(app, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + BAD[0], encoding="utf-8")
    result = _run(app, path, "--skip-bad")
    assert result.exit_code == 0 and "imported 1" in result.output
    assert _count(app) == 1


def test_same_file_twice_adds_nothing(app, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0], encoding="utf-8")
    assert _run(app, path).exit_code == 0
    result = _run(app, path)
    assert result.exit_code != 0 and "already exists" in result.output
    assert _count(app) == 1


def test_json_file_imports(app, tmp_path):
    path = tmp_path / "katalog.json"
    path.write_text(json.dumps([{"ref": "j-1", "kind": "table", "title_id": "Luas Panen Padi Menurut Kabupaten",
                                 "subject": "TAN.PGN", "region": "52", "year": 2024, "unit": "Direktorat Tanaman",
                                 "status": "released", "release_at": "2024-03-01T09:00:00+07:00"},
                                {"ref": "j-2", "kind": "table", "title_id": "", "subject": "TAN.PGN",
                                 "region": "52", "year": "dua ribu", "unit": "X"}]), encoding="utf-8")
    result = _run(app, path)
    assert "line 2:" in result.output and _count(app) == 0
    assert _run(app, path, "--skip-bad").exit_code == 0 and _count(app) == 1


def test_a_field_longer_than_the_csv_modules_default_limit_imports(app, tmp_path):
    """An abstract of 140,000 characters (the csv module refuses fields over 131,072 unless told otherwise)."""
    path = tmp_path / "katalog.csv"
    abstract = "Ringkasan " * 14_000
    path.write_text("ref,kind,title_id,abstract_id,subject,region,year,unit\n"
                    f"old-9,publication,Statistik Panjang,{abstract},UMM.YRB,5271,2023,BPS Kota Mataram\n",
                    encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(db.session.scalar(sa.select(Item.abstract_id))) == len(abstract.strip()) > 131_072


def test_a_field_over_the_limit_gives_a_message_and_no_traceback(app, tmp_path):
    from catalog.importer import CSV_FIELD_LIMIT

    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + "old-9,publication," + "x" * (CSV_FIELD_LIMIT + 1) + "\n", encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "line 3" in result.output and f"{CSV_FIELD_LIMIT} characters" in result.output
    assert _count(app) == 0


def test_the_messages_are_in_one_language(app, tmp_path):
    """In the site's default language (Indonesian) every message is Indonesian, the importer's own included."""
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + BAD[0] + GOOD[0].replace("old-1", "o" * 81), encoding="utf-8")
    result = _run(app, path, lang="id")
    assert result.exit_code != 0
    assert "baris 2:" in result.output and "baris 3:" in result.output and "paling banyak 80 karakter" in result.output
    for english in ("line ", "may have at most", "bad row(s)", "nothing imported"):
        assert english not in result.output


def test_a_row_with_a_nul_byte_or_an_overlong_ref_is_a_bad_row(app, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0].replace("Mataram 2023,", "Mata\x00ram 2023,", 1) + "r" * 81 + GOOD[1][5:],
                    encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code != 0 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "line 2: the row holds control characters" in result.output
    assert "line 3: ref may have at most 80 characters" in result.output
    assert _count(app) == 0


def test_a_bad_row_in_a_later_batch_leaves_nothing_written(app, tmp_path, monkeypatch):
    """The whole file is one transaction: batches written before the bad row is met are rolled back."""
    from catalog import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + GOOD[1] + GOOD[2] + BAD[0], encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code != 0 and "line 5:" in result.output and "1 bad row(s) of 4" in result.output
    assert _count(app) == 0


def test_a_ref_repeated_in_a_later_batch_is_reported(app, tmp_path, monkeypatch):
    """Refs written by earlier batches of the same import (and refs of bad rows) count as taken."""
    from catalog import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + BAD[0] + GOOD[2] + GOOD[0] + BAD[0].replace(",tabel,", ",table,"),
                    encoding="utf-8")
    result = _run(app, path)
    assert "line 5: ref old-1 already exists or repeats" in result.output
    assert "line 6: ref old-4 already exists or repeats" in result.output
    assert _count(app) == 0
    assert _run(app, path, "--skip-bad").exit_code == 0 and _count(app) == 2


def test_a_json_file_is_read_a_chunk_at_a_time(app, tmp_path, monkeypatch):
    """Records and numbers that straddle the chunks of the streamed JSON reader decode as ``json`` would."""
    from catalog import importer

    records = [{"ref": f"j-{n}", "kind": "table", "title_id": f"Luas Panen Padi {n} \"kutip\" ü",
                "subject": "TAN.PGN", "region": "52", "year": 2000 + n, "unit": "Direktorat Tanaman"}
               for n in range(12)] + [12345, [], "teks"]
    path = tmp_path / "katalog.json"
    path.write_text(" \n " + json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(importer, "JSON_CHUNK", 7)
    assert importer.read_rows(path) == [(n, r if isinstance(r, dict) else {}) for n, r in enumerate(records, 1)]
    for broken in ("[{\"ref\": 1}", "[{\"ref\": 1} {\"ref\": 2}]", "{\"ref\": 1}"):
        path.write_text(broken, encoding="utf-8")
        result = _run(app, path)
        assert result.exit_code != 0 and "cannot read" in result.output and result.exception is not None
        assert isinstance(result.exception, SystemExit)


class Recorder:
    def __init__(self):
        self.batches = []

    def apply(self, documents, removed):
        self.batches.append(([d.key for d in documents], removed))


def test_the_imported_items_are_indexed_in_one_pass_after_the_commit(app, tmp_path, monkeypatch):
    from search_index import indexing

    monkeypatch.setattr(indexing, "BATCH", 2)
    recorder = Recorder()
    indexing.set_indexer(app, recorder)
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0] + BAD[0], encoding="utf-8")
    assert _run(app, path).exit_code != 0 and recorder.batches == []  # refused: nothing committed, nothing indexed
    path.write_text(HEADER + "".join(GOOD) + GOOD[0].replace("old-1", "old-9"), encoding="utf-8")
    assert _run(app, path).exit_code == 0
    with app.app_context():
        ids = {ref: str(i) for ref, i in db.session.execute(sa.select(Item.ref, Item.id))}
    # old-2 (scheduled in 2027) and old-3 (draft) are not public: they leave the index rather than enter it
    assert recorder.batches == [([ids["old-1"]], [("catalog", ids["old-2"])]),
                                ([ids["old-9"]], [("catalog", ids["old-3"])])]


def test_a_failed_index_pass_keeps_the_items_for_the_retry_and_says_so(app, tmp_path):
    from search_index import indexing

    class Failing:
        def apply(self, documents, removed):
            raise OSError("no space left on device")

    indexing.set_indexer(app, Failing())
    path = tmp_path / "katalog.csv"
    path.write_text(HEADER + GOOD[0], encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 1 and "imported 1 item(s)" in result.output
    assert "1 item(s) are not in the search index yet" in result.output
    with app.app_context():
        assert [row["attempts"] for row in indexing.pending()] == [1] and _count(app) == 1
