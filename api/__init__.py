"""The open data API: the OpenAPI document and reference page, token checks, idempotent writes, the
consumer's own endpoints (``/api/v1/me``), the CKAN action API (``/api/3/action``) and the DCAT catalog."""
