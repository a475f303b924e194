"""Tables of the PostgreSQL search backend (``STATDESK_SEARCH_BACKEND=postgresql``).

They exist on every database so the schema is the same everywhere, but only
PostgreSQL fills them: ``terms`` is a ``tsvector`` there (text elsewhere) and
the path arrays are ``text[]`` there (JSON elsewhere).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core.extensions import db

_TERMS = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
_LIST = sa.JSON().with_variant(postgresql.ARRAY(sa.String(120)), "postgresql")

search_document = sa.Table(
    "search_document", db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("key", sa.String(120), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("access", sa.String(20), nullable=False),
    sa.Column("subject_path", _LIST, nullable=False),
    sa.Column("region_path", _LIST, nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("released_at", sa.DateTime(timezone=True)),
    sa.Column("sort_title_id", sa.Text, nullable=False),
    sa.Column("sort_title_en", sa.Text, nullable=False),
    sa.Column("words", _LIST, nullable=False),  # distinct words as written, for the vocabulary
    sa.Column("terms", _TERMS, nullable=False),
    # titles and keywords only: small enough to stay in the row, so ranking many hits reads no TOASTed terms
    sa.Column("rank_terms", _TERMS, nullable=False, server_default=""),
    sa.Column("popularity", sa.Integer, nullable=False, server_default="0"),  # orders, for the ranking boost
    sa.Column("document", sa.JSON, nullable=False),  # the SearchDocument, to build hits without the catalog
    sa.UniqueConstraint("source", "key", name="uq_search_document_source"),
    sa.Index("ix_search_document_terms", "terms", postgresql_using="gin"),
    sa.Index("ix_search_document_region_path", "region_path", postgresql_using="gin"),
    sa.Index("ix_search_document_subject_path", "subject_path", postgresql_using="gin"),
    sa.Index("ix_search_document_year", "year"),
)

search_vocabulary = sa.Table(
    "search_vocabulary", db.metadata,
    sa.Column("word", sa.String(120), primary_key=True),
    sa.Column("documents", sa.Integer, nullable=False),
)

search_pending = sa.Table(
    "search_pending", db.metadata,
    sa.Column("source", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
)
"""Index updates that failed after their transaction committed: retried by the sweep
``search_index.retry-updates`` until they succeed, and shown by ``flask search verify``, the admin's
search page and ``/healthz/search`` meanwhile (``search_index.indexing``)."""
