"""Run as a separate OS process: write documents into a search backend one commit at a time.

``python -m tests.search_index.writer_process whoosh DIRECTORY PREFIX COUNT``
``python -m tests.search_index.writer_process postgresql URL PREFIX COUNT``
"""

from __future__ import annotations

import sys

from search_index.documents import SearchDocument


def backend(kind: str, location: str):
    if kind == "whoosh":
        from search_index.whoosh_backend import WhooshBackend

        return WhooshBackend(location)
    import sqlalchemy as sa

    from search_index.postgres_backend import PostgresBackend

    return PostgresBackend(sa.create_engine(location.replace("postgresql://", "postgresql+psycopg://", 1)))


def main(kind: str, location: str, prefix: str, count: int) -> None:
    target = backend(kind, location)
    for n in range(count):
        target.apply([SearchDocument("catalog", f"{prefix}-{n}", "table", f"/catalog/{prefix}-{n}",
                                     f"Tabel penduduk {prefix} nomor {n}", year=2024)], [])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
