"""What the Whoosh backend stores: the schema, its analysers and a document's field values.

Every language has a title, keywords and abstract field analysed with that
language's stemmer; ``words`` keeps every word as written (for prefixes and
spelling suggestions); ``document`` stores the whole ``SearchDocument`` so a hit
is rebuilt without the database.
"""

from __future__ import annotations

from whoosh import analysis as wa
from whoosh import fields

from search_index import analysis
from search_index.documents import SearchDocument, encode

LANGUAGE_FIELDS = {"id": ("title_id", "keywords_id", "abstract_id"), "en": ("title_en", "keywords_en", "abstract_en")}
TITLE_BUCKETS = ((3, 2.0), (5, 4.5), (7, 6.5), (10, 8.5), (14, 12.0), (None, 18.0))  # most terms, typical
POPULARITY_BOOST = (1.0, 1.02, 1.04, 1.06)  # never ordered, ordered 1-9, 10-99, 100 or more times
FACET_FIELDS = {"kind": "kind", "subject": "subject_path", "region": "region_path", "year": "year",
                "access": "access"}


class _Stem(wa.Filter):
    def __init__(self, language: str):
        self.language = language

    def __eq__(self, other):
        return isinstance(other, _Stem) and other.language == self.language

    def __call__(self, tokens):
        for token in tokens:
            token.text = analysis.stem(token.text, self.language)
            yield token


def _analyzer(language: str | None):
    chain = wa.RegexTokenizer(analysis.TOKEN.pattern) | wa.LowercaseFilter()
    if language is None:  # the spelling and prefix field: every word as written
        return chain
    return chain | wa.StopFilter(stoplist=analysis.STOP_WORDS, minsize=1) | _Stem(language)


def schema() -> fields.Schema:
    text = {}
    for language, (title, keywords, abstract) in LANGUAGE_FIELDS.items():
        analyzer = _analyzer(language)
        text[title] = fields.TEXT(analyzer=analyzer, field_boost=4.0)
        text[keywords] = fields.TEXT(analyzer=analyzer, field_boost=2.0)
        text[abstract] = fields.TEXT(analyzer=analyzer)
    return fields.Schema(
        uid=fields.ID(unique=True, stored=True), source=fields.ID, kind=fields.ID, access=fields.ID,
        subject_path=fields.KEYWORD, region_path=fields.KEYWORD, year=fields.ID, price=fields.ID,
        released=fields.NUMERIC(bits=64, sortable=True), title_len=fields.ID, popularity=fields.ID,
        order_key=fields.ID(sortable=True), sort_title_id=fields.ID(sortable=True),
        sort_title_en=fields.ID(sortable=True), words=fields.TEXT(analyzer=_analyzer(None), phrase=False),
        document=fields.STORED, **text)


def title_bucket(document: SearchDocument) -> int:
    """The length class of the document's title (in terms), for BM25F's length normalisation."""
    count = len(analysis.terms(document.title_id or document.title_en, "id" if document.title_id else "en"))
    return next(n for n, (most, _typical) in enumerate(TITLE_BUCKETS) if most is None or count <= most)


def popularity_bucket(orders: int) -> int:
    return 0 if orders <= 0 else 1 if orders < 10 else 2 if orders < 100 else 3


def order_key(document: SearchDocument) -> str:
    """What orders equally scored hits: newest year first, then source, then key (numbers by value)."""
    return f"{9999 - (document.year or 0):04d}|{document.source}|{len(document.key):04d}{document.key}"


def index_fields(document: SearchDocument) -> dict:
    """The field values Whoosh indexes for ``document`` (empty ones left out, as Whoosh wants)."""
    keywords = " ; ".join(document.keywords)
    values = {
        "uid": f"{document.source}:{document.key}", "source": document.source, "kind": document.kind,
        "access": document.access, "subject_path": " ".join(document.subject_path),
        "region_path": " ".join(document.region_path), "year": str(document.year) if document.year else "",
        "price": str(document.price), "title_len": str(title_bucket(document)),
        "popularity": str(popularity_bucket(document.popularity)), "order_key": order_key(document),
        "released": int(document.released_at.timestamp()) if document.released_at else 0,
        "sort_title_id": (document.title_id or document.title_en).lower(),
        "sort_title_en": (document.title_en or document.title_id).lower(),
        "title_id": document.title_id, "keywords_id": keywords, "abstract_id": document.abstract_id,
        "title_en": document.title_en, "keywords_en": keywords, "abstract_en": document.abstract_en,
        "words": " ".join((document.title_id, document.title_en, keywords, document.abstract_id,
                           document.abstract_en)),
        "document": encode(document),
    }
    return {name: value for name, value in values.items() if value != ""}
