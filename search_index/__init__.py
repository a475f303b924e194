"""Full-text search over documents that other packages register.

The Whoosh backend (Indonesian and English analysis), a PostgreSQL full-text
backend behind the same interface, query parsing, facets, highlights and
suggestions.  Knows documents, not models; imports only ``core``.
"""
