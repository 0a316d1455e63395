"""What a reminder says: a greeting and a link, in rotating friendly words, nothing clinical.

The functions here take only the person's chosen display name and a link, so no exercise name,
instrument, answer or score can reach a message even by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    FEEDBACK = "feedback"
    DIGEST = "digest"


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str  # email body and push body
    sms: str  # one SMS segment where possible


_LINES: dict[Kind, tuple[str, ...]] = {
    Kind.DUE: (
        "Hi {name}, your practice for today is ready when you are.",
        "Hello {name}, a few minutes for yourself today? Your practice is waiting.",
        "Hi {name}, here is your gentle nudge for today's practice.",
        "Good to see you, {name}. Today's practice is ready.",
    ),
    Kind.OVERDUE: (
        "Hi {name}, there is still time to catch up on your practice.",
        "Hello {name}, no pressure: your practice is there whenever you are ready.",
        "Hi {name}, a small step still counts. Your practice is waiting.",
    ),
    Kind.FEEDBACK: (
        "Hi {name}, you have a new note in Stepwise.",
        "Hello {name}, there is something new for you in Stepwise.",
    ),
    Kind.DIGEST: (
        "Hello {name}, here is your Stepwise summary for today.",
        "Hi {name}, your daily Stepwise summary is ready.",
    ),
}

_SUBJECTS: dict[Kind, str] = {
    Kind.DUE: "A reminder from Stepwise",
    Kind.OVERDUE: "Still time to catch up",
    Kind.FEEDBACK: "Something new in Stepwise",
    Kind.DIGEST: "Your Stepwise summary",
}


def variants(kind: Kind) -> int:
    return len(_LINES[kind])


def compose(kind: Kind, name: str, link: str, variant: int) -> Composed:
    """The message for one reminder; `variant` (e.g. a row id) picks the wording in rotation."""
    lines = _LINES[kind]
    greeting = lines[variant % len(lines)].format(name=name.strip() or "there")
    text = f"{greeting}\n\n{link}\n"
    return Composed(
        subject=_SUBJECTS[kind], text=text, sms=f"{greeting} {link} Reply STOP to stop."
    )
