"""Signals accounts sends, so later apps (reminders) follow along without being imported.

Named domain events sent by the action inside its transaction, not model signals.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `actions.update_account_settings()` when a person's time zone changed. Keyword
# argument: `user` (a User).
time_zone_changed = Signal()

# Sent by `actions.update_account_settings()` when a person chose another language. Keyword
# argument: `user` (a User). A client's record follows their account (clinic).
language_changed = Signal()
