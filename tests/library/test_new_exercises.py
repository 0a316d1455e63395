"""The exercises issue 18 asked for are shipped, and their metrics come out of a real answer."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from pydantic import ValidationError

from stepwise.library.loader import shipped_definitions
from stepwise.library.readability import client_texts
from stepwise.library.responses import ResponseErrors, extract_metrics, validate_response
from stepwise.library.schema import ContentStep, ExerciseDefinition
from tests.library.helpers import ensure_shipped_library

LIBRARY = {d.slug: d for d in shipped_definitions()}
NEW_SLUGS = [
    "brave-practice-record",
    "easing-family-accommodation",
    "sleep-diary",
    "sleep-diary-teen",
    "dbt-diary-card",
    "chain-analysis",
    "crisis-survival-skills",
    "values-and-committed-action",
    "defusion-practice",
    "behaviour-abc-log",
    "time-out-practice-log",
    "youth-safety-plan",
    "staying-well-plan",
]


def metrics_of(slug: str, answers: dict[str, object]) -> dict[str, float]:
    definition = LIBRARY[slug]
    return extract_metrics(definition, validate_response(definition, answers))


def client_text(definition: ExerciseDefinition) -> str:
    bodies = [s.body for s in definition.steps if isinstance(s, ContentStep)]
    return "\n".join([definition.why_this_helps, *bodies])


@pytest.mark.parametrize("slug", NEW_SLUGS)
def test_the_new_exercise_is_shipped_with_tags_and_metrics(slug: str) -> None:
    definition = LIBRARY[slug]

    assert definition.tags
    assert definition.metrics


@pytest.mark.django_db
def test_the_library_command_lists_every_new_exercise_with_its_tags() -> None:
    ensure_shipped_library()
    out = StringIO()

    call_command("library", "--json", stdout=out)

    rows = {row["slug"]: row for row in json.loads(out.getvalue()) if row["kind"] == "exercise"}
    for slug in NEW_SLUGS:
        assert rows[slug]["tags"] == LIBRARY[slug].tags, slug
        assert rows[slug]["category"] == LIBRARY[slug].category.value


def test_tags_are_lower_case_words_and_are_not_repeated() -> None:
    document = LIBRARY["brave-practice-record"].model_dump(mode="json")

    for tags, problem in ((["Sleep"], "String should match"), (["sleep", "sleep"], "listed twice")):
        with pytest.raises(ValidationError, match=problem):
            ExerciseDefinition.model_validate({**document, "tags": tags})
    assert ExerciseDefinition.model_validate({**document, "tags": []}).tags == []


def test_an_untagged_exercise_dumps_as_before_so_no_new_version_is_made() -> None:
    untagged = LIBRARY["worry-time"]

    assert untagged.tags == []
    assert "tags" not in untagged.model_dump(mode="json")
    assert "tags" in LIBRARY["sleep-diary"].model_dump(mode="json")


def test_a_brave_practice_records_the_fear_thermometer_reward_and_coaching() -> None:
    metrics = metrics_of(
        "brave-practice-record",
        {
            "step": "Asked the shop assistant where the toilets are",
            "worry": "She will laugh at me",
            "fear_before": 7,
            "practice_timer": 150,
            "fear_peak": 8,
            "fear_after": 3,
            "learned": "She just told me",
            "reward": ["given"],
            "coaching": ["no_force", "no_rescue", "praised"],
        },
    )

    assert metrics == {
        "fear_before": 7.0,
        "fear_peak": 8.0,
        "fear_after": 3.0,
        "minutes": 2.5,
        "reward_given": 1.0,
        "coaching_rules": 3.0,
    }


def test_a_brave_practice_without_a_reward_counts_zero_and_coaches_the_carer_rules() -> None:
    metrics = metrics_of(
        "brave-practice-record",
        {"step": "Bed alone", "fear_before": 5, "fear_peak": 9, "fear_after": 9, "learned": "Hard"},
    )

    assert metrics["reward_given"] == 0.0
    assert metrics["coaching_rules"] == 0.0
    text = client_text(LIBRARY["brave-practice-record"])
    for rule in ("Do not force", "Do not rescue", "Repeat each step"):
        assert rule in text


def test_the_accommodation_plan_counts_targets_and_averages_the_daily_log() -> None:
    metrics = metrics_of(
        "easing-family-accommodation",
        {
            "accommodations": [
                {
                    "what": "Answer 'will you pick me up?' ten times",
                    "how_often": "daily",
                    "hard_to_stop": 8,
                },
                {"what": "Order food for her", "how_often": "weekly", "hard_to_stop": 4},
            ],
            "target": "Repeated reassurance",
            "instead": "Answer once, then say my calm words",
            "statement": "I know this is hard. I know you can handle it.",
            "log": [
                {"day": "Mon", "what_happened": "Asked 6 times", "kept_plan": 5, "child_upset": 8},
                {"day": "Tue", "what_happened": "Asked twice", "kept_plan": 9, "child_upset": 4},
            ],
        },
    )

    assert metrics == {
        "accommodations": 2.0,
        "hard_to_stop": 6.0,
        "days_logged": 2.0,
        "kept_plan": 7.0,
        "child_upset": 6.0,
    }


def test_the_accommodation_plan_pairs_acceptance_with_confidence_and_guards_safety() -> None:
    text = client_text(LIBRARY["easing-family-accommodation"])

    assert "You see that they are scared" in text
    assert "You believe they can cope" in text
    assert "Never use threats or punishment" in text
    assert "emergency number" in text


@pytest.mark.parametrize("slug", ["sleep-diary", "sleep-diary-teen"])
def test_a_sleep_diary_night_gives_time_in_bed_sleep_time_and_wake_ups(slug: str) -> None:
    night = {
        "bed_time": "10:45 pm",
        "try_time": "11 pm",
        "minutes_to_sleep": "40",
        "wake_ups": "3",
        "minutes_awake": "55",
        "wake_time": "6:10 am",
        "up_time": "6:30 am",
        "hours_in_bed": "7.75",
        "hours_asleep": "5.5",
    }

    metrics = metrics_of(
        slug, {"night": [night], "quality": 4, "plan_kept": ["same_time", "got_up"]}
    )

    assert metrics == {
        "time_in_bed": 7.75,
        "sleep_time": 5.5,
        "sleep_efficiency": 70.9677,  # 5.5 / 7.75 x 100
        "minutes_to_sleep": 40.0,
        "wake_ups": 3.0,
        "minutes_awake": 55.0,
        "quality": 4.0,
        "plan_kept": 2.0,
    }


@pytest.mark.parametrize("slug", ["sleep-diary", "sleep-diary-teen"])
def test_a_sleep_diary_leaves_out_efficiency_when_sleep_exceeds_time_in_bed(slug: str) -> None:
    night = {
        "bed_time": "11 pm",
        "try_time": "11 pm",
        "minutes_to_sleep": "10",
        "wake_ups": "0",
        "minutes_awake": "0",
        "wake_time": "7 am",
        "up_time": "7 am",
        "hours_in_bed": "7",
        "hours_asleep": "8",
    }

    metrics = metrics_of(slug, {"night": [night], "quality": 7, "plan_kept": []})

    assert "sleep_efficiency" not in metrics
    assert metrics["sleep_time"] == 8.0


def test_committed_action_is_filed_as_behavioural_change() -> None:
    assert LIBRARY["values-and-committed-action"].category.value == "behavioural"


@pytest.mark.parametrize("slug", ["sleep-diary", "sleep-diary-teen"])
def test_sleep_diaries_are_filed_as_behavioural_with_an_efficiency_metric(slug: str) -> None:
    diary = LIBRARY[slug]

    assert diary.category.value == "behavioural"
    efficiency = next(m for m in diary.metrics if m.name == "sleep_efficiency")
    assert (efficiency.field, efficiency.percent_of, efficiency.unit) == (
        "hours_asleep",
        "time_in_bed",
        "%",
    )


def test_a_sleep_diary_records_one_night_and_refuses_hours_beyond_a_day() -> None:
    diary = LIBRARY["sleep-diary"]
    night = {
        "bed_time": "11 pm",
        "try_time": "11 pm",
        "minutes_to_sleep": 10,
        "wake_ups": 0,
        "minutes_awake": 0,
        "wake_time": "7 am",
        "up_time": "7 am",
        "hours_in_bed": 25,
        "hours_asleep": 7,
    }

    with pytest.raises(ResponseErrors):
        validate_response(diary, {"night": [night], "quality": 7})
    with pytest.raises(ResponseErrors):
        validate_response(diary, {"night": [{**night, "hours_in_bed": 8}] * 2, "quality": 7})


def test_the_sleep_plans_give_the_stimulus_control_rules_and_cautions() -> None:
    adult = client_text(LIBRARY["sleep-diary"])
    teen = client_text(LIBRARY["sleep-diary-teen"])

    for text in (adult, teen):
        assert "same time every day" in text
        assert "about 20 minutes" in text
        assert "snore loudly" in text
        assert "Do not cut" in text
    assert "bipolar disorder or seizures" in adult
    assert "Do not drive or use tools or machines if you feel sleepy" in adult
    assert "phone" in teen
    assert "sex" not in teen


def test_a_diary_card_charts_each_urge_the_strongest_feeling_and_skills_used() -> None:
    metrics = metrics_of(
        "dbt-diary-card",
        {
            "urge_self_harm": 3,
            "urge_suicide": 1,
            "urge_use": 0,
            "other_urges": [{"urge": "Bingeing", "strength": 4}],
            "emotions": [
                {"emotion": "ashamed", "intensity": 4},
                {"emotion": "sad", "intensity": 2},
            ],
            "acted": [],
            "skills": ["breathe", "cool", "distract"],
        },
    )

    assert metrics == {
        "urge_self_harm": 3.0,
        "urge_suicide": 1.0,
        "urge_use": 0.0,
        "strongest_emotion": 4.0,
        "target_behaviours": 0.0,
        "skills_used": 3.0,
    }
    assert "crisis plan" in client_text(LIBRARY["dbt-diary-card"])


def test_a_chain_analysis_counts_links_and_places_to_break_the_chain() -> None:
    metrics = metrics_of(
        "chain-analysis",
        {
            "behaviour": "Shouted at my sister and slammed the door",
            "vulnerable": "Four hours of sleep",
            "trigger": "She borrowed my charger",
            "links": [
                {"link": "She never respects me", "kind": "thought"},
                {"link": "Hot face", "kind": "body"},
                {"link": "Anger", "kind": "feeling"},
            ],
            "peak_feelings": [{"emotion": "angry", "intensity": 90}],
            "right_after": "Felt powerful",
            "later": "Guilt, she cried",
            "breaks": [{"at_link": "Hot face", "instead": "Cold water, leave the room"}],
            "prevent": "Sleep by midnight",
            "understanding": 8,
        },
    )

    assert metrics == {
        "links": 3.0,
        "break_points": 1.0,
        "peak_feeling": 90.0,
        "understanding": 8.0,
    }


def test_crisis_survival_skills_chart_the_drop_and_give_the_medical_cautions() -> None:
    metrics = metrics_of(
        "crisis-survival-skills",
        {"distress_before": 9, "breathing": 12, "used": ["cool", "breathe"], "distress_after": 5},
    )

    assert metrics == {
        "distress_before": 9.0,
        "distress_after": 5.0,
        "skills_used": 2.0,
        "breathing_minutes": 2.0,
    }
    skills = LIBRARY["crisis-survival-skills"]
    text = client_text(skills)
    assert "Check with your doctor first" in text
    assert "heart problem" in text
    assert "eating disorder" in text
    assert "If you feel dizzy, stop" in text
    assert "anorexia or bulimia" in skills.therapist_notes
    assert "emergency number" in text


def test_values_work_averages_importance_and_living_and_counts_steps() -> None:
    metrics = metrics_of(
        "values-and-committed-action",
        {
            "areas": [
                {
                    "area": "family",
                    "value": "Being there for my kids",
                    "importance": 10,
                    "living": 4,
                },
                {"area": "health", "value": "Caring for my body", "importance": 7, "living": 2},
            ],
            "chosen": "Being there for my kids",
            "steps": [
                {"step": "Read to Sam", "when": "Tuesday bedtime"},
                {"step": "Park with both", "when": "Saturday morning"},
            ],
            "barriers": "Too tired; I will do five minutes anyway",
            "willing": 7,
        },
    )

    assert metrics == {
        "importance": 8.5,
        "valued_living": 3.0,
        "steps_planned": 2.0,
        "willingness": 7.0,
    }


def test_defusion_practice_rates_the_same_thought_before_and_after() -> None:
    metrics = metrics_of(
        "defusion-practice",
        {
            "thought": "I'm useless",
            "belief_before": 80,
            "upset_before": 8,
            "word_timer": 30,
            "tried": ["tag", "word"],
            "belief_after": 55,
            "upset_after": 5,
        },
    )

    assert metrics == {
        "belief_before": 80.0,
        "belief_after": 55.0,
        "upset_before": 8.0,
        "upset_after": 5.0,
        "ways_tried": 2.0,
    }
    assert "not for thoughts about hurting yourself" in client_text(LIBRARY["defusion-practice"])


def test_a_behaviour_log_counts_episodes_and_sums_their_minutes() -> None:
    def episode(minutes: int, intensity: int, outcome: str) -> dict[str, object]:
        return {
            "when": "Mon 5pm",
            "before": "Asked to turn off the tablet",
            "behaviour": "Threw the tablet and screamed",
            "minutes": minutes,
            "intensity": intensity,
            "after": "I gave him five more minutes",
            "outcome": outcome,
        }

    metrics = metrics_of(
        "behaviour-abc-log",
        {
            "target": "Throws things",
            "episodes": [episode(10, 8, "item"), episode(4, 5, "attention"), episode(1, 2, "item")],
        },
    )

    assert metrics == {"episodes": 3.0, "intensity": 5.0, "minutes": 15.0}


def test_a_time_out_log_averages_length_and_calm_and_repeats_the_safety_rules() -> None:
    def time_out(minutes: int, calm: int) -> dict[str, object]:
        return {
            "when": "Tue 8am",
            "what_for": "Hit his sister",
            "warning": "yes",
            "minutes": minutes,
            "stayed": "stayed",
            "then": "not_asked",
            "my_calm": calm,
        }

    metrics = metrics_of(
        "time-out-practice-log",
        {"time_outs": [time_out(4, 6), time_out(3, 9)], "praise_days": 5},
    )

    assert metrics == {"time_outs": 2.0, "minutes": 3.5, "parent_calm": 7.5, "praise_days": 5.0}
    text = client_text(LIBRARY["time-out-practice-log"])
    assert "2 to 8 years" in text
    assert "one calm warning" in text
    assert "Never hold your child down or lock them in" in text
    assert "Time-out starts when you sit" in text


def test_a_youth_safety_plan_counts_its_sections_and_the_home_safety_steps_done() -> None:
    metrics = metrics_of(
        "youth-safety-plan",
        {
            "warning_signs": [{"item": "Staying in my room"}, {"item": "No one cares"}],
            "coping_steps": [{"item": "Drawing"}],
            "trusted_people": [{"name": "Mum", "contact": "In the house"}],
            "crisis_lines": [{"name": "Local crisis line", "contact": "From the therapist"}],
            "carer_helps": "Stay close and listen",
            "home_steps": ["medicines", "doses", "sharps"],
            "reasons": "My dog, my little brother",
        },
    )

    assert metrics == {
        "warning_signs": 2.0,
        "coping_steps": 1.0,
        "trusted_people": 1.0,
        "crisis_lines": 1.0,
        "home_safety_steps": 3.0,
    }


def test_the_youth_safety_plan_makes_home_safer_and_hard_codes_no_phone_number() -> None:
    plan = LIBRARY["youth-safety-plan"]
    everything_the_family_reads = " ".join(client_texts(plan.model_dump(mode="json")))
    text = client_text(plan)

    assert "Lock up all medicines" in text
    assert "gun" in text
    assert "emergency number" in text
    assert not re.search(r"\d{3}", everything_the_family_reads), "a phone number in the plan"
    assert "crisis message" in plan.therapist_notes
    assert plan.crisis_plan  # one tap away on the young person's home page, like the adult plan


def test_a_staying_well_plan_counts_signs_habits_and_steps() -> None:
    metrics = metrics_of(
        "staying-well-plan",
        {
            "what_helped": [{"item": "One good thing a day"}],
            "early_signs": [
                {"sign": "Skipping meals", "who_notices": "me"},
                {"sign": "Not answering texts", "who_notices": "others"},
            ],
            "keep_doing": [{"habit": "Walk", "how_often": "Daily"}],
            "action_steps": [{"item": "Restart the activity plan"}, {"item": "Call Jo"}],
            "get_help": "Two weeks of low mood",
            "review": "First of the month",
            "confidence": 7,
        },
    )

    assert metrics == {
        "early_signs": 2.0,
        "keep_doing": 1.0,
        "action_steps": 2.0,
        "confidence": 7.0,
    }
    assert "Do not stop any medicine" in client_text(LIBRARY["staying-well-plan"])
