"""Who is on duty (piket), their quotas, the working calendar, and the assignment engine.

Routes any routable work item (consultations, order fulfilment tasks) to an
operator and logs each decision with its reason.  Imports ``core`` and ``accounts``.
"""
