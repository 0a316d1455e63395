"""Every reader of questionnaire scores takes the newest score revision the same way: the results
page, the dashboard's histories, the CSV export and the FHIR export agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stepwise.assessments.models import AssessmentResponse, ScoreRevision
from stepwise.assessments.results import current_score, responses_for
from stepwise.progress import exports, fhir, queries
from tests.conftest import World
from tests.progress import history as h

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def revised(world: World, frozen: Any) -> World:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=30), 18)
    middle = h.answer_phq9(world.carl_client, NOW - timedelta(days=15), 14)
    latest = h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 9)
    for response, totals in ((middle, (13, 12)), (latest, (7,))):
        for total in totals:  # the newest revision is the current score
            ScoreRevision.objects.create(
                response=response,
                instrument=response.instrument,
                total=total,
                band="Revised",
                reason="rescored",
            )
    return world


EXPECTED = [18.0, 12.0, 7.0]


def test_the_results_page_the_dashboard_and_both_exports_agree_on_revised_scores(
    revised: World,
) -> None:
    client = revised.carl_client

    on_results_page = [float(current_score(r).total or 0) for r in responses_for(client)]

    (history,) = queries.score_histories([client.pk])[client.pk]
    on_dashboard = [
        point.total for point in (history.baseline, history.previous, history.latest) if point
    ]

    score_column = exports.CLIENT_CSV_HEADERS.index("score")
    in_csv = [
        float(str(row[score_column]))
        for row in exports.client_csv_rows(client)
        if row[0] == "questionnaire"
    ]

    bundle = fhir.build_bundle(client, now=NOW)
    in_fhir = [
        float(entry["resource"]["valueQuantity"]["value"])
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
        and entry["resource"]["category"][0]["coding"][0]["code"] == "survey"
    ]

    assert on_results_page == on_dashboard == in_csv == in_fhir == EXPECTED


def test_responses_with_revisions_read_in_two_queries(
    revised: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        scores = [
            current_score(r).total
            for r in AssessmentResponse.objects.filter(client=revised.carl_client)
            .with_revisions()
            .order_by("submitted_at")
        ]
    assert [float(s or 0) for s in scores] == EXPECTED
