"""Per-package message catalogs: extract, update, compile and check.

Each package keeps ``<package>/translations/id/LC_MESSAGES/messages.po``; msgids
are English, so English needs no catalog.  Usage::

    python scripts/i18n.py update    # extract from source, merge into each .po
    python scripts/i18n.py compile   # build the .mo files (the set-up runs this)
    python scripts/i18n.py check     # untranslated msgids, msgids translated two ways, codes without labels
"""

from __future__ import annotations

import glob
import io
import os
import re
import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("core", "accounts", "search_index", "catalog", "roster", "consultation", "orders", "helpdesk",
            "subscriptions", "visits", "legacy", "api")
LOCALE = "id"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]


def po_path(package: str) -> str:
    return os.path.join(ROOT, package, "translations", LOCALE, "LC_MESSAGES", "messages.po")


def extract(package: str) -> Catalog:
    template = Catalog(project="Statdesk")
    base = os.path.join(ROOT, package)
    for filename, lineno, message, comments, context in extract_from_dir(
            base, METHODS, keywords=KEYWORDS, options_map={"**/templates/**": {"extensions": "jinja2.ext.i18n"}}):
        template.add(message, None, [(os.path.join(package, filename), lineno)], auto_comments=comments,
                     context=context)
    return template


def load(package: str) -> Catalog | None:
    path = po_path(package)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return read_po(handle, locale=LOCALE)


def save(package: str, catalog: Catalog) -> None:
    path = po_path(package)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def update() -> None:
    for package in PACKAGES:
        if not os.path.isdir(os.path.join(ROOT, package)):
            continue
        template = extract(package)
        if not len(template):
            continue
        catalog = load(package) or Catalog(locale=LOCALE, project="Statdesk")
        catalog.update(template, no_fuzzy_matching=True)
        save(package, catalog)
        print(f"{package}: {len(template)} messages")


def compile_all() -> None:
    for package in PACKAGES:
        catalog = load(package)
        if catalog is None:
            continue
        with open(po_path(package)[:-3] + ".mo", "wb") as handle:
            write_mo(handle, catalog)


def missing() -> list[str]:
    """``package: msgid`` for every message in source without an Indonesian translation."""
    problems = []
    for package in PACKAGES:
        if not os.path.isdir(os.path.join(ROOT, package)):
            continue
        catalog = load(package)
        for message in extract(package):
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context) if catalog else None
            text = translated.string if translated else None
            if not text or (isinstance(text, tuple) and not all(text)) or (translated and translated.fuzzy):
                problems.append(f"{package}: {message.id if isinstance(message.id, str) else message.id[0]}")
    return problems


def conflicts() -> list[str]:
    """Msgids that two packages translate differently.

    The application merges every package's catalog into one, so such a msgid would
    show whichever translation happened to load first.
    """
    seen: dict[tuple, tuple[str, object]] = {}
    problems = []
    for package in PACKAGES:
        catalog = load(package)
        if catalog is None:
            continue
        for message in catalog:
            if not message.id or not message.string:
                continue
            key = (message.id, message.context)
            if key not in seen:
                seen[key] = (package, message.string)
            elif seen[key][1] != message.string:
                first, string = seen[key]
                problems.append(f"{package}: {message.id!r} is {message.string!r} here but {string!r} in {first}")
    return problems


_OUTPUT = re.compile(r"{{(.*?)}}", re.S)
_RAW_VALUE = re.compile(r"\.value\b(?!\s*(?:\(|==|!=|in\b|not\b|\|string\s+in\b))")
NOT_A_CODE = "{# a figure, not a code #}"  # marks a line that prints a ``.value`` which is data (a cell's figure)


def templates() -> list[str]:
    return [path for package in PACKAGES
            for path in sorted(glob.glob(os.path.join(ROOT, package, "templates", "**", "*.html"), recursive=True))]


def raw_codes(paths: list[str] | None = None) -> list[str]:
    """Template lines that print a stored code (``something.value``) as text instead of its label.

    A code may go into an attribute (``value="{{ s.value }}"``, ``data-value=…``) or a comparison; what a
    person reads is the member's ``label``.
    """
    problems = []
    for path in templates() if paths is None else paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for match in _OUTPUT.finditer(text):
            before = text[:match.start()]
            in_tag = before.rfind("<") > before.rfind(">")
            line_text = text[text.rfind("\n", 0, match.start()) + 1:text.find("\n", match.end())]
            if not in_tag and _RAW_VALUE.search(match.group(1)) and NOT_A_CODE not in line_text:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{os.path.relpath(path, ROOT)}:{line}: prints a stored code; show its label: "
                                f"{{{{{match.group(1).strip()}}}}}")
    return problems


def unlabelled_codes() -> list[str]:
    """Members of enums kept in a column that have no ``label`` (or one that is the code itself, in Indonesian)."""
    import sqlalchemy as sa
    from flask_babel import force_locale

    sys.path.insert(0, ROOT)
    from app import create_app
    from core.extensions import db

    app = create_app({"TESTING": True, "STATDESK_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "i18n-check-" + "x" * 40})
    problems = []
    with app.test_request_context():
        enums = {column.type.enum_class for mapper in db.Model.registry.mappers for column in mapper.columns
                 if isinstance(column.type, sa.Enum) and column.type.enum_class}
        for enum_class in sorted(enums, key=lambda e: e.__name__):
            for member in enum_class:
                for locale in ("id", "en"):
                    with force_locale(locale):
                        text = str(getattr(member, "label", "") or "")
                    if not text or (locale == "id" and text == member.value):
                        problems.append(f"{enum_class.__module__}.{enum_class.__name__}.{member.name}: no label "
                                        f"({locale}); give the enum a translated label")
    return problems


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        problems = missing() + conflicts() + raw_codes() + unlabelled_codes()
        print("\n".join(problems) or "all messages translated")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
