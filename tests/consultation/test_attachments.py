"""Attachments: the bytes decide the type, the size and count are capped, names are made safe."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from consultation.attachments import AttachmentError, check_files
from core.errors import TooLarge, UnsupportedType
from core.uploads import sniff

XLSX_HEAD = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml" + b"xl/workbook.xml"


@pytest.mark.parametrize(("head", "name", "expected"), [
    (b"%PDF-1.7\n", "x.pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "x.png", "image/png"),
    (b"\xff\xd8\xff\xe0", "photo.jpeg", "image/jpeg"),
    (XLSX_HEAD, "tabel.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"kode,nama\n13121,Tenun\n", "kbli.csv", "text/csv"),
    (b"Pertanyaan tentang data", "catatan.txt", "text/plain"),
    (b"MZ\x90\x00", "setup.pdf", None),
    (XLSX_HEAD, "archive.zip", "application/zip"),  # a plain archive; consultations do not accept it
    (b"\x00\x01\x02", "data.csv", None),
])
def test_the_type_comes_from_the_bytes(head, name, expected):
    assert sniff(head, name) == expected


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def test_a_file_over_the_size_limit_is_refused(app):
    with app.test_request_context():
        app.config["STATDESK_MAX_UPLOAD_MB"] = 1
        with pytest.raises(TooLarge) as error:
            check_files([_upload(b"%PDF-" + b"0" * (1024 * 1024), "big.pdf")])
    assert error.value.status == 413


def test_more_than_three_files_are_refused(app):
    with app.test_request_context(), pytest.raises(AttachmentError):
        check_files([_upload(b"%PDF-1", f"{n}.pdf") for n in range(4)])


def test_names_are_made_safe_and_get_the_sniffed_extension(app):
    with app.test_request_context():
        checked = check_files([_upload(b"\x89PNG\r\n\x1a\n", "../../Peta <Lombok>.php")])
    assert checked[0].filename == "Peta_Lombok.png"


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_stored(app):
    with app.test_request_context(), pytest.raises(UnsupportedType) as error:
        check_files([_upload(b"MZ\x90\x00" + b"\x00" * 64, "laporan.pdf")])
    assert error.value.status == 415
    assert "PDF" in error.value.message
