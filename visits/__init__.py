"""Visits to the service office: booking, reception tickets, counters, the waiting-room board and the survey.

The top layer beside ``helpdesk``: imports ``consultation`` (every served visit
is a walk-in request there), ``roster`` (working calendar, duty), ``accounts`` and
``core``.  See docs/visits.md.
"""
