"""A practice chooses the SMFQ's screening cut-off (the developers give none; >= 12 by default)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.assessments import actions
from stepwise.assessments.definitions import InstrumentError, cutoff_range, with_cutoff
from stepwise.assessments.models import PracticeInstrument
from stepwise.assessments.scoring import classify_change, score
from tests.assessments.support import submit
from tests.conftest import World

from .helpers import DEFINITIONS

TEN = [2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]  # total 10


def test_smfq_and_pcl5_cut_offs_are_configurable_within_their_ranges() -> None:
    assert cutoff_range(DEFINITIONS["smfq_child"]) == (1, 26)
    assert cutoff_range(DEFINITIONS["smfq_parent"]) == (1, 26)
    assert cutoff_range(DEFINITIONS["pcl5"]) == (31, 33)
    assert cutoff_range(DEFINITIONS["phq9"]) is None


def test_a_lower_cut_off_moves_the_band_edge_and_the_caseness_for_recovery() -> None:
    default = score(DEFINITIONS["smfq_child"], TEN)
    assert default.band == "Below screening cut-off"
    at_ten = with_cutoff(DEFINITIONS["smfq_parent"], 10)
    assert str(score(at_ten, TEN).band).startswith("At or above screening cut-off (>=10)")
    assert at_ten.reliable_change is not None
    assert at_ten.reliable_change.caseness_threshold == 10
    assert classify_change(at_ten, 16, 9).verdict == "recovered"
    assert classify_change(DEFINITIONS["smfq_parent"], 16, 11).verdict == "recovered"


def test_a_cut_off_outside_the_published_range_is_refused() -> None:
    with pytest.raises(InstrumentError, match="outside 31-33"):
        with_cutoff(DEFINITIONS["pcl5"], 25)


def _smfq_on(world: World) -> None:
    PracticeInstrument.objects.create(
        practice=world.practice,
        key="smfq_child",
        enabled=True,
        licence_confirmed_by=world.ada,
        licence_confirmed_at=timezone.now(),
    )


def test_the_practice_cut_off_bands_new_responses(world: World) -> None:
    _smfq_on(world)
    assert submit(world.carl_client, "smfq_child", TEN).response.band == "Below screening cut-off"
    actions.set_instrument_cutoff(world.practice, "smfq_child", cutoff=10, by=world.ada)
    stored = submit(world.carl_client, "smfq_child", TEN).response
    assert stored.band.startswith("At or above screening cut-off (>=10)")


def test_an_admin_sets_the_cut_off_from_the_instruments_page(
    world: World, login_as: object
) -> None:
    _smfq_on(world)
    ada: HttpClient = login_as(world.ada)  # type: ignore[operator]
    page = ada.get("/practice/instruments/").content.decode()
    assert 'id="cutoff-smfq_child"' in page
    assert 'id="cutoff-phq9"' not in page
    ada.post("/practice/instruments/smfq_child/cutoff/", {"cutoff": "9"})
    setting = PracticeInstrument.objects.get(practice=world.practice, key="smfq_child")
    assert setting.cutoff == 9
    refused = ada.post("/practice/instruments/smfq_child/cutoff/", {"cutoff": "40"}, follow=True)
    assert "must be from 1 to 26" in refused.content.decode()
    setting.refresh_from_db()
    assert setting.cutoff == 9
