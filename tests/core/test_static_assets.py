"""Static files under content-hashed names with a year's cache lifetime; the plain name still works."""

import hashlib
import re

from flask import render_template_string, url_for

from core import static_assets


def _digest(app, endpoint, filename):
    folder = static_assets._folder(app, endpoint)
    with open(f"{folder}/{filename}", "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:static_assets.DIGITS]


def test_url_for_static_names_the_content_hash(app):
    with app.test_request_context():
        url = url_for("core.static", filename="statdesk.css")
    assert url == f"/core/static/statdesk.{_digest(app, 'core.static', 'statdesk.css')}.css"


def test_every_blueprint_static_and_bootstrap_are_hashed(app, client):
    page = client.get("/about").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/[^"]*static[^"]*)"', page)
    assert any(a.startswith("/core/static/statdesk.") for a in assets)
    assert any(a.startswith("/bootstrap/static/") for a in assets)
    for asset in assets:
        assert re.search(rf"\.[0-9a-f]{{{static_assets.DIGITS}}}\.(css|js)$", asset), asset


def test_hashed_url_is_served_immutable_for_a_year(app, client):
    with app.test_request_context():
        url = url_for("catalog_tables.static", filename="table-viewer.js")
    response = client.get(url)
    assert response.status_code == 200
    with open(f"{static_assets._folder(app, 'catalog_tables.static')}/table-viewer.js", "rb") as handle:
        assert response.data == handle.read()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_plain_url_still_works_without_the_long_lifetime(client):
    response = client.get("/core/static/statdesk.css")
    assert response.status_code == 200 and b"{" in response.data
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_stale_digits_get_the_current_file_but_not_for_ever(client):
    response = client.get("/core/static/statdesk.0123456789.css")
    assert response.status_code == 200 and b"{" in response.data
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_unknown_and_escaping_names_are_not_found(client):
    assert client.get("/core/static/nothing.0123456789.css").status_code == 404
    assert client.get("/core/static/../views.0123456789.py").status_code == 404


def test_hash_is_computed_once_per_process(app, monkeypatch):
    with app.test_request_context():
        first = url_for("core.static", filename="statdesk.js")
        opened = []
        monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or (_ for _ in ()).throw(OSError))
        assert render_template_string("{{ url_for('core.static', filename='statdesk.js') }}") == first
    assert opened == []


def test_edited_file_gets_a_new_name_in_debug(app, tmp_path):
    app.static_folder = str(tmp_path)
    app.debug = True
    (tmp_path / "site.css").write_text("a {}")
    with app.test_request_context():
        before = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("a { color: red }")
        import os
        os.utime(tmp_path / "site.css", ns=(1, 10**18))
        after = url_for("static", filename="site.css")
    assert before != after and after.startswith("/static/site.")
