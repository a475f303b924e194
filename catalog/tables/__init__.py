"""The cube store: statistical tables as data.

A table item's data is a cube: dimensions with coded, bilingual values and a role
(time, geography, measure, other), and cells at every combination of values, each a
number, a status symbol, or both, with an optional footnote.  Each upload makes an
immutable version (``models.CubeVersion``: its structure as a small JSON document, its
cells in ``catalog_cube_chunk`` rows of 256 consecutive offsets in the cube, figures packed),
so a selection reads only the chunks it needs.

* ``cube`` — the in-memory cube, its validation and the selection/pivot logic;
* ``store`` — writing a version in bulk and reading a selection fast;
* ``services`` — the operations (import a version, immutability, revised marks);
* ``formats`` — parsers and writers per file format (tidy/wide CSV, XLSX, PC-Axis, JSON-stat 2.0);
* ``views`` (viewer and downloads), ``manage`` (the producer's import), ``api`` (``/api/v1/tables``).
"""
