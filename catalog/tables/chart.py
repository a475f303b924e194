"""A chart of a selection, drawn here as SVG (nothing is loaded by the browser).

A line over time when a period dimension is on the rows or columns (one line per other row or
column, at most ``MAX_SERIES``), otherwise horizontal bars across the categories of the rows.
Readable without colour: every line has its own dash pattern and marker shape and is named at
its end and in the legend; every bar carries its value.  The SVG has a title and a description
for screen readers, and the table above it holds the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from catalog.tables.cube import Pivot, label_of

MAX_SERIES = 8
MAX_BARS = 40
DASHES = ["", "6 3", "2 3", "8 3 2 3", "10 4", "1 2", "4 2 1 2", "12 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross", "circle-open", "square-open", "triangle-open"]
INK = ["#1b4f8a", "#a33b00", "#2e6b2e", "#6b2e6b", "#5a5a00", "#006b6b", "#8a1b4f", "#333333"]


@dataclass
class Series:
    name: str
    points: list[float | None]


def _marker(kind: str, x: float, y: float, ink: str) -> str:
    fill = "none" if kind.endswith("-open") else ink
    kind = kind.replace("-open", "")
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" stroke="{ink}"/>'
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{fill}" stroke="{ink}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x - 4:.1f},{y + 3:.1f} {x + 4:.1f},{y + 3:.1f}" '
                f'fill="{fill}" stroke="{ink}"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} '
                f'{x - 4.5:.1f},{y:.1f}" fill="{fill}" stroke="{ink}"/>')
    return (f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}L{x + 4:.1f},'
            f'{y - 4:.1f}" stroke="{ink}" stroke-width="2"/>')


def _labels(pivot: Pivot, dims: list[str], key: tuple[str, ...], locale: str) -> str:
    structure = pivot.structure
    return " / ".join(label_of(structure.dimension(d).value(c).label, locale) for d, c in zip(dims, key, strict=True))


def series_of(pivot: Pivot, locale: str) -> tuple[str, list[str], list[Series]]:
    """(kind, x labels, series) for the pivot: ``line`` over a period, else ``bar``."""
    structure = pivot.structure
    time = next((d.code for d in structure.dimensions if d.role == "time"), None)
    sel = pivot.selection
    values = [[c.value if c is not None else None for c in row] for row in pivot.cells]
    if time is not None and sel.columns == [time] and len(pivot.column_keys) > 1:
        xs = [_labels(pivot, sel.columns, k, locale) for k in pivot.column_keys]
        series = [Series(_labels(pivot, sel.rows, k, locale), row) for k, row in zip(pivot.row_keys, values,
                                                                                     strict=True)]
        return "line", xs, series[:MAX_SERIES]
    if time is not None and sel.rows == [time] and len(pivot.row_keys) > 1:
        xs = [_labels(pivot, sel.rows, k, locale) for k in pivot.row_keys]
        series = [Series(_labels(pivot, sel.columns, k, locale) or "", [row[i] for row in values])
                  for i, k in enumerate(pivot.column_keys)]
        return "line", xs, series[:MAX_SERIES]
    xs = [_labels(pivot, sel.rows, k, locale) for k in pivot.row_keys][:MAX_BARS]
    name = _labels(pivot, sel.columns, pivot.column_keys[0], locale) if pivot.column_keys else ""
    return "bar", xs, [Series(name, [row[0] if row else None for row in values][:MAX_BARS])]


def svg(pivot: Pivot, locale: str, title: str, fmt) -> str:
    """The chart as an SVG element; ``fmt(value)`` formats a number in the user's locale."""
    kind, xs, series = series_of(pivot, locale)
    numbers = [v for s in series for v in s.points if v is not None]
    if not numbers or not xs:
        return ""
    description = escape(f"{title}: " + "; ".join(
        f"{s.name} — " + ", ".join(f"{x} {fmt(v) if v is not None else '…'}" for x, v in zip(xs, s.points,
                                                                                        strict=False))
        for s in series)[:2000])
    if kind == "bar":
        return _bars(xs, series[0], numbers, escape(title), description, fmt)
    return _lines(xs, series, numbers, escape(title), description, fmt)


def _scale(numbers: list[float]) -> tuple[float, float]:
    low, high = min(min(numbers), 0.0), max(max(numbers), 0.0)
    if low == high:
        high = low + 1
    return low, high


def _lines(xs, series, numbers, title, description, fmt) -> str:
    width, height, left, right, top, bottom = 720, 360, 70, 170, 20, 60
    low, high = _scale(numbers)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(xs) - 1, 1)

    def y_of(v):
        return top + plot_h - (v - low) / (high - low) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="chart" class="table-chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="chart-title chart-desc"><title id="chart-title">{title}</title>'
             f'<desc id="chart-desc">{description}</desc>',
             f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{left + plot_w}" y2="{y_of(0):.1f}" stroke="#555"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>']
    for tick in range(5):
        v = low + (high - low) * tick / 4
        parts.append(f'<text x="{left - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(fmt(v))}</text>')
        parts.append(f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{left + plot_w}" y2="{y_of(v):.1f}" '
                     'stroke="#ddd"/>')
    every = max(1, len(xs) // 12)
    for i, x in enumerate(xs):
        if i % every == 0:
            parts.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                         f'font-size="11">{escape(x[:14])}</text>')
    for n, s in enumerate(series):
        ink = INK[n % len(INK)]
        points = [(left + i * step, y_of(v)) for i, v in enumerate(s.points) if v is not None]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash = f' stroke-dasharray="{DASHES[n]}"' if DASHES[n] else ""
        parts.append(f'<g class="series"><polyline points="{path}" fill="none" stroke="{ink}" stroke-width="2"{dash}/>')
        parts.extend(_marker(MARKERS[n], x, y, ink) for x, y in points)
        last_x, last_y = points[-1]
        parts.append(f'<text x="{last_x + 8:.1f}" y="{last_y + 4:.1f}" font-size="11" fill="{ink}">'
                     f'{escape(s.name[:24])}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _bars(xs, s, numbers, title, description, fmt) -> str:
    row_h, left, right = 22, 220, 90
    width = 720
    height = 20 + row_h * len(xs)
    low, high = _scale(numbers)
    plot_w = width - left - right

    def x_of(v):
        return left + (v - low) / (high - low) * plot_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="chart" class="table-chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="chart-title chart-desc"><title id="chart-title">{title}</title>'
             f'<desc id="chart-desc">{description}</desc>']
    for i, (x, v) in enumerate(zip(xs, s.points, strict=True)):
        y = 10 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="11">{escape(x[:32])}</text>')
        if v is None:
            parts.append(f'<text x="{left + 4}" y="{y + 14}" font-size="11">…</text>')
            continue
        start, end = sorted((x_of(0), x_of(v)))
        parts.append(f'<rect x="{start:.1f}" y="{y + 3}" width="{max(end - start, 1):.1f}" height="{row_h - 6}" '
                     f'fill="{INK[0]}"/>')
        parts.append(f'<text x="{end + 4:.1f}" y="{y + 14}" font-size="11">{escape(fmt(v))}</text>')
    parts.append(f'<line x1="{x_of(0):.1f}" y1="6" x2="{x_of(0):.1f}" y2="{height - 6}" stroke="#555"/></svg>')
    return "".join(parts)
