"""The catalog: tables, publications, microdata and maps.

Items with versions, files, tariffs, the release calendar; table data as cubes (``catalog.tables``).
May import ``core``, ``accounts`` and ``search_index``; never ``orders`` or
``consultation`` (they hear from the catalog through its signals).
"""
