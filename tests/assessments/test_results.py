"""Measurement-based care: the results table, change from baseline, and the server-drawn chart."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.accounts.models import User
from stepwise.assessments import actions
from stepwise.assessments.catalog import definition_of
from stepwise.assessments.models import InstrumentVersion
from stepwise.assessments.results import _band_specs
from stepwise.audit.models import AccessLog
from stepwise.clinic.models import Client
from stepwise.lib import charts
from tests.assessments.helpers import raw_instrument
from tests.assessments.support import phq9_answers_for, results_url, shipped, submit
from tests.conftest import World

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _series(client: Client, key: str, answer_sets: Sequence[Sequence[int | None]]) -> None:
    for week, answers in enumerate(answer_sets):
        with time_machine.travel(START + timedelta(weeks=week), tick=False):
            submit(client, key, answers)


def _column(html: str, label: str) -> list[str]:
    cells = re.findall(rf'<td data-label="{re.escape(label)}"[^>]*>(.*?)</td>', html, re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def _results(browser: HttpClient, client: Client, key: str) -> str:
    response = browser.get(results_url(client, key))
    assert response.status_code == 200
    return response.content.decode()


def test_phq9_series_is_classified_against_the_baseline(
    world: World, alice_client: HttpClient
) -> None:
    # Reliable change 6 points, caseness 10 (lower is better), hand-computed:
    # 18 baseline; 15 is -3 (no reliable change); 11 is -7 (reliable improvement, still >= 10);
    # 8 is -10 and below 10 (recovered).
    _series(world.carl_client, "phq9", [phq9_answers_for(t) for t in (18, 15, 11, 8)])
    html = _results(alice_client, world.carl_client, "phq9")
    assert _column(html, "Date") == [
        "5 Jan 2026, 10:00",
        "12 Jan 2026, 10:00",
        "19 Jan 2026, 10:00",
        "26 Jan 2026, 10:00",
    ]
    assert _column(html, "Total") == ["18", "15", "11", "8"]
    assert _column(html, "Band") == ["Moderately severe", "Moderately severe", "Moderate", "Mild"]
    assert _column(html, "Change from baseline") == ["Baseline", "-3", "-7", "-10"]
    assert _column(html, "Reliable change") == [
        "—",
        "No reliable change",
        "Reliable improvement",
        "Recovered (reliable improvement, now below the clinical cut-off)",
    ]
    assert "Reliable change: 6 points or more from baseline." in html
    assert "Clinical cut-off: 10" in html


def test_a_rise_of_the_reliable_change_value_is_deterioration(
    world: World, alice_client: HttpClient
) -> None:
    _series(world.carl_client, "phq9", [phq9_answers_for(t) for t in (6, 12, 11)])
    html = _results(alice_client, world.carl_client, "phq9")
    assert _column(html, "Change from baseline") == ["Baseline", "+6", "+5"]
    assert _column(html, "Reliable change") == [
        "—",
        "Reliable deterioration",
        "No reliable change",
    ]


def test_who5_counts_a_rise_as_improvement(world: World, alice_client: HttpClient) -> None:
    # WHO-5 reports raw x 4; higher is better; reliable change 10 percentage points.
    _series(world.carl_client, "who5", [[2, 2, 2, 2, 2], [3, 3, 3, 3, 2], [1, 1, 2, 2, 1]])
    html = _results(alice_client, world.carl_client, "who5")
    assert _column(html, "Total") == ["40", "56", "28"]
    assert _column(html, "Change from baseline") == ["Baseline", "+16", "-12"]
    assert _column(html, "Reliable change") == [
        "—",
        "Reliable improvement",
        "Reliable deterioration",
    ]


def test_pcl5_marks_a_clinically_meaningful_change(world: World, alice_client: HttpClient) -> None:
    _series(world.carl_client, "pcl5", [[2] * 20, [2] * 14 + [0] * 6])
    html = _results(alice_client, world.carl_client, "pcl5")
    assert _column(html, "Total") == ["40", "28"]
    # 12 points: past the minimal important difference (10), short of reliable change (15).
    assert _column(html, "Reliable change")[1] == "No reliable change; clinically meaningful"
    subscales = _column(html, "Subscales")
    assert subscales[0].startswith("B intrusion: 10 C avoidance: 4")


def test_without_a_published_value_change_is_shown_without_a_verdict(
    world: World, alice_client: HttpClient
) -> None:
    _series(world.carl_client, "swls", [[2, 2, 2, 2, 2], [5, 5, 5, 5, 5]])
    html = _results(alice_client, world.carl_client, "swls")
    assert _column(html, "Change from baseline") == ["Baseline", "+15"]
    assert _column(html, "Reliable change") == ["—", "Not available (no published value)"]
    assert "has no published reliable-change value" in html


def test_the_chart_draws_labelled_bands_behind_labelled_points(
    world: World, alice_client: HttpClient
) -> None:
    _series(world.carl_client, "phq9", [phq9_answers_for(t) for t in (18, 15, 11, 8)])
    html = _results(alice_client, world.carl_client, "phq9")
    svg = re.search(r"<svg viewBox[^>]*>.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    label = re.search(r'aria-label="([^"]+)"', svg.group(0))
    assert label is not None
    assert label.group(1) == (
        "PHQ-9 total score: 4 results from 5 Jan 2026 to 26 Jan 2026. Baseline 18, latest 8 "
        "(-10: recovered (reliable improvement, now below the clinical cut-off)). Shaded, "
        "labelled bands show the score ranges. The table lists every result."
    )
    band_labels = re.findall(r'class="band-label">([^<]+)<', svg.group(0))
    assert band_labels == ["None-minimal", "Mild", "Moderate", "Moderately severe", "Severe"]
    points = re.findall(r'class="point-label">([^<]+)<', svg.group(0))
    assert points == ["18", "15", "11", "8"]
    assert "<polyline" in svg.group(0)
    # The legend repeats each band with its range, in text.
    assert "Moderately severe (15\N{EN DASH}19)" in html
    assert " style=" not in html  # the CSP forbids inline style attributes


def test_audit_c_draws_the_bands_for_the_sex_given_last(
    world: World, alice_client: HttpClient
) -> None:
    with time_machine.travel(START, tick=False):
        submit(world.carl_client, "auditc", [1, 1, 1], sex="female")
    with time_machine.travel(START + timedelta(weeks=2), tick=False):
        submit(world.carl_client, "auditc", [1, 1, 1], sex="male")
    html = _results(alice_client, world.carl_client, "auditc")
    assert _column(html, "Band") == [
        "Positive screen (hazardous drinking or active AUD likely)",
        "Negative screen",
    ]
    assert "Negative screen (0\N{EN DASH}3)" in html


def test_dass21_without_a_total_charts_each_subscale(
    world: World, alice_client: HttpClient
) -> None:
    _series(world.carl_client, "dass21", [[1] * 21, [0] * 21])
    html = _results(alice_client, world.carl_client, "dass21")
    assert html.count('role="img"') == 3
    assert "DASS-21 depression score" in html
    assert "Total" not in _column(html, "Total")
    assert _column(html, "Subscales")[0] == (
        "Depression: 14 (Moderate) Anxiety: 14 (Moderate) Stress: 14 (Normal)"
    )


def test_the_results_page_takes_as_many_queries_for_30_results_as_for_3(
    world: World, alice_client: HttpClient
) -> None:
    alice_client.get("/home/")  # the session's first page reads and keeps the roles

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _results(alice_client, world.carl_client, "phq9")
        return len(captured)

    _series(world.carl_client, "phq9", [phq9_answers_for(t) for t in (20, 15, 10)])
    few = queries()
    _series(world.carl_client, "phq9", [phq9_answers_for(t % 24) for t in range(27)])
    assert queries() == few


def test_the_overview_takes_as_many_queries_for_many_instruments_as_for_one(
    world: World, alice_client: HttpClient
) -> None:
    alice_client.get("/home/")  # the session's first page reads and keeps the roles

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(f"/clients/{world.carl_client.pk}/assessments/")
            assert response.status_code == 200
        return len(captured)

    submit(world.carl_client, "phq9", phq9_answers_for(12))
    few = queries()
    for _ in range(5):
        submit(world.carl_client, "gad7", [1] * 7)
        submit(world.carl_client, "who5", [3] * 5)
        submit(world.carl_client, "pcl5", [1] * 20)
    assert queries() == few
    html = alice_client.get(f"/clients/{world.carl_client.pk}/assessments/").content.decode()
    assert '5 results<span class="visually-hidden"> of the GAD-7' in html


def test_an_unknown_instrument_has_no_results_page(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    data = raw_instrument("gad7") | {"id": "elsewhere_scale", "abbreviation": "ES-7"}
    theirs = actions.import_instrument(
        world.other_practice, world.olga, json.dumps(data).encode(), licence_confirmed=True
    )
    unknown = (InstrumentVersion.objects.order_by("-pk").values_list("pk", flat=True)[0]) + 1
    alice = login_as(world.alice)
    for instrument_id in (unknown, theirs.pk):
        response = alice.get(f"/clients/{world.carl_client.pk}/assessments/{instrument_id}/")
        assert response.status_code == 404
    # The client is in scope, the instrument id is not (unknown, or another practice's own):
    # each try is recorded as a denial on that client's record (issue 8: every id out of scope).
    tries = AccessLog.objects.filter(outcome="denied", actor=world.alice)
    assert (
        list(tries.values_list("client_id", "action"))
        == [(world.carl_client.pk, "assessment.results")] * 2
    )

    # A client outside the care team: 404 whatever the instrument, and the denial is recorded.
    olga = login_as(world.olga)
    assert olga.get(results_url(world.carl_client, "phq9")).status_code == 404
    denied = AccessLog.objects.get(outcome="denied", actor=world.olga)
    assert (denied.actor, denied.client_id, denied.action) == (
        world.olga,
        world.carl_client.pk,
        "assessment.results",
    )


def test_no_assessment_url_names_the_instrument(world: World, alice_client: HttpClient) -> None:
    # The key (phq9) says what is being screened for: it stays out of addresses and logs.
    for key in ("phq9", "gad7", "dass21"):
        submit(world.carl_client, key, [1] * len(definition_of(shipped(key)).items))
    pages = [f"/clients/{world.carl_client.pk}/assessments/", f"/clients/{world.carl_client.pk}/"]
    hrefs: list[str] = []
    for page in pages:
        html = alice_client.get(page).content.decode()
        hrefs += re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html)
    results_links = {h for h in hrefs if re.fullmatch(r"/clients/\d+/assessments/\d+/", h)}
    assert len(results_links) == 3  # one per instrument answered, on both pages
    for href in results_links:
        assert alice_client.get(href).status_code == 200
    keys = InstrumentVersion.objects.values_list("key", flat=True).distinct()
    assert [h for h in hrefs if any(key in h for key in keys)] == []
    paths = AccessLog.objects.filter(action="assessment.results").values_list("path", flat=True)
    assert len(paths) == 3
    assert [p for p in paths if any(key in p for key in keys)] == []


def test_results_stay_visible_after_the_instrument_is_switched_off(
    world: World, alice_client: HttpClient
) -> None:
    submit(world.carl_client, "phq9", phq9_answers_for(12))
    actions.set_instrument_enabled(world.practice, "phq9", enabled=False, by=world.ada)
    html = _results(alice_client, world.carl_client, "phq9")
    assert "Switched off for new assessments" in html
    assert _column(html, "Total") == ["12"]


def test_an_empty_results_page_says_so(world: World, alice_client: HttpClient) -> None:
    html = _results(alice_client, world.carl_client, "gad7")
    assert "Carl has not answered the GAD-7 yet." in html


@pytest.mark.parametrize("key", ["phq9", "who5", "brs", "swls", "auditc", "gad2", "psc17"])
def test_band_regions_fill_the_plot_without_gaps_or_overlaps(key: str, db: None) -> None:
    definition = definition_of(shipped(key))
    bands = definition.bands or definition.bands_by_sex["female"]  # type: ignore[index]
    low, high = definition.scoring.min, definition.scoring.max
    assert low is not None
    assert high is not None
    regions = charts.band_regions(_band_specs(bands), float(low), float(high))
    assert len(regions) == len(bands)
    edges = sorted((r.y, r.y + r.height) for r in regions)
    assert edges[0][0] == charts.SCORE_FRAME.top
    assert abs(edges[-1][1] - charts.SCORE_FRAME.bottom) < 0.2
    for (_, lower_edge), (upper_top, _) in itertools.pairwise(edges):
        assert abs(lower_edge - upper_top) < 0.2
    patterns = [r.pattern for r in regions]
    assert all(a != b for a, b in itertools.pairwise(patterns))


def test_one_result_is_drawn_as_a_single_point_without_a_line(db: None) -> None:
    definition = definition_of(shipped("gad7"))
    chart = charts.banded_line_chart(
        chart_id="c",
        title="GAD-7",
        values=[(START, 9.0)],
        low=0,
        high=21,
        bands=_band_specs(definition.bands or ()),
        summary="one",
    )
    assert len(chart.points) == 1
    assert chart.points[0].x == (charts.SCORE_FRAME.left + charts.SCORE_FRAME.right) / 2
    assert chart.points[0].value_label == "9"
