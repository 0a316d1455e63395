"""Shared results use client-friendly band names; the therapist keeps the instrument's words."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from stepwise.assessments import actions
from stepwise.assessments.client_wording import client_band, for_client
from stepwise.assessments.definitions import with_cutoff
from stepwise.assessments.models import PracticeInstrument
from tests.assessments.support import results_url, submit
from tests.conftest import World

from .helpers import DEFINITIONS

CLINICAL_WORDS = re.compile(
    r"disorder|ptsd|depress|diagnos|probable|likely|screen|cut-?off|\baud\b|caps-5", re.I
)
SHOWN_TO_CLIENTS = sorted(k for k, d in DEFINITIONS.items() if not d.in_session_only)


def _labels(key: str, cutoff: int | None = None) -> list[str]:
    definition = for_client(with_cutoff(DEFINITIONS[key], cutoff))
    labels = [b.label for b in definition.bands or ()]
    labels += [b.label for bands in (definition.bands_by_sex or {}).values() for b in bands]
    labels += [b.label for sub in definition.scoring.subscales.values() for b in sub.bands]
    return labels


@pytest.mark.parametrize("key", SHOWN_TO_CLIENTS)
def test_no_band_a_client_reads_uses_diagnostic_words(key: str) -> None:
    for label in _labels(key):
        assert not CLINICAL_WORDS.search(label), (key, label)


@pytest.mark.parametrize("cutoff", [8, 10, 14])
def test_smfq_wording_holds_whatever_cut_off_the_practice_chose(cutoff: int) -> None:
    assert _labels("smfq_child", cutoff) == [
        "Lower range",
        "Higher range: talk it over with your therapist",
    ]


def test_k10_severe_band_reads_as_high_distress_for_the_client() -> None:
    assert client_band("k10", "Likely to have a severe mental disorder").startswith("High distress")
    assert client_band("phq9", "Moderate") == "Moderate"


def test_pss10_bands_say_they_are_a_guide() -> None:
    assert all("a common guide" in label for label in _labels("pss10"))


def test_the_client_page_shows_client_words_and_never_the_asq(
    world: World, login_as: object
) -> None:
    PracticeInstrument.objects.create(
        practice=world.practice,
        key="k10",
        enabled=True,
        licence_confirmed_by=world.ada,
        licence_confirmed_at=timezone.now(),
    )
    submit(world.carl_client, "k10", [4] * 10)  # 40: "Likely to have a severe mental disorder"
    submit(world.carl_client, "asq", [0, 0, 0, 0, None])
    actions.set_results_shared(world.carl_client, world.alice, shared=True)
    html = login_as(world.carl).get("/me/progress/").content.decode()  # type: ignore[operator]
    assert "High distress: talk it over with your therapist" in html
    assert "mental disorder" not in html
    assert "ASQ" not in html
    therapist = login_as(world.alice).get(  # type: ignore[operator]
        f"/clients/{world.carl_client.pk}/progress/"
    )
    assert "Likely to have a severe mental disorder" in therapist.content.decode()


def test_the_therapist_results_page_labels_pss10_bands_as_a_convention(
    world: World, login_as: object
) -> None:
    PracticeInstrument.objects.create(
        practice=world.practice,
        key="pss10",
        enabled=True,
        licence_confirmed_by=world.ada,
        licence_confirmed_at=timezone.now(),
    )
    submit(world.carl_client, "pss10", [2] * 10)
    alice = login_as(world.alice)  # type: ignore[operator]
    html = alice.get(results_url(world.carl_client, "pss10")).content.decode()
    assert "PSS-10 bands are a widely used convention, not the developers&#x27; norms" in html
