"""The public catalog as DCAT-AP (https://semiceu.github.io/DCAT-AP/), in Turtle and JSON-LD, at stable URLs:
``/api/v1/catalog.ttl`` and ``/api/v1/catalog.jsonld``.

Built with rdflib from the same mapping as the CKAN API (``api/harvest.py``): each public item is one
``dcat:Dataset`` (title and description in Indonesian and English, keywords, theme = its top subject,
publisher = its producing unit, issued / modified, spatial region code, temporal reference period) with
one ``dcat:Distribution`` per downloadable file, plus the item page as ``dcat:landingPage``.

A document describes the whole public catalog (seconds of work at a few thousand items), so each process
keeps what it wrote with the catalog's snapshot (``catalog.snapshot``: renewed by every write to an item and
at every scheduled release) and the state of the file table; harvesters and anyone else asking again get
the kept text.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response
from flask_babel import lazy_gettext as _l
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD
from sqlalchemy.orm import selectinload

from api import harvest
from catalog import snapshot
from catalog.models import Item, ItemFile
from core import openapi
from core.extensions import db

bp = Blueprint("api_dcat", __name__, url_prefix="/api/v1")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "xsd": str(XSD)}


def _date(value) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def graph() -> Graph:
    base = openapi.base_url()
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    catalog = URIRef(f"{base}/api/v1/catalog.ttl#catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Statdesk", lang="id")))
    g.add((catalog, DCTERMS.description, Literal("Katalog data statistik publik", lang="id")))
    g.add((catalog, DCTERMS.description, Literal("Public statistical data catalog", lang="en")))
    g.add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    publishers = {}
    items = db.session.scalars(harvest.public_items().options(selectinload(Item.files)).order_by(Item.id))
    for item in items:
        dataset = URIRef(harvest.page_url(item))
        g.add((catalog, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.identifier, Literal(harvest.dataset_name(item))))
        g.add((dataset, DCTERMS.title, Literal(item.title_id, lang="id")))
        if item.title_en:
            g.add((dataset, DCTERMS.title, Literal(item.title_en, lang="en")))
        if item.abstract_id:
            g.add((dataset, DCTERMS.description, Literal(item.abstract_id, lang="id")))
        if item.abstract_en:
            g.add((dataset, DCTERMS.description, Literal(item.abstract_en, lang="en")))
        for word in item.keywords:
            g.add((dataset, DCAT.keyword, Literal(str(word))))
        g.add((dataset, DCAT.theme, URIRef(f"{base}/catalog/?subject={harvest.top_subject(item.subject_code)}")))
        g.add((dataset, DCAT.landingPage, dataset))
        if item.release_at:
            g.add((dataset, DCTERMS.issued, _date(item.release_at)))
        g.add((dataset, DCTERMS.modified, _date(item.updated_at or item.release_at)))
        g.add((dataset, DCTERMS.spatial, Literal(item.region_code)))
        if item.reference_period:
            g.add((dataset, DCTERMS.temporal, Literal(item.reference_period)))
        publisher = publishers.get(item.unit)
        if publisher is None:
            publisher = URIRef(f"{base}/api/v1/catalog.ttl#publisher-{harvest.slug(item.unit)}")
            publishers[item.unit] = publisher
            g.add((publisher, RDF.type, FOAF.Organization))
            g.add((publisher, FOAF.name, Literal(item.unit)))
        g.add((dataset, DCTERMS.publisher, publisher))
        for entry in harvest.files_of(item):
            distribution = URIRef(entry["url"])
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, RDF.type, DCAT.Distribution))
            g.add((distribution, DCTERMS.title, Literal(entry["name"])))
            g.add((distribution, DCAT.accessURL, dataset))
            g.add((distribution, DCAT.downloadURL, distribution))
            g.add((distribution, DCAT.mediaType, Literal(entry["mimetype"])))
            g.add((distribution, DCAT.byteSize, Literal(entry["size"], datatype=XSD.decimal)))
    return g


def _document(form: str, serialize) -> str:
    """``serialize(graph())``, kept for as long as the catalog and its files stay as they are."""
    files = tuple(db.session.execute(sa.select(sa.func.count(ItemFile.id), sa.func.max(ItemFile.id))).one())
    return snapshot.current().keep(("dcat", form, openapi.base_url(), files), lambda: serialize(graph()))


@bp.get("/catalog.ttl")
@openapi.operation(summary=_l("The public catalog as DCAT-AP in Turtle"), tags=["harvesting"],
                   query=openapi.LanguageQuery, media_types=("text/turtle",), public=True, etag=True)
def turtle(query):
    return Response(_document("turtle", lambda g: g.serialize(format="turtle")), mimetype="text/turtle")


@bp.get("/catalog.jsonld")
@openapi.operation(summary=_l("The public catalog as DCAT-AP in JSON-LD"), tags=["harvesting"],
                   query=openapi.LanguageQuery, media_types=("application/ld+json",), public=True, etag=True)
def json_ld(query):
    return Response(_document("json-ld", lambda g: g.serialize(format="json-ld", context=CONTEXT)),
                    mimetype="application/ld+json")
