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
# of one): the definitions behind its clients' verdicts may differ. Keyword argument:
# `practice_id` (int).
instrument_imported = Signal()
