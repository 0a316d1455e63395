"""Instruments as versioned data, responses written once, and rescoring into new revisions."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from stepwise.assessments import actions, catalog
from stepwise.assessments.actions.shipped import sync_shipped_instruments
from stepwise.assessments.definitions import INSTRUMENTS_DIR
from stepwise.assessments.models import (
    AssessmentResponse,
    ImmutableError,
    InstrumentSource,
    InstrumentVersion,
    ScoreRevision,
)
from stepwise.assessments.results import current_score, responses_for
from tests.assessments.helpers import raw_instrument
from tests.assessments.support import (
    PHQ9_CRITICAL,
    PHQ9_MODERATE,
    results_url,
    shipped,
    submit,
)
from tests.conftest import World

SHIPPED = sorted(path.stem for path in INSTRUMENTS_DIR.glob("*.json"))


def test_migrate_loads_every_shipped_instrument_as_version_1(db: None) -> None:
    rows = InstrumentVersion.objects.filter(practice__isnull=True)
    assert sorted(rows.values_list("key", flat=True)) == SHIPPED
    assert set(rows.values_list("version", flat=True)) == {1}
    phq9 = shipped("phq9")
    assert (phq9.name, phq9.abbreviation, phq9.category, phq9.respondent) == (
        "Patient Health Questionnaire-9",
        "PHQ-9",
        "depression",
        "self",
    )
    assert phq9.enabled_by_default is True
    assert shipped("k10").enabled_by_default is False
    # The whole file is kept, sources and licence note included.
    assert phq9.definition == json.loads((INSTRUMENTS_DIR / "phq9.json").read_text())
    assert phq9.source == InstrumentSource.SHIPPED


def test_load_instruments_is_idempotent(db: None) -> None:
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert out.getvalue().strip() == "Instruments are up to date."
    assert InstrumentVersion.objects.count() == len(SHIPPED)


def test_a_changed_file_becomes_the_next_version(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("phq9", "gad7"):
        data = raw_instrument(name)
        if name == "phq9":
            data["bands"][0]["label"] = "Minimal"
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    monkeypatch.setattr(catalog, "INSTRUMENTS_DIR", tmp_path)
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert out.getvalue().strip() == "Added 1 instrument version(s): phq9 v2"
    assert list(InstrumentVersion.objects.filter(key="phq9").values_list("version", flat=True)) == [
        2,
        1,
    ]
    available = catalog.find_available(world.practice.pk, "phq9")
    assert available is not None
    assert available.version.version == 2
    call_command("load_instruments", stdout=StringIO())
    assert InstrumentVersion.objects.filter(key="phq9").count() == 2


def test_a_broken_shipped_file_is_refused(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = raw_instrument("phq9")
    data["bands"][0]["max"] = 3  # leaves score 4 in no band
    (tmp_path / "phq9.json").write_text(json.dumps(data))
    monkeypatch.setattr(catalog, "INSTRUMENTS_DIR", tmp_path)
    with pytest.raises(ValueError, match="gap"):
        sync_shipped_instruments()
    assert InstrumentVersion.objects.filter(key="phq9").count() == 1


def test_a_published_version_is_never_changed(db: None) -> None:
    phq9 = shipped("phq9")
    phq9.name = "Edited"
    with pytest.raises(ImmutableError):
        phq9.save()
    with pytest.raises(ImmutableError):
        InstrumentVersion.objects.filter(pk=phq9.pk).update(name="Edited")
    with pytest.raises(ImmutableError):
        phq9.delete()


def test_a_submission_stores_the_score_with_the_instrument_version(world: World) -> None:
    response = submit(world.carl_client, "phq9", PHQ9_MODERATE).response
    response.refresh_from_db()
    assert response.instrument == shipped("phq9")
    assert (response.total, response.band, response.subscales, response.critical_items) == (
        Decimal("14.00"),
        "Moderate",
        {},
        [],
    )


def test_a_mean_score_is_stored_exactly(world: World) -> None:
    # BRS reverses items 2, 4 and 6: scores 5, 5, 4, 4, 4 and a blank -> mean 22 / 5 = 4.40.
    response = submit(world.carl_client, "brs", [5, 1, 4, 2, 4, None]).response
    response.refresh_from_db()
    assert response.total == Decimal("4.40")
    assert response.band == "High resilience"


def test_a_submitted_response_is_never_edited_in_place(world: World) -> None:
    response = submit(world.carl_client, "phq9", PHQ9_MODERATE).response
    response.answers = [0] * 9
    with pytest.raises(ImmutableError):
        response.save()
    with pytest.raises(ImmutableError):
        AssessmentResponse.objects.update(band="None-minimal")
    with pytest.raises(ImmutableError):
        AssessmentResponse.objects.all().delete()
    response.refresh_from_db()
    assert response.answers == PHQ9_MODERATE


def test_the_database_refuses_raw_edits_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the model guards")
    submit(world.carl_client, "phq9", PHQ9_MODERATE)
    for sql in (
        "UPDATE assessments_assessmentresponse SET band = 'x'",
        "DELETE FROM assessments_assessmentresponse",
        "UPDATE assessments_instrumentversion SET name = 'x'",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AssessmentResponse.objects.get().band == "Moderate"


@pytest.mark.parametrize(
    ("key", "answers", "message"),
    [
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4], "PHQ-9 cannot be scored: item 9: 4 is not one of"),
        ("phq9", [0] * 8, "PHQ-9 cannot be scored: expected 9 answers, got 8."),
        ("phq9", [0] * 8 + [None], "item 9: unanswered; every item is required"),
        ("phq9", [0] * 8 + [True], "is not a whole number"),
        ("gad7", [1, 1, 1, 1, 1, 1, "2"], "GAD-7 cannot be scored: item 7"),
        ("brs", [None, None, 3, 3, 3, 3], "4 of 6 items answered; at least 5 are required"),
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_stored(
    world: World, key: str, answers: list[object], message: str
) -> None:
    with pytest.raises(actions.AssessmentError, match=message.replace("(", r"\(")):
        submit(world.carl_client, key, answers)  # type: ignore[arg-type]
    assert AssessmentResponse.objects.count() == 0


def test_an_unknown_supplementary_answer_is_refused(world: World) -> None:
    with pytest.raises(actions.AssessmentError, match="not one of the answers offered"):
        submit(world.carl_client, "phq9", PHQ9_MODERATE, supplementary={"difficulty": 7})
    submission = submit(
        world.carl_client, "phq9", PHQ9_MODERATE, supplementary={"difficulty": 2, "other": "x"}
    )
    assert submission.response.supplementary == {"difficulty": 2}


def test_another_practices_instrument_cannot_be_answered(world: World) -> None:
    data = raw_instrument("phq9") | {"id": "own_scale", "name": "Own", "abbreviation": "OWN"}
    imported = actions.import_instrument(
        world.other_practice, world.olga, json.dumps(data).encode(), licence_confirmed=True
    )
    with pytest.raises(actions.AssessmentError, match="not available"):
        actions.submit_assessment(
            client=world.carl_client, instrument=imported, answers=PHQ9_MODERATE
        )


def _new_phq9_version(label: str) -> InstrumentVersion:
    data = raw_instrument("phq9")
    data["bands"][2]["label"] = label
    return InstrumentVersion.objects.create(
        key="phq9",
        version=2,
        definition_text=json.dumps(data),
        content_hash=catalog.content_hash(data),
        source=InstrumentSource.SHIPPED,
        **catalog.listing_fields(data),
    )


def test_rescoring_appends_a_revision_and_leaves_the_response_alone(world: World) -> None:
    response = submit(world.carl_client, "phq9", PHQ9_MODERATE).response
    assert actions.rescore_response(response) is None  # nothing changed yet
    v2 = _new_phq9_version("Moderate depression")
    revision = actions.rescore_response(response, reason="band wording corrected")
    assert revision is not None
    assert (revision.instrument, revision.band, revision.total, revision.reason) == (
        v2,
        "Moderate depression",
        Decimal("14.00"),
        "band wording corrected",
    )
    response.refresh_from_db()
    assert (response.band, response.instrument.version) == ("Moderate", 1)
    assert actions.rescore_response(response) is None  # idempotent
    with pytest.raises(ImmutableError):
        revision.save()
    current = current_score(responses_for(world.carl_client).get())
    assert (current.band, current.version, current.revised) == ("Moderate depression", 2, True)


def test_the_rescore_command_reports_and_is_idempotent(world: World) -> None:
    submit(world.carl_client, "phq9", PHQ9_MODERATE)
    submit(world.dana_client, "phq9", PHQ9_CRITICAL)
    submit(world.dana_client, "gad7", [1] * 7)
    _new_phq9_version("Moderate depression")
    out = StringIO()
    call_command("rescore_responses", "--instrument", "phq9", stdout=out)
    assert out.getvalue().strip() == (
        "Checked 2 response(s): 2 rescored, 0 unchanged, 0 could not be rescored."
    )
    assert ScoreRevision.objects.count() == 2
    out = StringIO()
    call_command("rescore_responses", stdout=out)
    assert out.getvalue().strip() == (
        "Checked 3 response(s): 0 rescored, 3 unchanged, 0 could not be rescored."
    )
    assert ScoreRevision.objects.count() == 2


def test_rescoring_with_the_same_version_changes_nothing_when_the_scorer_agrees(
    world: World,
) -> None:
    submit(world.carl_client, "phq9", PHQ9_MODERATE)
    _new_phq9_version("Moderate depression")
    out = StringIO()
    call_command("rescore_responses", "--same-version", stdout=out)
    assert "0 rescored, 1 unchanged" in out.getvalue()


def test_the_results_page_shows_the_rescored_band(world: World, alice_client: object) -> None:
    response = submit(world.carl_client, "phq9", PHQ9_MODERATE).response
    _new_phq9_version("Moderate depression")
    actions.rescore_response(response)
    page = alice_client.get(  # type: ignore[attr-defined]
        results_url(world.carl_client, "phq9")
    ).content.decode()
    assert "Moderate depression" in page
    assert "rescored with version 2" in page
