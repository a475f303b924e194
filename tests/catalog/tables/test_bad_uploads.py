"""Bad table uploads: every problem named with its row and column, a 4xx, nothing written, nothing lost."""

import io
import re

import pytest
import sqlalchemy as sa

from catalog.tables import store
from catalog.tables.models import CubeChunk, CubeVersion
from core.extensions import db

UNIT = "Direktorat Statistik Kesejahteraan Rakyat"
HEADER = "wilayah,tahun,value,symbol\n"


def _counts(app):
    """(versions, stored cells, read back from every stored chunk)."""
    with app.app_context():
        chunks = db.session.scalars(sa.select(CubeChunk.version_id).distinct()).all()
        return (db.session.scalar(sa.select(sa.func.count(CubeVersion.id))),
                sum(len(store.all_cells(version_id)) for version_id in chunks))


def _problems(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr class="problem"><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', html)


@pytest.fixture
def producer_item(items, users, login, frozen_now):
    item_id = items.make(kind="table", status="draft", region="52", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    return item_id


CASES = [
    ("unknown code", HEADER + "52,2023,1.5,\n9999,2023,2.5,\n", ("3", "1", "Unknown region code 9999.")),
    ("duplicate cell", HEADER + "52,2023,1.5,\n52,2023,2.5,\n",
     ("3", "3", "Duplicate cell: the same combination is already on row 2.")),
    ("not a number", HEADER + "52,2023,banyak,\n", ("2", "3", "The value banyak is not a number.")),
    ("NaN", HEADER + "52,2023,NaN,\n", ("2", "3", "The value NaN is not a finite number.")),
    ("infinite", HEADER + "52,2023,1e400,\n", ("2", "3", "The value 1e400 is not a finite number.")),
    ("out of range", HEADER + "52,2023,1e16,\n", ("2", "3", "The value 1e16 is out of range.")),
    ("unknown symbol", HEADER + "52,2023,1,?\n", ("2", "3", "Unknown status symbol ? (use -, …, x, * or **).")),
    ("symbol with a value", HEADER + "52,2023,4,x\n",
     ("2", "3", "The symbol x stands instead of a number; leave the value empty.")),
    ("a 131,072-character field", HEADER + "52,2023,1.5,\n5201,2023," + "9" * 131_072 + ",\n",
     ("3", "3", "The field has 131072 characters; at most 2000 are allowed.")),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_bad_cell_is_named_by_row_and_column(app, client, producer_item, text, expected):
    assert client.post(f"/catalog/manage/{producer_item}/table?lang=en",
                       data={"pasted": text, "format": "csv"}).status_code == 302
    before = _counts(app)
    preview = client.get(f"/catalog/manage/{producer_item}/table/map?lang=en")
    assert preview.status_code == 422
    assert expected in _problems(preview.get_data(as_text=True))
    published = client.post(f"/catalog/manage/{producer_item}/table/map?lang=en",
                            data={"do": "publish", "role_wilayah": "geo"})
    assert published.status_code == 422
    assert _counts(app) == before == (0, 0)
    # the upload is still there: the page shows it again, ready to fix and upload anew
    assert client.get(f"/catalog/manage/{producer_item}/table/map").status_code == 422


def test_every_problem_of_a_file_is_listed_at_once(app, client, producer_item):
    text = HEADER + "52,2023,x1,\n52,2024,NaN,\n9999,2023,1,\n52,2023,1,\n52,2023,2,\n"
    client.post(f"/catalog/manage/{producer_item}/table?lang=en", data={"pasted": text, "format": "csv"})
    problems = _problems(client.get(f"/catalog/manage/{producer_item}/table/map?lang=en").get_data(as_text=True))
    assert [(row, column) for row, column, _message in problems] == [("2", "3"), ("3", "3"), ("4", "1"), ("6", "3")]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("wrong-header.px", b'TITLE="Penduduk";\nSTUB="Wilayah";\nDATA=\n1 2;\n',
     "This is not a PC-Axis file: it must begin with CHARSET, AXIS-VERSION or MATRIX."),
    ("short-data.px", b'CHARSET="ANSI";\nMATRIX="T1";\nSUBJECT-CODE="S";\nSUBJECT-AREA="S";\nTITLE="T";\n'
     b'CONTENTS="T";\nUNITS="jiwa";\nDECIMALS=0;\nSTUB="Wilayah";\nVALUES("Wilayah")="Aceh","Bali";\n'
     b'DATA=\n1\n;\n', "DATA has 1 values; the dimensions ask for 2."),
    ("missing.px", b'CHARSET="ANSI";\nMATRIX="T1";\nSTUB="Wilayah";\nVALUES("Wilayah")="Aceh";\nDATA=\n1\n;\n',
     "The PC-Axis file lacks the keyword SUBJECT-CODE."),
    ("not.json", b"{ not json", "The file is not JSON"),
    ("other.json", b'{"class": "collection"}', "The file is not a JSON-stat 2.0 dataset"),
    ("latin1.csv", b"wilayah,tahun,value\n52,2023,1\n52,2024,caf\xe9\n",
     "The file is not UTF-8 text"),
])
def test_bad_files_are_refused_with_a_message(app, client, producer_item, name, content, message):
    fmt = name.rsplit(".", 1)[1].replace("json", "jsonstat")
    response = client.post(f"/catalog/manage/{producer_item}/table?lang=en", data={
        "file": (io.BytesIO(content), name), "format": fmt}, content_type="multipart/form-data")
    assert response.status_code == 302
    preview = client.get(f"/catalog/manage/{producer_item}/table/map?lang=en")
    assert preview.status_code == 422
    assert any(message in text for _r, _c, text in _problems(preview.get_data(as_text=True)))
    assert client.post(f"/catalog/manage/{producer_item}/table/map", data={"do": "publish"}).status_code == 422
    assert _counts(app) == (0, 0)


def test_a_100_mb_upload_is_refused_with_413_before_anything_is_stored(app, client, producer_item):
    body = io.BytesIO(b"wilayah,tahun,value\n" + b"52,2023,1\n" * (100 * 1024 * 1024 // 10))
    response = client.post(f"/catalog/manage/{producer_item}/table", data={"file": (body, "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert _counts(app) == (0, 0)


def test_an_upload_over_the_file_limit_is_a_413_page_that_keeps_the_pasted_text(app, client, producer_item):
    app.config["STATDESK_MAX_UPLOAD_MB"] = 1
    body = io.BytesIO(b"wilayah,tahun,value\n" + b"52,2023,1\n" * 120_000)
    response = client.post(f"/catalog/manage/{producer_item}/table?lang=en", data={"file": (body, "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "larger than 1 MB" in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_a_good_upload_publishes_all_cells_at_once(app, client, producer_item):
    text = HEADER + "52,2023,1.5,\n52,2024,,…\n5201,2023,2.25,*\n5201,2024,3,\n"
    client.post(f"/catalog/manage/{producer_item}/table", data={"pasted": text, "format": "csv"})
    preview = client.get(f"/catalog/manage/{producer_item}/table/map?lang=en")
    assert preview.status_code == 200 and "4 cells in 2 dimensions; no problem found." in preview.get_data(as_text=True)
    done = client.post(f"/catalog/manage/{producer_item}/table/map", data={"do": "publish", "role_wilayah": "geo",
                                                                           "role_tahun": "time"})
    assert done.status_code == 302
    assert _counts(app) == (1, 4)
