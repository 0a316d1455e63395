"""Signals homework sends, so later apps (reminders) follow along without being imported."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `assigning.materialise()` inside the transaction that inserted the occurrences, so a
# receiver's rows commit or roll back with them. Keyword arguments: `assignment_ids` (list of
# int) and the window of local days the new occurrences open in, `opens_from` and `until`
# (dates, inclusive). Some occurrences in the window may have existed before; receivers must be
# idempotent.
occurrences_created = Signal()
