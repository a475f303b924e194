"""Reading a selection from a query string or a JSON body, and writing it back as a permanent link.

Each dimension's chosen codes come as ``<dimension code>=<code>,<code>`` (repeatable); a code
followed by ``+`` adds the values nested under it (a province with all its regencies).  ``rows``
and ``cols`` name the dimensions put down and across (the viewer's form also sends
``place_<dimension>=rows|cols``); ``v`` names a version.  Dimension codes never take these names
(``cube.RESERVED``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from catalog.tables.cube import Selection, Structure, make_selection


def _codes(structure: Structure, dimension_code: str, texts: list[str]) -> list[str]:
    codes = []
    dimension = next((d for d in structure.dimensions if d.code == dimension_code), None)
    for text in texts:
        for part in filter(None, (p.strip() for p in text.split(","))):
            if part.endswith("+") and dimension is not None and part[:-1] in dimension.index:
                codes.append(part[:-1])
                codes.extend(dimension.children(part[:-1]))
            else:
                codes.append(part)
    return codes


def from_args(structure: Structure, args, complete: bool) -> Selection:
    """The selection in request arguments (a ``MultiDict``); ``complete``: unnamed dimensions get every value."""
    chosen = {}
    reserved = {"rows", "cols", "v", "version", "format", "lang", "chart"}
    for key in args:
        if key in reserved or key.startswith("place_") or key == "csrf_token":
            continue
        chosen[key] = _codes(structure, key, args.getlist(key))
    rows = [r for text in args.getlist("rows") for r in text.split(",") if r]
    cols = [c for text in args.getlist("cols") for c in text.split(",") if c]
    for d in structure.dimensions:
        place = args.get(f"place_{d.code}")
        if place == "rows" and d.code not in rows:
            rows.append(d.code)
            cols = [c for c in cols if c != d.code]
        elif place == "cols" and d.code not in cols:
            cols.append(d.code)
            rows = [r for r in rows if r != d.code]
    return make_selection(structure, {k: v for k, v in chosen.items() if v or k not in {d.code for d in
                                                                                       structure.dimensions}},
                          rows, cols, complete=complete)


def from_json(structure: Structure, body: dict) -> Selection:
    """``{"selection": {dimension: [codes]}, "rows": [...], "cols": [...]}`` (codes may end in ``+``)."""
    raw = body.get("selection") or {}
    if not isinstance(raw, dict):
        raw = {}
    chosen = {}
    for key, value in raw.items():
        texts = [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []
        chosen[str(key)] = _codes(structure, str(key), texts)
    rows = [str(r) for r in body.get("rows") or [] if isinstance(r, str)]
    cols = [str(c) for c in body.get("cols") or [] if isinstance(c, str)]
    return make_selection(structure, chosen, rows, cols, complete=True)


def query(structure: Structure, selection: Selection, version: int | None = None) -> str:
    """The canonical query string of ``selection`` (every dimension named, in the table's order)."""
    pairs = [(d.code, ",".join(selection.chosen[d.code])) for d in structure.dimensions]
    if selection.rows:
        pairs.append(("rows", ",".join(selection.rows)))
    if selection.columns:
        pairs.append(("cols", ",".join(selection.columns)))
    if version:
        pairs.append(("v", str(version)))
    return urlencode(pairs, safe=",")
