"""What a reminder says: a greeting and a link, in rotating friendly words, nothing clinical.

The functions here take only the person's chosen display name and a link, so no exercise name,
instrument, answer or score can reach a message even by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


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


# Marked at import, translated when composed: `compose()` runs in the reader's language.
_LINES: dict[Kind, tuple[Promise, ...]] = {
    Kind.DUE: (
        _("Hi %(name)s, your practice for today is ready when you are."),
        _("Hello %(name)s, a few minutes for yourself today? Your practice is waiting."),
        _("Hi %(name)s, here is your gentle nudge for today's practice."),
        _("Good to see you, %(name)s. Today's practice is ready."),
    ),
    Kind.OVERDUE: (
        _("Hi %(name)s, there is still time to catch up on your practice."),
        _("Hello %(name)s, no pressure: your practice is there whenever you are ready."),
        _("Hi %(name)s, a small step still counts. Your practice is waiting."),
    ),
    Kind.FEEDBACK: (
        _("Hi %(name)s, you have a new note in Stepwise."),
        _("Hello %(name)s, there is something new for you in Stepwise."),
    ),
    Kind.DIGEST: (
        _("Hello %(name)s, here is your Stepwise summary for today."),
        _("Hi %(name)s, your daily Stepwise summary is ready."),
    ),
}

_SUBJECTS: dict[Kind, Promise] = {
    Kind.DUE: _("A reminder from Stepwise"),
    Kind.OVERDUE: _("Still time to catch up"),
    Kind.FEEDBACK: _("Something new in Stepwise"),
    Kind.DIGEST: _("Your Stepwise summary"),
}


def variants(kind: Kind) -> int:
    return len(_LINES[kind])


def compose(kind: Kind, name: str, link: str, variant: int) -> Composed:
    """The message for one reminder, in the active language (the reader's: see
    `outgoing.build`); `variant` (e.g. a row id) picks the wording in rotation."""
    lines = _LINES[kind]
    who = name.strip() or pgettext("a greeting to someone whose name is not known", "there")
    greeting = str(lines[variant % len(lines)]) % {"name": who}
    text = f"{greeting}\n\n{link}\n"
    # STOP stays the keyword in every language: it is what the SMS provider acts on.
    stop = gettext("Reply STOP to stop.")
    return Composed(subject=str(_SUBJECTS[kind]), text=text, sms=f"{greeting} {link} {stop}")
