"""What the search index knows: documents, and the sources that produce them.

``search_index`` never imports a model.  A package that wants its objects found
(the catalog for its items, the helpdesk for public FAQ entries) registers a
``DocumentSource`` at start-up and, whenever one of its objects changes inside a
transaction, calls ``search_index.indexing.mark_changed(source_name, key)``; the
index is updated after that transaction commits, never when it rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core import registry
from search_index import analysis


@dataclass(frozen=True)
class SearchDocument:
    """One findable thing, in both interface languages.

    ``key`` is unique within ``source``; ``public`` is False for anything the
    public must not see (drafts, scheduled or withdrawn items) - such documents
    are removed from the index rather than stored.
    """

    source: str  # "catalog", "faq", ...
    key: str
    kind: str  # table | publication | microdata | map | faq
    url: str
    title_id: str
    title_en: str = ""
    abstract_id: str = ""
    abstract_en: str = ""
    keywords: tuple[str, ...] = ()
    subject: str = ""  # subject code; parents are in ``subject_path``
    subject_path: tuple[str, ...] = ()
    region: str = ""  # BPS code: "52" province, "5203" regency
    region_path: tuple[str, ...] = ()  # e.g. ("52", "5203") so a province filter finds its regencies
    year: int | None = None
    access: str = "free"  # free | paid | restricted
    price: int = 0  # whole rupiah, 0 when free
    released_at: datetime | None = None
    public: bool = True
    popularity: int = 0  # how many times people ordered it (a gentle ranking boost); 0 when unknown
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentSource:
    """How the index asks a package for its documents.

    ``load(keys)`` returns the current documents for those keys (a key whose
    object is gone is simply absent); ``all_keys()`` lists every key that should
    be in the index, for ``flask search reindex`` and ``flask search verify``.
    Both run inside an application context.
    """

    name: str
    load: Callable[[Iterable[str]], Iterable[SearchDocument]]
    all_keys: Callable[[], Iterable[str]]


TEXT_FIELDS = ("title_id", "title_en", "abstract_id", "abstract_en")


def encode(document: SearchDocument) -> dict:
    """The stored form of ``document``: its texts already cleaned (``analysis.clean``), so snippets built
    from them on every query take the clean text's fast path."""
    data = {name: getattr(document, name) for name in document.__dataclass_fields__}
    for name in TEXT_FIELDS:
        data[name] = analysis.clean(data[name])
    data["keywords"] = list(document.keywords)
    data["subject_path"] = list(document.subject_path)
    data["region_path"] = list(document.region_path)
    data["released_at"] = document.released_at.isoformat() if document.released_at else None
    return data


def decode(data: dict) -> SearchDocument:
    data = dict(data)
    data.setdefault("popularity", 0)  # stored before the field existed
    for name in ("keywords", "subject_path", "region_path"):
        data[name] = tuple(data[name])
    data["released_at"] = datetime.fromisoformat(data["released_at"]) if data["released_at"] else None
    return SearchDocument(**data)


def fingerprint(document: SearchDocument) -> str:
    """A document's content as text, to tell whether an index holds its latest version (as stored)."""
    return json.dumps(encode(document), sort_keys=True, default=str)


SOURCES: registry.MapSlot[str, DocumentSource] = registry.MapSlot(
    "search_index.sources",
    "name -> DocumentSource: each package whose objects are findable registers its source once, by name.")

LABELS: registry.ListSlot[tuple[str, Callable[[str, str], str]]] = registry.ListSlot(
    "search_index.labels",
    "(facet, label(value, locale)) pairs naming a facet's values for people; a label function returns \"\" "
    "for a value it does not know, and a later registration wins per value (the catalog names kinds, "
    "subjects and regions; the helpdesk names the \"faq\" kind).")


def label(app, facet: str, value: str, locale: str) -> str:
    for named, name in reversed(LABELS.get(app)):
        if named != facet:
            continue
        found = name(value, locale)
        if found:
            return found
    return value
