"""Signals clinic sends, so later apps (reminders, progress) follow along without being imported.

Each is sent by the action that made the change, inside its transaction; receivers must be
idempotent. Named domain events, not model signals.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `actions.add_client()` after a new client was stored. Keyword argument: `client`
# (a Client).
client_added = Signal()

# Sent by `actions.update_client()` when the client's time zone changed and by
# `actions.set_discharged()`: what is due for the client, and when, may differ now. Keyword
# argument: `client` (a Client).
client_schedule_changed = Signal()

# Sent by `actions.link_caregiver()` when a caregiver is newly linked to a client. Keyword
# argument: `link` (a CaregiverLink).
caregiver_linked = Signal()
