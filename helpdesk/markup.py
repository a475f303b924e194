"""Markdown bodies rendered to sanitised HTML."""

from __future__ import annotations

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                "h3", "h4", "h5", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}


def render_markdown(text: str) -> Markup:
    html = markdown.markdown(text, extensions=["fenced_code", "tables"])
    clean = bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         protocols={"http", "https", "mailto"}, strip=True)
    return Markup(clean)  # noqa: S704 - sanitised by bleach above
