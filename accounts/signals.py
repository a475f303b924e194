"""What the accounts package announces, after the commit, to the packages above it.

``account_deactivated`` is sent with the application as sender and ``user_id`` when an administrator
deactivates an account (the roster hands that person's open work to others at once).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_deactivated = _signals.signal("accounts.account-deactivated")
