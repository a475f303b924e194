"""A small crawler over the test client: the pages, links and forms a signed-in person sees.

``crawl(app, client)`` follows every same-site link from the pages without URL
arguments, keeping one URL per endpoint (the first found, in a fixed order), and
returns those URLs with the forms each page holds.  A form's ``fields`` are what a
browser would send when the person submits it unchanged (hidden inputs, the first
option of a select, checked boxes), with empty text inputs given a plausible value
so that a submission reaches the service behind the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.exceptions import HTTPException

PLAUSIBLE = {"email": "someone@example.org", "number": "1", "date": "2026-03-02", "time": "08:00",
             "datetime-local": "2026-03-02T08:00", "month": "2026-03", "tel": "081234567", "url": "https://example.org"}


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    textareas: set[str] = field(default_factory=set)

    def names(self) -> list[str]:
        return sorted({name for name, _ in self.fields})


@dataclass
class Page:
    url: str
    endpoint: str
    forms: list[Form] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self, base: str, password: str):
        super().__init__(convert_charrefs=True)
        self.base, self.password = base, password
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._radios: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            self._form = Form(a.get("method", "get").upper(), urljoin(self.base, a.get("action") or self.base),
                              "multipart" in a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag, a):
        name = a.get("name")
        if tag == "input" and name:
            self._input(name, a)
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select and self._select_value is None:
            self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
            self._form.textareas.add(name)
        elif tag == "button" and name and not any(n == name for n, _ in self._form.fields):
            self._form.fields.append((name, a.get("value", "")))

    def _input(self, name, a):
        kind = a.get("type", "text").lower()
        value = a.get("value", "")
        if kind == "file":
            self._form.files.append(name)
        elif kind in ("checkbox", "radio"):
            if kind == "radio" and name in self._radios:
                return
            self._radios.add(name)
            self._form.fields.append((name, value or "y"))
        elif kind in ("submit", "reset", "image", "button"):
            return
        elif kind == "password":
            self._form.fields.append((name, self.password))
        else:
            self._form.fields.append((name, value or PLAUSIBLE.get(kind, "Uji coba")))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).strip() or "Uji coba"))
            self._textarea = None


def endpoint_of(app, url: str) -> tuple[str, str] | None:
    """``(endpoint, path with query)`` for a same-site URL, or ``None``."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        endpoint, _args = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint, parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(app, client, skip: set[str], password: str, limit: int = 400) -> list[Page]:
    """The pages reachable by ``client`` (one per endpoint), each with its forms."""
    starts = sorted(rule.rule for rule in app.url_map.iter_rules()
                    if not rule.arguments and "GET" in rule.methods and rule.endpoint not in skip)
    queue, seen, pages = list(starts), set(), []
    while queue and len(pages) < limit:
        found = endpoint_of(app, queue.pop(0))
        if found is None or found[0] in seen or found[0] in skip or found[0].endswith(".static"):
            continue
        endpoint, path = found
        seen.add(endpoint)
        response = client.get(path)
        page = Page(path, endpoint)
        pages.append(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _PageParser("http://localhost" + path, password)
        parser.feed(response.get_data(as_text=True))
        page.forms = parser.forms
        queue.extend(parser.links + [form.action for form in parser.forms if form.method == "GET"])
    return pages
