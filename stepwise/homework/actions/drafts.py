"""Drafts: what someone has typed into a homework item so far, kept as they go and dropped once
the item is handed in. The caller has already checked that the item is theirs and open."""

from __future__ import annotations

from stepwise.accounts.models import User
from stepwise.homework.models import Assignment, Draft


def keep_draft(
    *, user: User, assignment: Assignment, slot: str, data: dict[str, list[str]]
) -> Draft:
    """Keep `data` (the form's fields and their values) as the one draft of this item."""
    draft, _ = Draft.objects.update_or_create(
        user=user, assignment=assignment, slot=slot, defaults={"data": data}
    )
    return draft


def discard_draft(*, user: User, assignment: Assignment, slot: str) -> None:
    """Drop the draft of this item, if any (it was handed in)."""
    Draft.objects.filter(user=user, assignment=assignment, slot=slot).delete()
