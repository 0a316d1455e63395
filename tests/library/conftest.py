"""A definition that uses every step type, for the schema and response tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stepwise.library.schema import ExerciseDefinition

SCALE_ANCHORS = [{"value": 0, "label": "Not at all"}, {"value": 10, "label": "Completely"}]

_SINK: dict[str, Any] = {
    "schema_version": 1,
    "slug": "every-step-type",
    "version": 3,
    "title": "Every step type",
    "category": "exposure",
    "audience": ["adult"],
    "summary": "A test exercise that uses every step type.",
    "why_this_helps": "It helps the tests.",
    "therapist_notes": "Notes.\n\n## Evidence\n\nNone: it is a test.",
    "references": ["Craske, M. G., et al. (2014). Behaviour Research and Therapy, 58, 10-23."],
    "estimated_minutes": 10,
    "steps": [
        {"type": "content", "id": "intro", "body": "Read this **first**.", "read_aloud": True},
        {"type": "text", "id": "situation", "prompt": "What happened?", "size": "short"},
        {
            "type": "text",
            "id": "story",
            "prompt": "Tell me more.",
            "size": "long",
            "required": False,
        },
        {
            "type": "scale",
            "id": "mood",
            "prompt": "Mood?",
            "min": 0,
            "max": 10,
            "anchors": SCALE_ANCHORS,
        },
        {"type": "suds", "id": "suds_before", "prompt": "Distress before?"},
        {
            "type": "choice",
            "id": "where",
            "prompt": "Where?",
            "options": [
                {"id": "home", "label": "At home"},
                {"id": "work", "label": "At work"},
                {"id": "out", "label": "Out"},
            ],
        },
        {
            "type": "choice",
            "id": "who",
            "prompt": "Who was there?",
            "multiple": True,
            "max_selected": 2,
            "required": False,
            "options": [
                {"id": "alone", "label": "Nobody"},
                {"id": "family", "label": "Family"},
                {"id": "friends", "label": "Friends"},
            ],
        },
        {
            "type": "checklist",
            "id": "safety",
            "prompt": "Which safety behaviours did you drop?",
            "items": [
                {"id": "phone", "label": "Checking my phone"},
                {"id": "exit", "label": "Standing near the exit"},
            ],
        },
        {
            "type": "emotion",
            "id": "feelings",
            "prompt": "What did you feel?",
            "emotions": [
                {"id": "sad", "label": "Sad"},
                {"id": "anxious", "label": "Anxious"},
                {"id": "calm", "label": "Calm"},
            ],
            "intensity_min": 0,
            "intensity_max": 10,
            "max_selected": 2,
        },
        {
            "type": "list",
            "id": "ladder",
            "prompt": "Your ladder",
            "orderable": True,
            "max_rows": 5,
            "fields": [
                {"kind": "text", "id": "what", "label": "Situation"},
                {"kind": "suds", "id": "suds", "label": "Distress"},
                {
                    "kind": "scale",
                    "id": "confidence",
                    "label": "Confidence",
                    "min": 1,
                    "max": 5,
                    "required": False,
                },
                {
                    "kind": "number",
                    "id": "times",
                    "label": "Times",
                    "min": 0,
                    "max": 20,
                    "required": False,
                },
                {
                    "kind": "number",
                    "id": "hours",
                    "label": "Hours",
                    "min": 0,
                    "max": 24,
                    "integer": False,
                    "required": False,
                },
                {
                    "kind": "choice",
                    "id": "done",
                    "label": "Done?",
                    "required": False,
                    "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
                },
            ],
        },
        {
            "type": "timer",
            "id": "practice",
            "prompt": "Stay in the situation.",
            "mode": "countdown",
            "duration_seconds": 600,
        },
        {
            "type": "timer",
            "id": "extra",
            "prompt": "Keep going if you like.",
            "mode": "stopwatch",
            "max_seconds": 3600,
            "required": False,
        },
        {
            "type": "breathing",
            "id": "breathe",
            "prompt": "Breathe with the circle.",
            "inhale_seconds": 4,
            "hold_in_seconds": 1,
            "exhale_seconds": 6,
            "hold_out_seconds": 1,
            "cycles": 10,
        },
        {
            "type": "media",
            "id": "video",
            "kind": "video",
            "title": "A video",
            "source": {"kind": "link", "url": "https://video.example.org/lesson-1"},
            "required": True,
        },
        {"type": "media", "id": "audio", "kind": "audio", "title": "Audio the practice adds"},
        {
            "type": "reflection",
            "id": "after_video",
            "after": "video",
            "questions": [
                {"id": "learned", "prompt": "What did you learn?"},
                {"id": "try", "prompt": "What will you try?", "size": "short", "required": False},
            ],
        },
    ],
    "metrics": [
        {"name": "mood", "label": "Mood", "source": "mood", "unit": "0-10"},
        {"name": "suds_before", "label": "Distress before", "source": "suds_before"},
        {
            "name": "minutes",
            "label": "Minutes",
            "source": "practice",
            "aggregate": "seconds_to_minutes",
        },
        {
            "name": "breathing_minutes",
            "label": "Breathing",
            "source": "breathe",
            "aggregate": "seconds_to_minutes",
        },
        {"name": "breaths", "label": "Breaths", "source": "breathe"},
        {"name": "ladder_steps", "label": "Steps", "source": "ladder", "aggregate": "count"},
        {
            "name": "ladder_top",
            "label": "Hardest",
            "source": "ladder",
            "field": "suds",
            "aggregate": "max",
        },
        {
            "name": "ladder_mean_hours",
            "label": "Hours",
            "source": "ladder",
            "field": "hours",
            "aggregate": "mean",
        },
        {"name": "anxiety", "label": "Anxiety", "source": "feelings", "field": "anxious"},
        {
            "name": "strongest",
            "label": "Strongest feeling",
            "source": "feelings",
            "aggregate": "max",
        },
        {"name": "dropped", "label": "Dropped", "source": "safety", "aggregate": "count"},
        {"name": "watched", "label": "Watched", "source": "video"},
    ],
}

VALID_ANSWERS: dict[str, Any] = {
    "situation": "Took the bus to town",
    "story": "It was busy.\nI stayed anyway.",
    "mood": 6,
    "suds_before": 70,
    "where": "out",
    "who": ["family", "friends"],
    "safety": ["phone", "exit"],
    "feelings": [{"emotion": "anxious", "intensity": 8}, {"emotion": "sad", "intensity": 3}],
    "ladder": [
        {
            "what": "Bus at a quiet time",
            "suds": 40,
            "confidence": 4,
            "times": 2,
            "hours": 1.5,
            "done": "yes",
        },
        {
            "what": "Bus at rush hour",
            "suds": 85,
            "confidence": None,
            "times": None,
            "hours": None,
            "done": None,
        },
    ],
    "practice": 540,
    "extra": 125,
    "breathe": 10,
    "video": 0.75,
    "after_video": {"learned": "Praise works best when it is specific.", "try": "Praise daily"},
}


def sink_document() -> dict[str, Any]:
    """A fresh copy of the raw document, for tests that break it on purpose."""
    return copy.deepcopy(_SINK)


@pytest.fixture
def sink() -> ExerciseDefinition:
    return ExerciseDefinition.model_validate(sink_document())


@pytest.fixture
def answers() -> dict[str, Any]:
    return copy.deepcopy(VALID_ANSWERS)
