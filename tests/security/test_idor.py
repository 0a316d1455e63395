"""IDOR (SECURITY.md 2, issue 8 Tests): property tests over ids and id pairs, on every object kind.

Hypothesis draws a persona, the ids in a URL (a client and an object of its record, mixed and
matched across clients and practices, plus ids that do not exist) and whether the request comes
from htmx. Whatever is drawn: an object in the persona's scope opens; anything else answers 404,
the same as an id that does not exist, and writes exactly one denied entry to the access log.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepwise.accounts.models import User
from stepwise.assessments import actions as assessment_actions
from stepwise.assessments.models import Alert, InstrumentVersion
from stepwise.audit.models import AccessLog
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import Client, Invitation
from stepwise.homework.models import Assignment, Completion, Occurrence, Submission
from stepwise.library import actions as library_actions
from stepwise.library.models import MediaFile
from tests.assessments.helpers import raw_instrument
from tests.conftest import World
from tests.factories import assign_exercise, first_occurrence, hand_in, phq9

MISSING = 987_654_321
HEX_MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass
class Scene:
    world: World
    clients: list[int]  # carl, dana (alice's care team), oscar (olga's), and a missing id
    assignments: dict[int, int]  # assignment id -> client id
    occurrences: dict[int, int]
    completions: dict[int, int]
    submissions: dict[int, int]
    alerts: dict[int, int]
    invitations: dict[int, int]
    media: dict[str, int]  # media id -> practice id
    instruments: dict[int, int | None]  # instrument version id -> practice id (None: shipped)

    def user(self, name: str) -> User:
        user = getattr(self.world, name)
        assert isinstance(user, User)
        return user

    def caseload(self, name: str) -> set[int]:
        return set(self.user(name).caseload.values_list("pk", flat=True))

    def own_client(self, name: str) -> set[int]:
        return set(Client.objects.filter(user=self.user(name)).values_list("pk", flat=True))

    def practices_of(self, name: str) -> set[int]:
        user = self.user(name)
        found = set(Client.objects.filter(user=user).values_list("practice_id", flat=True))
        found |= set(
            Client.objects.filter(caregiver_links__caregiver=user).values_list(
                "practice_id", flat=True
            )
        )
        if hasattr(user, "membership"):
            found.add(user.membership.practice_id)
        return found


def _record(world: World, client: Client, therapist: User, user: User | None) -> dict[str, Any]:
    assignment = assign_exercise(client, therapist)
    occurrence = first_occurrence(assignment)
    completion = hand_in(assignment, user or therapist, extra=True)
    alert = assessment_actions.submit_assessment(
        client=client, instrument=phq9(), answers=[0, 0, 0, 0, 0, 0, 0, 0, 1]
    ).alert
    assert alert is not None
    invitation = clinic_actions.invite_caregiver(
        client, therapist, email=f"carer{client.pk}@example.org", relationship="aunt"
    ).invitation
    return {
        "assignment": assignment,
        "occurrence": occurrence,
        "completion": completion,
        "alert": alert,
        "invitation": invitation,
    }


def build_scene(world: World) -> Scene:
    for client, therapist, user in (
        (world.carl_client, world.alice, world.carl),
        (world.dana_client, world.alice, world.dana),
        (world.oscar_client, world.olga, None),
    ):
        _record(world, client, therapist, user)
    riverside = library_actions.upload_media(
        world.alice, title="Relax", upload=SimpleUploadedFile("a.ogg", b"OggS\x00\x02" + b"0" * 64)
    )
    elsewhere = library_actions.upload_media(
        world.olga, title="Relax", upload=SimpleUploadedFile("b.ogg", b"OggS\x00\x02" + b"1" * 64)
    )
    data = raw_instrument("gad7")
    data.update({"id": "own_scale", "name": "Own scale", "abbreviation": "OS-7"})
    import json

    imported = assessment_actions.import_instrument(
        world.other_practice, world.olga, json.dumps(data).encode(), licence_confirmed=True
    )

    def owners(model: Any) -> dict[int, int]:
        return dict(model.objects.values_list("pk", "client_id"))

    return Scene(
        world=world,
        clients=[world.carl_client.pk, world.dana_client.pk, world.oscar_client.pk, MISSING],
        assignments=owners(Assignment),
        occurrences={
            o.pk: o.client_id
            for o in (first_occurrence(a) for a in Assignment.objects.order_by("pk"))
        },
        completions=owners(Completion),
        submissions=owners(Submission),
        alerts=owners(Alert),
        invitations={i.pk: i.client_id for i in Invitation.objects.filter(client__isnull=False)},
        media={
            str(riverside.pk): riverside.practice_id,
            str(elsewhere.pk): elsewhere.practice_id,
        },
        instruments={phq9().pk: None, imported.pk: imported.practice_id},
    )


Ids = tuple[Any, ...]


@dataclass(frozen=True)
class Kind:
    personas: Sequence[str]
    candidates: Callable[[Scene], list[Ids]]
    url: Callable[[Ids], str]
    allowed: Callable[[Scene, str, Ids], bool]
    method: str = "get"  # posts are tried only where they must be refused


STAFF = ("alice", "bob", "olga", "ada", "carl")
CLIENTS = ("carl", "dana", "gina", "alice")


def _client_ids(scene: Scene) -> list[Ids]:
    return [(c,) for c in scene.clients]


def _pairs(pool: Callable[[Scene], dict[int, int]]) -> Callable[[Scene], list[Ids]]:
    return lambda s: list(itertools.product(s.clients, [*pool(s), MISSING]))


def _singles(pool: Callable[[Scene], dict[Any, Any]], missing: Any = MISSING) -> Any:
    return lambda s: [(key,) for key in [*pool(s), missing]]


def _on_care_team(s: Scene, persona: str, ids: Ids) -> bool:
    return ids[0] in s.caseload(persona)


def _pair_in_scope(pool: Callable[[Scene], dict[int, int]]) -> Any:
    return lambda s, p, ids: ids[0] in s.caseload(p) and pool(s).get(ids[1]) == ids[0]


def _object_on_care_team(pool: Callable[[Scene], dict[int, int]]) -> Any:
    return lambda s, p, ids: pool(s).get(ids[0]) in s.caseload(p)


def _own_object(pool: Callable[[Scene], dict[int, int]]) -> Any:
    return lambda s, p, ids: pool(s).get(ids[0]) in s.own_client(p)


def _results_in_scope(s: Scene, persona: str, ids: Ids) -> bool:
    if ids[0] not in s.caseload(persona) or ids[1] not in s.instruments:
        return False
    owner = s.instruments[ids[1]]
    return owner is None or owner == Client.objects.get(pk=ids[0]).practice_id


KINDS: dict[str, Kind] = {
    "client": Kind(STAFF, _client_ids, lambda i: f"/clients/{i[0]}/", _on_care_team),
    "export_csv": Kind(STAFF, _client_ids, lambda i: f"/clients/{i[0]}/export.csv", _on_care_team),
    "export_report": Kind(STAFF, _client_ids, lambda i: f"/clients/{i[0]}/report/", _on_care_team),
    "feed_fhir": Kind(STAFF, _client_ids, lambda i: f"/clients/{i[0]}/fhir/", _on_care_team),
    "assignment": Kind(
        STAFF,
        _pairs(lambda s: s.assignments),
        lambda i: f"/clients/{i[0]}/assignments/{i[1]}/edit/",
        _pair_in_scope(lambda s: s.assignments),
    ),
    "submission": Kind(
        STAFF,
        _pairs(lambda s: s.submissions),
        lambda i: f"/clients/{i[0]}/practice/{i[1]}/",
        _pair_in_scope(lambda s: s.submissions),
    ),
    "assessment_results": Kind(
        STAFF,
        _pairs(lambda s: s.instruments),  # type: ignore[arg-type, return-value]
        lambda i: f"/clients/{i[0]}/assessments/{i[1]}/",
        _results_in_scope,
    ),
    "alert": Kind(
        STAFF,
        _pairs(lambda s: s.alerts),
        lambda i: f"/clients/{i[0]}/alerts/{i[1]}/acknowledge/",
        _pair_in_scope(lambda s: s.alerts),
        method="post",
    ),
    "completion": Kind(
        STAFF,
        _singles(lambda s: s.completions),
        lambda i: f"/review/{i[0]}/",
        _object_on_care_team(lambda s: s.completions),
    ),
    "invitation": Kind(
        STAFF,
        _singles(lambda s: s.invitations),
        lambda i: f"/invitations/{i[0]}/revoke/",
        _object_on_care_team(lambda s: s.invitations),
        method="post",
    ),
    "occurrence": Kind(
        CLIENTS,
        _singles(lambda s: s.occurrences),
        lambda i: f"/me/do/{i[0]}/",
        _own_object(lambda s: s.occurrences),
    ),
    "assignment_as_client": Kind(
        CLIENTS,
        _singles(lambda s: s.assignments),
        lambda i: f"/me/extra/{i[0]}/",
        _own_object(lambda s: s.assignments),
    ),
    "media": Kind(
        ("alice", "olga", "carl", "gina", "bob"),
        _singles(lambda s: s.media, HEX_MISSING),
        lambda i: f"/library/media/{i[0]}/",
        lambda s, p, ids: s.media.get(ids[0]) in s.practices_of(p),
    ),
}


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_ids_out_of_scope_answer_404_and_are_audited(kind_name: str, world: World) -> None:
    kind = KINDS[kind_name]
    scene = build_scene(world)
    browsers: dict[str, HttpClient] = {}
    for name in kind.personas:
        browser = HttpClient()
        browser.force_login(scene.user(name), backend="django.contrib.auth.backends.ModelBackend")
        browsers[name] = browser
    candidates = kind.candidates(scene)
    assert any(kind.allowed(scene, p, ids) for p in kind.personas for ids in candidates)
    assert any(not kind.allowed(scene, p, ids) for p in kind.personas for ids in candidates)

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        persona=st.sampled_from(list(kind.personas)),
        ids=st.sampled_from(candidates),
        htmx=st.booleans(),
    )
    def attempt(persona: str, ids: Ids, htmx: bool) -> None:
        allowed = kind.allowed(scene, persona, ids)
        if allowed and kind.method == "post":
            return  # a permitted POST would change the record; only refusals are tried
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        denials = AccessLog.objects.filter(outcome="denied").count()
        response = getattr(browsers[persona], kind.method)(kind.url(ids), **headers)
        denied = AccessLog.objects.filter(outcome="denied").count() - denials
        if allowed:
            assert response.status_code in (200, 206), (persona, ids, response.status_code)
            assert denied == 0
        else:
            assert response.status_code == 404, (persona, ids, response.status_code)
            assert denied == 1, (persona, ids, f"{denied} denied entries")

    attempt()


def test_a_404_for_someone_elses_object_looks_like_one_for_no_object(world: World) -> None:
    """The body of a refusal is the same whether the id exists elsewhere or not at all."""
    scene = build_scene(world)
    alice = HttpClient()
    alice.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
    oscar_submission = next(k for k, v in scene.submissions.items() if v == world.oscar_client.pk)
    carl = world.carl_client.pk
    elsewhere = alice.get(f"/clients/{carl}/practice/{oscar_submission}/")
    nowhere = alice.get(f"/clients/{carl}/practice/{MISSING}/")
    assert elsewhere.status_code == nowhere.status_code == 404
    assert elsewhere.content == nowhere.content


def test_the_instrument_pool_has_a_practice_own_one(world: World) -> None:
    scene = build_scene(world)
    assert set(scene.instruments.values()) == {None, world.other_practice.pk}
    assert InstrumentVersion.objects.filter(practice=world.other_practice).count() == 1
    assert Occurrence.objects.filter(pk__in=scene.occurrences).count() == 3
    assert len(scene.media) == 2
    assert MediaFile.objects.count() == 2
