"""The OpenAPI document (``/api/v1/openapi.json``) and the browsable reference page (``/api/docs``).

The reference page is Swagger UI from the installed ``flask-swagger-ui`` package (its ``dist`` folder is
served from here; nothing is loaded from the internet).
"""

from __future__ import annotations

import os

import flask_swagger_ui
from flask import Blueprint, jsonify, render_template, send_from_directory, url_for

from api import openapi

bp = Blueprint("api", __name__, template_folder="templates", static_folder="static",
               static_url_path="/api/static")

SWAGGER_DIST = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")
SWAGGER_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js", "index.css",
                 "favicon-32x32.png", "favicon-16x16.png"}
# Swagger UI sets inline styles on its elements; its page alone allows them.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@bp.get("/api/v1/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/api/docs")
def reference():
    page = render_template("api/reference.html", spec_url=url_for("api.openapi_document"),
                           operations=openapi.operations_for_listing())
    return page, 200, {"Content-Security-Policy": DOCS_CSP}


@bp.get("/api/docs/assets/<name>")
def swagger_asset(name: str):
    if name not in SWAGGER_FILES:
        from core.errors import NotFound

        raise NotFound()
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)
