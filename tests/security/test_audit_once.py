"""Every read of a client's data writes exactly one access record (SECURITY.md 15), on a sample of
the pages, fragments, exports and feeds that show client data: not none, and not one per query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.audit.models import AccessLog
from tests.conftest import World
from tests.factories import assign_exercise, first_occurrence, hand_in, phq9

Url = Callable[[World, dict[str, Any]], str]


def _carl(path: str) -> Url:
    return lambda w, made: path.format(c=w.carl_client.pk, **made)


# (persona, url, htmx): each read is of Carl's record (Mia's for her carer).
READS: dict[str, tuple[str, Url, bool]] = {
    "client page": ("alice", _carl("/clients/{c}/"), False),
    "client page as htmx": ("alice", _carl("/clients/{c}/"), True),
    "client edit form": ("alice", _carl("/clients/{c}/edit/"), False),
    "questionnaires": ("alice", _carl("/clients/{c}/assessments/"), False),
    "questionnaire results": ("alice", _carl("/clients/{c}/assessments/{instrument}/"), False),
    "progress": ("alice", _carl("/clients/{c}/progress/"), False),
    "before-session summary": ("alice", _carl("/clients/{c}/summary/"), False),
    "CSV export": ("alice", _carl("/clients/{c}/export.csv"), False),
    "printable report": ("alice", _carl("/clients/{c}/report/"), False),
    "FHIR feed": ("alice", _carl("/clients/{c}/fhir/"), False),
    "homework review": ("alice", _carl("/review/{completion}/"), False),
    "a submission": ("alice", _carl("/clients/{c}/practice/{submission}/"), False),
    "assignment edit": ("alice", _carl("/clients/{c}/assignments/{assignment}/edit/"), False),
    "practise together": ("alice", _carl("/clients/{c}/practise/"), False),
    "client's today": ("carl", _carl("/me/"), False),
    "client's homework": ("carl", _carl("/me/do/{occurrence}/"), False),
    "client's progress": ("carl", _carl("/me/progress/"), False),
    "client's own data": ("carl", _carl("/me/my-data.zip"), False),
    "client's reminders": ("carl", _carl("/me/reminders/"), False),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_one_read_writes_one_access_record(name: str, world: World) -> None:
    persona, url, htmx = READS[name]
    assignment = assign_exercise(world.carl_client, world.alice)
    completion = hand_in(assignment, world.carl, extra=True)
    made = {
        "assignment": assignment.pk,
        "occurrence": first_occurrence(assignment).pk,
        "completion": completion.pk,
        "submission": completion.submission_id,
        "instrument": phq9().pk,
    }
    browser = HttpClient()
    user = getattr(world, persona)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    before = AccessLog.objects.count()
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = browser.get(url(world, made), **headers)
    assert response.status_code == 200
    written = list(AccessLog.objects.order_by("id")[before:].values("client_id", "outcome"))
    assert written == [{"client_id": world.carl_client.pk, "outcome": "allowed"}]
    entry = AccessLog.objects.order_by("-id").first()
    assert entry is not None
    assert entry.actor_id == getattr(world, persona).pk
    assert entry.path == url(world, made)
    assert entry.ip == "127.0.0.1"


def test_a_carer_reading_their_childs_day_writes_one_record(world: World) -> None:
    browser = HttpClient()
    browser.force_login(world.gina, backend="django.contrib.auth.backends.ModelBackend")
    before = AccessLog.objects.count()
    assert browser.get("/me/").status_code == 200
    written = list(AccessLog.objects.order_by("id")[before:].values("client_id", "actor_id"))
    assert written == [{"client_id": world.mia_client.pk, "actor_id": world.gina.pk}]
