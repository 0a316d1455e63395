"""Signals homework sends, so later apps (reminders, progress) follow along without being imported.

Each is sent by the action that made the change, inside its transaction, so a receiver's rows
commit or roll back with it. Receivers must be idempotent. These are named domain events, not
model signals: a write that bypasses the actions (a queryset `.update()`) sends nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `assigning.materialise()` after inserting occurrences. Keyword arguments:
# `assignment_ids` (list of int) and the window of local days the new occurrences open in,
# `opens_from` and `until` (dates, inclusive). Some occurrences in the window may have existed
# before.
occurrences_created = Signal()

# Sent by `assigning.update_details()`, `edit_schedule()` and `set_status()` after an assignment's
# reminder time, schedule or status changed. Keyword argument: `assignment` (an Assignment).
assignment_changed = Signal()

# Sent by `assigning.leave_feedback()` after the therapist left a note on a completion. Keyword
# argument: `feedback` (a Feedback).
feedback_left = Signal()

# Sent by `assigning.assign()` after a new assignment and its schedule were stored (its first
# occurrences follow with `occurrences_created`). Keyword argument: `assignment` (an Assignment).
assignment_created = Signal()

# Sent by `actions.submit_exercise()` after storing a response to an exercise (homework or
# practice in session). Keyword argument: `submission` (a Submission).
submission_made = Signal()

# Sent by `assigning.record_completion()` after a result was linked to a piece of homework.
# Keyword argument: `completion` (a Completion).
completion_recorded = Signal()
