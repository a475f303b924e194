"""Moving in from the old system: ``flask legacy import`` and the administrator's import page.

The import reads another system's export (CSV or XLSX files, one per entity, or a
directory of them), maps its columns and codes with a TOML mapping
(``docs/legacy-import.md``), validates every row, and writes consumers,
consultations and complaints with their messages, orders with lines, invoices and
payments as closed history through each owning package's ``history`` service (no
routing, reminders, re-invoicing or new numbers).  See ``legacy/engine.py``.
"""
