"""Harvesting: the official ``ckanapi`` client reads the whole public catalog from the running site through
the CKAN action API, and rdflib reads the DCAT-AP catalog in both serialisations; drafts, scheduled and
withdrawn items never appear."""

from __future__ import annotations

import json

import ckanapi
import pytest
import rdflib.namespace as vocabulary
from rdflib import Graph

from tests.support import servers


@pytest.fixture
def site(app, catalog):
    with servers.live_server(app) as url:
        yield url


def test_ckanapi_pages_through_every_public_item(site, catalog):
    remote = ckanapi.RemoteCKAN(site, user_agent="statdesk-tests/1.0")
    assert remote.action.status_show()["ckan_version"].startswith("2.")
    seen, start = [], 0
    while True:
        page = remote.action.package_search(q="*:*", rows=2, start=start)
        assert page["count"] == len(catalog["public"])
        if not page["results"]:
            break
        seen.extend(page["results"])
        start += 2
    assert sorted(int(package["id"]) for package in seen) == sorted(catalog["public"])
    for package in seen:
        shown = remote.action.package_show(id=package["name"])
        assert shown["id"] == package["id"] and shown["organization"]["title"]
        assert shown["groups"] and all(r["url"].startswith(site) for r in shown["resources"])
    with_files = [p for p in seen if p["resources"]]
    assert len(with_files) == 2 and with_files[0]["resources"][0]["hash"].startswith("sha256:")
    for hidden in catalog["hidden"]:
        with pytest.raises(ckanapi.NotFound):
            remote.action.package_show(id=f"item-{hidden}")
    names = remote.action.package_list()
    assert sorted(names) == sorted(f"item-{i}" for i in catalog["public"])


def test_ckan_filters_organizations_and_groups(site, catalog):
    remote = ckanapi.RemoteCKAN(site, get_only=True)
    organizations = remote.action.organization_list(all_fields=True)
    prices = next(o for o in organizations if o["title"] == "Direktorat Statistik Harga")
    found = remote.action.package_search(fq=f"organization:{prices['name']}")
    assert found["count"] == 1 and found["results"][0]["title"] == "Inflasi Mataram"
    assert set(remote.action.group_list()) == {"SOS", "EKO"}
    assert remote.action.package_search(fq="groups:EKO")["count"] == 1
    assert remote.action.package_search(q="Peta")["count"] == 1
    assert remote.action.package_search(q="Rancangan")["count"] == 0  # a draft's title
    with pytest.raises(ckanapi.ValidationError):
        remote.action.package_search(rows="many")


def test_dcat_parses_in_both_serialisations_with_every_public_item_once(client, catalog):
    turtle = client.get("/api/v1/catalog.ttl")
    json_ld = client.get("/api/v1/catalog.jsonld")
    assert turtle.mimetype == "text/turtle" and json_ld.mimetype == "application/ld+json"
    assert json.loads(json_ld.get_data(as_text=True))
    graphs = [Graph().parse(data=turtle.get_data(as_text=True), format="turtle"),
              Graph().parse(data=json_ld.get_data(as_text=True), format="json-ld")]
    for graph in graphs:
        datasets = list(graph.subjects(vocabulary.RDF.type, vocabulary.DCAT.Dataset))
        identifiers = sorted(str(graph.value(dataset, vocabulary.DCTERMS.identifier)) for dataset in datasets)
        assert identifiers == sorted(f"item-{i}" for i in catalog["public"])
        catalog_node = next(graph.subjects(vocabulary.RDF.type, vocabulary.DCAT.Catalog))
        assert len(list(graph.objects(catalog_node, vocabulary.DCAT.dataset))) == len(catalog["public"])
        assert len(list(graph.subjects(vocabulary.RDF.type, vocabulary.DCAT.Distribution))) == 2
        assert all(graph.value(dataset, vocabulary.DCTERMS.publisher) is not None for dataset in datasets)
    assert len(graphs[0]) == len(graphs[1])


def _datasets_and_distributions(client) -> tuple[int, int]:
    graph = Graph().parse(data=client.get("/api/v1/catalog.ttl").get_data(as_text=True), format="turtle")
    return (len(list(graph.subjects(vocabulary.RDF.type, vocabulary.DCAT.Dataset))),
            len(list(graph.subjects(vocabulary.RDF.type, vocabulary.DCAT.Distribution))))


def test_the_kept_dcat_document_follows_every_new_item_and_file(app, client, items, catalog):
    from catalog.models import ItemFile
    from core.extensions import db

    assert _datasets_and_distributions(client) == (5, 2)
    assert _datasets_and_distributions(client) == (5, 2)  # the kept document
    items.make("publication", title="Terbit Baru")
    assert _datasets_and_distributions(client) == (6, 2)
    with app.app_context():  # a file alone, written as no item's change
        map_id = catalog["public"][2]
        db.session.add(ItemFile(item_id=map_id, version=1, storage_key="k/peta.pdf", filename="peta.pdf",
                                content_type="application/pdf", size=4, sha256="0" * 64))
        db.session.commit()
    assert _datasets_and_distributions(client) == (6, 3)
