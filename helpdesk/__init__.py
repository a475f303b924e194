"""The operators' console on top of everything else.

Dashboards, the internal forum, the knowledge base / public FAQ and supervisor
reports.  May import every package; none imports it.
"""
