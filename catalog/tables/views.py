"""The table viewer and its downloads.

``/catalog/<item>/table``: choose values per dimension, put dimensions down or across, read the
caption (every dimension with one chosen value is named there), the numbers in the locale's
format with the measure's decimals, symbols and footnotes with their legend, a chart, and a
permanent link.  ``/catalog/<item>/table.<format>`` downloads the same selection with its
metadata.  A free, public table is open to anyone; editors also see their drafts' data.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from catalog import services as catalog_services
from catalog.models import Access, ItemKind
from catalog.permissions import can_edit
from catalog.tables import chart, exports, services
from catalog.tables import request as selection_request
from catalog.tables.api import check_size
from catalog.tables.cube import ROLE_LABELS, SYMBOLS, Cell, SelectionError, label_of
from core.errors import Forbidden, Invalid, NotFound

bp = Blueprint("catalog_tables", __name__, static_folder="static",
               static_url_path="/catalog/tables/static")

VIEWER_CELL_LIMIT = 5000  # cells drawn on one page; larger selections are downloaded


def _locale() -> str:
    return str(get_locale() or "id")


def _item(item_id: int):
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    item = catalog_services.get_viewable(item_id, viewer)
    editor = viewer is not None and can_edit(viewer, item)
    if item.kind is not ItemKind.TABLE or not (item.is_public() or editor):
        raise NotFound()
    if item.access is not Access.FREE and not editor:
        raise Forbidden(_("This table is not free: order it from the item page."))
    return item


def _version(args) -> int | None:
    text = args.get("v")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 100_000:
        raise NotFound()
    return int(text)


def _selection(loaded, args, complete: bool):
    try:
        return selection_request.from_args(loaded.structure, args, complete=complete)
    except SelectionError as exc:
        raise Invalid(_("The selection names codes this table does not have."), errors=exc.errors) from None


def number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def cell_text(cell: Cell | None, decimals: int) -> str:
    """A cell as the viewer shows it: the number in the locale's format, or its symbol."""
    if cell is None:
        return ""
    if cell.value is None:
        return cell.symbol
    return format_decimal(cell.value, format=number_format(decimals)) + cell.symbol


@bp.get("/catalog/<int:item_id>/table")
def table(item_id: int):
    item = _item(item_id)
    versions = services.versions(item.id)
    loaded = services.choose(versions, _version(request.args))
    selection = _selection(loaded, request.args, complete=False)
    locale = _locale()
    query = selection_request.query(loaded.structure, selection, loaded.version.number)
    key = (loaded.version.id, tuple(v.id for v in versions), locale, query, item.title(locale), request.host_url)
    viewer = _VIEWERS.get(key)
    if viewer is None:
        viewer = _VIEWERS[key] = _viewer(item, loaded, selection, versions, query, locale)
        while len(_VIEWERS) > VIEWERS_KEPT:  # the oldest go first
            _VIEWERS.popitem(last=False)
    return render_template("catalog/tables/table.html", item=item, locale=locale, viewer=viewer)


# The viewer's body by (version, versions of the item, language, selection, title, host).  Versions never
# change and their ids are never reused (catalog.tables.models), so an entry is never stale; the access
# check (``_item``) runs on every request before it is looked up.
_VIEWERS: OrderedDict[tuple, str] = OrderedDict()
VIEWERS_KEPT = 200


def _viewer(item, loaded, selection, versions, query: str, locale: str) -> str:
    structure = loaded.structure
    too_many = selection.size > VIEWER_CELL_LIMIT
    result = None if too_many else services.table_of(loaded, selection)
    cells = [cell for row in result.cells for cell in row if cell is not None] if result is not None else []
    symbols = sorted({cell.symbol for cell in cells if cell.symbol})
    used_notes = sorted({cell.note for cell in cells if cell.note})
    revised = any(cell.revised for cell in cells)
    permalink = url_for("catalog_tables.table", item_id=item.id, _external=True) + "?" + query

    def formatted(codes_row, codes_col, cell):
        codes = dict(zip(selection.rows, codes_row, strict=True))
        codes.update(zip(selection.columns, codes_col, strict=True))
        for code, values in selection.chosen.items():
            codes.setdefault(code, values[0])
        return cell_text(cell, structure.unit_and_decimals(codes)[1])

    fixed = [(structure.dimension(code), structure.dimension(code).value(selection.chosen[code][0]))
             for code in selection.fixed()]
    unit, table_decimals = structure.unit_and_decimals({code: values[0] for code, values in selection.chosen.items()})
    svg = ""
    if result is not None and result.row_keys and result.column_keys:
        svg = chart.svg(result, locale, item.title(locale),
                        lambda v: format_decimal(v, format=number_format(table_decimals)))
    return render_template(  # autoescaped: the page inserts it as it is
        "catalog/tables/_viewer.html", item=item, loaded=loaded, structure=structure, selection=selection,
        result=result, too_many=too_many, limit=VIEWER_CELL_LIMIT, formatted=formatted, fixed=fixed, unit=unit,
        symbols=symbols, SYMBOLS=SYMBOLS, used_notes=used_notes, revised=revised, query=query, permalink=permalink,
        versions=versions, svg=svg, label=lambda labels: label_of(labels, locale), role_labels=ROLE_LABELS,
        locale=locale, formats=exports.FORMATS)


@bp.get("/catalog/<int:item_id>/table.<fmt>")
def download(item_id: int, fmt: str):
    if fmt not in exports.FORMATS:
        raise NotFound()
    item = _item(item_id)
    loaded = services.require(item.id, _version(request.args))
    selection = _selection(loaded, request.args, complete=False)
    check_size(selection.size)
    locale = _locale()
    link = url_for("catalog_tables.table", item_id=item.id, _external=True) + "?" + selection_request.query(
        loaded.structure, selection, loaded.version.number)
    body = exports.render(services.extract(item, loaded, selection, locale, link), fmt)
    filename = f"tabel-{item.id}-v{loaded.version.number}.{exports.EXTENSIONS[fmt]}"
    return Response(body, mimetype=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
