"""Signals assessments sends, so later apps (progress) follow along without being imported.

Each is sent by the action that made the change, inside its transaction, so a receiver's rows
commit or roll back with it; receivers must be idempotent. Named domain events, not model
signals: a write that bypasses the actions sends nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `actions.submit_assessment()` after storing a scored questionnaire. Keyword argument:
# `response` (an AssessmentResponse).
response_submitted = Signal()

# Sent by `actions.rescore_response()` after appending a revised score. Keyword argument:
# `revision` (a ScoreRevision).
score_revised = Signal()

# Sent by `actions.start_new_episode()`: an instrument's next response is the new baseline.
# Keyword argument: `episode` (an EpisodeStart).
episode_started = Signal()

# Sent by `actions.import_instrument()` after a practice imported an instrument (or a new version
# of one), and by `actions.shipped.sync_shipped_instruments()` after adding new shipped
# versions: the definitions behind clients' verdicts may differ. Keyword argument:
# `practice_id` (int, or None for the shipped instruments, which every practice sees).
instruments_changed = Signal()
