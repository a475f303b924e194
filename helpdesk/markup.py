"""Markdown bodies rendered to sanitised HTML.

nh3 (the Rust ``ammonia`` sanitiser) keeps only the tags and attributes listed
here, drops ``<script>``/``<style>`` with their content, every event handler and
any link whose scheme is not http, https or mailto; other tags are stripped and
their text kept.
"""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                "h3", "h4", "h5", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> Markup:
    html = markdown.markdown(text, extensions=["fenced_code", "tables"])
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel=None)
    return Markup(clean)  # noqa: S704 - sanitised by nh3 above
