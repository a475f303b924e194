"""Free consultations (data, metadata, classification) and complaints.

Tickets, messages and attachments, SLA clocks, reminders, ratings and entry of
requests that came by phone, letter, walk-in or e-mail.  Imports ``core``,
``accounts``, ``catalog`` and ``roster``.
"""
