"""The demo practice a newcomer clicks through. The logins here are the README's, nowhere else.

`load_demo()` builds Riverside Family Therapy (demo) with twelve weeks of history ending today:
eight clients, two therapists sharing one of them, two parents. The same rows every run (the
randomness is seeded; dates are counted back from each client's today), through the same code as
the application's own writes:

- people, assignments, settings, shared results, the cut-off change and its rescoring, and what
  happens today go through the actions themselves;
- the history goes through the actions that take a moment (`submit_exercise(submitted_at=...)`,
  `create_for_occurrences(now=...)`, `create_for_feedback(now=...)`); the rows whose actions
  stamp "now" (completions, questionnaire responses, feedback, acknowledged alerts, what the
  reminder worker did) are built as those actions build them, with the past moment, answers
  validated and scored by the same pure functions, and written in bulk.
"""

from __future__ import annotations

import random
import time as time_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import Client, Practice, Role

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - published demo login, documented in README
# The demo therapists' authenticator secret, published in the README (demo data only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_DOMAIN = "demo.stepwise.test"
HISTORY_DAYS = 84  # twelve weeks of history before today


def current_demo_code() -> str:
    """What an authenticator app holding the demo secret shows right now."""
    counter = int(time_module.time()) // 30
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


DEMO_LOGINS = [
    DemoLogin("therapist, practice admin", f"alex.morgan@{DEMO_DOMAIN}"),
    DemoLogin("therapist", f"sam.okafor@{DEMO_DOMAIN}"),
    DemoLogin("client", f"jordan@{DEMO_DOMAIN}"),
    DemoLogin("parent of Mia (a minor client)", f"chris@{DEMO_DOMAIN}"),
    DemoLogin("parent of Oliver (a minor client)", f"dana@{DEMO_DOMAIN}"),
]


def database_is_empty() -> bool:
    return not User.objects.exists() and not Practice.objects.exists()


# --- answers ------------------------------------------------------------------------------------


def _toward(start: float, end: float, progress: float) -> float:
    return start + (end - start) * progress


def _rated(
    start: float, end: float, p: float, rng: random.Random, spread: float = 1.0, top: int = 10
) -> int:
    """A rating moving from `start` to `end` over the history, with a little day-to-day noise."""
    return max(0, min(top, round(_toward(start, end, p) + rng.uniform(-spread, spread))))


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[rng.randrange(len(options))]


Answers = Callable[[float, random.Random], dict[str, Any]]


def _mood_check_in(mood: tuple[float, float], flat: bool = False) -> Answers:
    went_well = (
        "Went for a walk at lunch",
        "Called my sister",
        "Cooked a proper dinner",
        "Got to work on time",
        "Sat in the park for a bit",
        "Finished a chapter of my book",
    )

    def answers(p: float, rng: random.Random) -> dict[str, Any]:
        level = _rated(*mood, p, rng, spread=1.0)
        low = 70 - round(40 * p) if not flat else 65
        feelings = [{"emotion": "sad", "intensity": max(10, low + rng.randint(-10, 10))}]
        if level >= 6:
            feelings = [{"emotion": "hopeful", "intensity": 40 + rng.randint(0, 30)}]
        return {
            "mood": max(1, level),
            "energy": _rated(mood[0], mood[1] - 1, p, rng, spread=1.5),
            "sleep": _rated(mood[0] + 1, mood[1], p, rng, spread=1.5),
            "feelings": feelings,
            "went_well": _pick(rng, went_well) if rng.random() < 0.7 else "",
            "notes": "",
        }

    return answers


def _activity_schedule(pleasure: tuple[float, float], done_share: tuple[float, float]) -> Answers:
    plans = (
        ("Saturday morning", "Swim at the leisure centre"),
        ("Tuesday evening", "Cook with a new recipe"),
        ("Wednesday lunch", "Walk round the lake"),
        ("Thursday evening", "Film with Sam from work"),
        ("Sunday afternoon", "Sort out the spare room"),
        ("Friday after work", "Guitar practice, 20 minutes"),
    )

    def answers(p: float, rng: random.Random) -> dict[str, Any]:
        rows = []
        for when, activity in rng.sample(plans, 3):
            done = "yes" if rng.random() < _toward(*done_share, p) else rng.choice(["partly", "no"])
            row: dict[str, Any] = {"when": when, "activity": activity, "done": done}
            if done != "no":
                row |= {
                    "pleasure": _rated(*pleasure, p, rng),
                    "mastery": _rated(pleasure[0] + 1, pleasure[1], p, rng),
                    "mood_after": _rated(*pleasure, p, rng),
                }
            rows.append(row)
        return {
            "activities": rows,
            "mood": _rated(pleasure[0] - 1, pleasure[1] - 1, p, rng),
            "noticed": "Mood lifts once I get going" if p > 0.5 else "Hard to start",
        }

    return answers


def _worry_time(p: float, rng: random.Random) -> dict[str, Any]:
    worries = (
        "Mum's hospital appointment",
        "The deadline at work",
        "Money for the school trip",
        "Whether I upset Anjali",
        "The car making that noise",
    )
    count = max(1, round(_toward(4, 1, p)) + rng.randint(0, 1))
    return {
        "worry_slot": "6.30pm, at the kitchen table",
        "postponed": [
            {
                "worry": w,
                "still_matters": _pick(rng, ("yes", "a_bit", "no") if p > 0.3 else ("yes",)),
            }
            for w in rng.sample(worries, count)
        ],
        "worry_timer": min(900, int(_toward(900, 540, p) + rng.randint(-60, 60))),
        "big_worry": "That I will lose my job if this project slips",
        "likelihood_before": _rated(80, 40, p, rng, spread=6, top=100),
        "worst": "I am let go and cannot pay the rent",
        "best": "The project lands early and I get praised",
        "most_likely": "It slips a week and we adjust the plan",
        "cope": "Talk to my manager early; I have coped with changes before",
        "likelihood_after": _rated(50, 15, p, rng, spread=6, top=100),
    }


def _interoceptive(p: float, rng: random.Random) -> dict[str, Any]:
    drills = rng.sample(["spin", "straw", "run", "head_shake", "fast_breathing"], 3)
    return {
        "spin_timer": 30,
        "straw_timer": 60,
        "run_timer": 60,
        "ratings": [
            {
                "drill": drill,
                "sensation": _rated(8, 5, p, rng),
                "anxiety": _rated(8, 2, p, rng),
                "similarity": _rated(7, 5, p, rng),
            }
            for drill in drills
        ],
        "learned": "The dizziness passes on its own" if p > 0.4 else "",
    }


def _situational_exposure(p: float, rng: random.Random) -> dict[str, Any]:
    steps = (
        "Bus into town, two stops",
        "Supermarket at a busy time",
        "The lift at work to the 5th floor",
        "Bus into town, all the way",
        "Queue at the post office",
    )
    before = _rated(70, 30, p, rng, spread=5, top=100)
    peak = max(before, _rated(90, 45, p, rng, spread=5, top=100))
    return {
        "step": steps[min(len(steps) - 1, int(p * len(steps)))],
        "prediction": "I will have a panic attack and have to get off",
        "belief_before": _rated(80, 35, p, rng, spread=5, top=100),
        "drop": "Holding my water bottle the whole time",
        "suds_before": before,
        "practice_timer": int(_toward(15, 35, p) * 60),
        "suds_peak": peak,
        "suds_after": min(peak, _rated(50, 15, p, rng, spread=5, top=100)),
        "what_happened": "Heart raced at first, then it settled after ten minutes",
        "prediction_result": "no" if p > 0.3 else "partly",
        "belief_after": _rated(45, 10, p, rng, spread=5, top=100),
        "learned": "The feeling peaks and comes down if I stay",
    }


def _brave_ladder(p: float, rng: random.Random) -> dict[str, Any]:
    ladder = [
        ("Say hello to the lollipop lady", 3, "Sticker"),
        ("Order my own drink at the cafe", 5, "Choose the film"),
        ("Stay at Ava's party for 30 minutes without Dad", 7, "Trip to the park"),
        ("Sleep over at Grandma's", 9, "New book"),
    ]
    reached = min(3, int(p * 4))
    return {
        "worry": "Something bad will happen when Dad is not there",
        "steps": [{"step": s, "scary": max(0, n - reached), "reward": r} for s, n, r in ladder],
        "first_step": ladder[reached][0],
        "helper": "Dad",
        "practice": [
            {
                "step": ladder[reached][0],
                "before": _rated(7, 3, p, rng),
                "peak": _rated(8, 4, p, rng),
                "after": _rated(5, 1, p, rng),
                "reward": "yes",
            }
        ],
    }


def _brave_practice(p: float, rng: random.Random) -> dict[str, Any]:
    before = _rated(7, 3, p, rng)
    peak = max(before, _rated(8, 4, p, rng))
    return {
        "step": _pick(rng, ("Order a drink at the cafe", "Ask a shop assistant for help"))
        if p > 0.4
        else "Say hello to the lollipop lady",
        "worry": "They will laugh at me",
        "fear_before": before,
        "practice_timer": rng.randint(3, 12) * 60,
        "fear_peak": peak,
        "fear_after": min(peak, _rated(5, 1, p, rng)),
        "learned": "Nobody laughed. It got easier after the first time.",
        "reward": ["given"],
        "coaching": ["no_force", "no_rescue", "praised", "repeat"][: 2 + round(2 * p)],
        "carer_notes": "",
    }


def _accommodation(p: float, rng: random.Random) -> dict[str, Any]:
    return {
        "accommodations": [
            {
                "what": "I answer 'are you sure?' questions again and again",
                "how_often": "daily",
                "hard_to_stop": _rated(8, 4, p, rng),
            },
            {
                "what": "I stay in her room until she falls asleep",
                "how_often": "daily",
                "hard_to_stop": _rated(9, 5, p, rng),
            },
        ],
        "target": "Answer a reassurance question once, then use our phrase",
        "instead": "Say: 'I know this feels scary, and I know you can handle it.'",
        "statement": "I know you are worried. I believe you can cope.",
        "log": [
            {
                "day": "Monday",
                "what_happened": "Asked four times about school; I answered once.",
                "kept_plan": _rated(4, 8, p, rng),
                "child_upset": _rated(7, 3, p, rng),
            },
        ],
    }


def _feelings_thermometer(p: float, rng: random.Random) -> dict[str, Any]:
    before = _rated(8, 5, p, rng)
    return {
        "feeling": _pick(rng, ("worried", "scared", "frustrated")),
        "what_happened": _pick(rng, ("Spelling test", "Dad went out", "Loud dog in the park")),
        "temperature_before": before,
        "body_clues": rng.sample(["hot", "fast_heart", "tummy", "cried"], 2),
        "cool_down": rng.sample(["breathing", "hug", "calm_spot"], 2),
        "temperature_after": max(0, before - rng.randint(2, 4)),
    }


def _special_play(p: float, rng: random.Random) -> dict[str, Any]:
    return {
        "play_timer": 300,
        "tally": [
            {
                "praise": _rated(3, 14, p, rng, spread=2, top=200),
                "reflections": _rated(2, 10, p, rng, spread=2, top=200),
                "descriptions": _rated(4, 12, p, rng, spread=2, top=200),
                "imitation": _rated(1, 5, p, rng, spread=1, top=200),
                "questions": _rated(12, 3, p, rng, spread=2, top=200),
                "commands": _rated(9, 2, p, rng, spread=2, top=200),
                "criticism": _rated(4, 0, p, rng, spread=1, top=200),
            }
        ],
        "child_enjoyment": _rated(5, 9, p, rng),
        "notes": "He chose Lego again and told me the whole story of the castle" if p > 0.5 else "",
    }


def _labelled_praise(p: float, rng: random.Random) -> dict[str, Any]:
    moments = (
        ("Put his shoes on first time", "Thank you for putting your shoes on straight away!"),
        ("Shared the tablet with his sister", "I love how you shared the tablet with Lily."),
        ("Tidied the Lego", "Great job tidying all the Lego into the box."),
        ("Asked calmly for a snack", "Thank you for asking so calmly."),
        ("Did his reading", "You read that page really carefully."),
        ("Came to the table when called", "Thank you for coming the first time I asked."),
    )
    count = min(len(moments), max(1, round(_toward(2, 6, p)) + rng.randint(-1, 1)))
    return {
        "praises": [
            {"behaviour": b, "said": s, "reaction": _pick(rng, ("pleased", "kept_going"))}
            for b, s in rng.sample(moments, count)
        ],
        "compared": max(-2, min(2, round(_toward(-1, 2, p)))),
    }


def _reward_chart(p: float, rng: random.Random) -> dict[str, Any]:
    shoes, table = rng.randint(0, 1) + round(p), rng.randint(0, 2)
    return {
        "behaviours": [
            {"behaviour": "Shoes on when asked", "points": 1},
            {"behaviour": "Come to the table first time", "points": 2},
        ],
        "rewards": [{"reward": "Extra story at bedtime", "cost": 5}],
        "today": [
            {"behaviour": "Shoes on when asked", "times": shoes, "points": shoes},
            {"behaviour": "Come to the table first time", "times": table, "points": 2 * table},
        ],
        "reward_given": "saving",
        "notes": "",
    }


def _thought_record(p: float, rng: random.Random) -> dict[str, Any]:
    situations = (
        ("Nobody replied in the group chat", "They all think I'm annoying"),
        ("Got a 5 in the maths test", "I'm going to fail my GCSEs"),
        ("Mum asked about my day", "She thinks I'm a disappointment"),
    )
    situation, thought = situations[rng.randrange(len(situations))]
    low = 75 - round(35 * p)
    return {
        "situation": situation,
        "feelings_before": [{"emotion": "anxious", "intensity": low + rng.randint(-5, 10)}],
        "automatic_thought": thought,
        "belief_thought": _rated(85, 45, p, rng, spread=5, top=100),
        "evidence_for": "It has happened before",
        "evidence_against": "Ellie messaged me yesterday; people are often busy",
        "balanced_thought": "Late replies usually mean people are busy, not that they hate me",
        "belief_balanced": _rated(30, 70, p, rng, spread=5, top=100),
        "feelings_after": [
            {"emotion": "anxious", "intensity": max(5, low - 25 + rng.randint(-5, 5))}
        ],
    }


def _sleep_diary(p: float, rng: random.Random) -> dict[str, Any]:
    to_sleep = _rated(60, 20, p, rng, spread=10, top=720)
    return {
        "window": "11pm to 7am",
        "night": [
            {
                "bed_time": "11pm",
                "try_time": "11.15pm",
                "minutes_to_sleep": to_sleep,
                "wake_ups": rng.randint(0, 2),
                "minutes_awake": rng.randint(0, 20),
                "wake_time": "6.50am",
                "up_time": "7am",
                "hours_in_bed": 8,
                "hours_asleep": 7 if to_sleep < 40 else 6,
            }
        ],
        "quality": _rated(4, 7, p, rng),
        "plan_kept": ["same_time", "bed_for_sleep", "phone_out", "got_up", "no_nap"][
            : 2 + round(3 * p)
        ],
        "other": "",
    }


def _grounding(p: float, rng: random.Random) -> dict[str, Any]:
    before = _rated(75, 40, p, rng, spread=8, top=100)
    return {
        "distress_before": before,
        "see": "The blue mug, the window, my shoes, the clock, a plant",
        "touch": "The sofa, my jeans, the cold glass, my hair",
        "hear": "Traffic, the fridge, a bird",
        "smell": "Coffee, soap",
        "taste": "Mint",
        "distress_after": max(0, before - 20 - rng.randint(0, 15)),
    }


def _paced_breathing(p: float, rng: random.Random) -> dict[str, Any]:
    before = _rated(3, 5, p, rng)
    return {
        "calm_before": before,
        "breathe": 18,
        "calm_after": min(10, before + rng.randint(2, 4)),
        "noticed": "",
    }


# --- questionnaires -----------------------------------------------------------------------------


def _spread(
    total: int, items: int, top: int, fixed: dict[int, int], rng: random.Random
) -> list[int]:
    """Item answers (0-based `fixed` positions kept) that add up to `total`."""
    answers = [fixed.get(i, 0) for i in range(items)]
    free = [i for i in range(items) if i not in fixed]
    left = total - sum(answers)
    while left > 0:
        i = free[rng.randrange(len(free))]
        if answers[i] < top:
            answers[i] += 1
            left -= 1
    return answers


@dataclass(frozen=True)
class Measure:
    key: str
    items: int
    top: int
    totals: tuple[int, ...]  # one per fortnight, oldest first; today's is left to do
    fixed: dict[int, dict[int, int]] = field(default_factory=dict)  # by total's position


# --- the practice -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Homework:
    item: str  # an exercise's slug, or "measure"
    frequency: str  # daily, weekdays:0,3, per_week:3, every_weeks:2
    starts_week: int = 0
    adherence: tuple[float, float] = (0.85, 0.85)  # share done at the start and at the end
    answers: Answers | None = None
    measure: Measure | None = None
    for_carer: bool = False
    at: time = time(19, 0)
    note: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    time_zone: str
    therapist: str  # "alex" or "sam"
    homework: tuple[Homework, ...]
    feedback: tuple[str, ...]
    in_session: str  # the exercise practised with the therapist each week
    login: bool = True
    minor: bool = False
    mobile: str = ""


JORDAN_FEEDBACK = (
    "Nice to see the walk helping. Keep it going!",
    "Great that you did the swim even though you felt flat beforehand.",
    "Your mood ratings are creeping up - let's look at what made Thursday better.",
    "Well done for planning the week. Small steps count.",
)
PEOPLE = (
    Person(
        "Jordan",
        "Europe/London",
        "alex",
        (
            Homework("daily-mood-check-in", "daily", answers=_mood_check_in((3, 7)), at=time(20)),
            Homework(
                "activity-scheduling",
                "per_week:3",
                starts_week=1,
                adherence=(0.7, 0.9),
                answers=_activity_schedule((3, 7), (0.4, 0.85)),
                note="Plan one thing you enjoy and one that gives you a sense of achievement.",
            ),
            Homework("paced-breathing", "per_week:3", starts_week=2, answers=_paced_breathing),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("phq9", 9, 3, (19, 17, 14, 12, 10, 8), fixed={0: {8: 1}}),
            ),
        ),
        JORDAN_FEEDBACK,
        "activity-scheduling",
    ),
    Person(
        "Priya",
        "Asia/Kolkata",
        "alex",
        (
            Homework("worry-time", "daily", adherence=(0.7, 0.9), answers=_worry_time, at=time(18)),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("gad7", 7, 3, (16, 15, 13, 11, 9, 8)),
            ),
        ),
        (
            "Lovely - more of the worries 'do not really matter' by worry time now.",
            "Good catch on the work worry. The most-likely outcome was spot on.",
        ),
        "worry-time",
        mobile="+919800000001",
    ),
    Person(
        "Leo",
        "Europe/London",
        "alex",
        (
            Homework(
                "interoceptive-exposure", "per_week:3", adherence=(0.8, 0.9), answers=_interoceptive
            ),
            Homework(
                "exposure-practice-log",
                "per_week:2",
                starts_week=3,
                adherence=(0.7, 0.9),
                answers=_situational_exposure,
                note="Start with the bus: two stops, no water bottle.",
            ),
        ),
        (
            "Your peak SUDS on the bus came down from 90 to 60 in two weeks. That is learning.",
            "Well done for staying until the anxiety came down on its own.",
            "Try the spinning drill without sitting down straight after.",
        ),
        "interoceptive-exposure",
    ),
    Person(
        "Mia",
        "Europe/London",
        "alex",
        (
            Homework(
                "brave-steps-ladder",
                "every_weeks:1",
                starts_week=1,
                answers=_brave_ladder,
                for_carer=True,
                adherence=(0.9, 0.9),
            ),
            Homework(
                "brave-practice-record",
                "per_week:3",
                starts_week=2,
                adherence=(0.7, 0.9),
                answers=_brave_practice,
                for_carer=True,
            ),
            Homework(
                "easing-family-accommodation",
                "every_weeks:1",
                answers=_accommodation,
                for_carer=True,
            ),
            Homework(
                "feelings-thermometer",
                "weekdays:0,3",
                answers=_feelings_thermometer,
                at=time(17),
            ),
        ),
        (
            "Brilliant coaching, Chris - you let Mia choose and praised the try.",
            "Mia's worry came right down by the end. Ready for the next step on the ladder?",
            "Answering once and using your phrase is hard. You are doing it.",
        ),
        "feelings-thermometer",
        login=False,
        minor=True,
    ),
    Person(
        "Oliver",
        "Europe/London",
        "sam",
        (
            Homework(
                "child-led-special-play",
                "per_week:5",
                answers=_special_play,
                for_carer=True,
                adherence=(0.7, 0.85),
            ),
            Homework(
                "labelled-praise-tracker",
                "daily",
                starts_week=2,
                answers=_labelled_praise,
                for_carer=True,
                adherence=(0.7, 0.8),
            ),
            Homework(
                "reward-chart",
                "daily",
                starts_week=4,
                answers=_reward_chart,
                for_carer=True,
                adherence=(0.8, 0.8),
            ),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                for_carer=True,
                measure=Measure("psc17", 17, 2, (26, 24, 21, 18, 15, 12)),
            ),
        ),
        (
            "14 labelled praises in five minutes - and far fewer questions. Great play time.",
            "You kept the commands out of play time. Oliver clearly loved it.",
            "Well done for sticking with the chart on a hard day.",
        ),
        "child-led-special-play",
        login=False,
        minor=True,
    ),
    Person(
        "Sky",
        "Europe/London",
        "sam",
        (
            Homework("thought-record", "per_week:2", adherence=(0.7, 0.8), answers=_thought_record),
            Homework(
                "sleep-diary-teen",
                "daily",
                starts_week=2,
                adherence=(0.7, 0.5),
                answers=_sleep_diary,
                at=time(8),
            ),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("phqa", 9, 3, (15, 14, 12, 11, 10, 9)),
            ),
        ),
        (
            "Really good balanced thought. How much did you believe it the next morning?",
            "Falling asleep in 25 minutes now - the phone-out rule is working.",
        ),
        "thought-record",
        minor=True,
    ),
    Person(
        "Taylor",
        "America/New_York",
        "sam",
        (
            Homework("grounding-5-4-3-2-1", "per_week:4", adherence=(0.8, 0.9), answers=_grounding),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("pcl5", 20, 4, (58, 54, 49, 44, 38, 32)),
            ),
        ),
        (
            "Your distress drops by about 25 points each time you ground yourself. Keep using it.",
            "Well done for grounding at the store instead of leaving.",
        ),
        "grounding-5-4-3-2-1",
    ),
    Person(
        "Casey",
        "Europe/London",
        "alex",
        (
            Homework(
                "daily-mood-check-in",
                "daily",
                adherence=(0.9, 0.15),
                answers=_mood_check_in((3, 3.5), flat=True),
                at=time(20),
            ),
            Homework(
                "activity-scheduling",
                "per_week:3",
                starts_week=1,
                adherence=(0.8, 0.1),
                answers=_activity_schedule((3, 3.5), (0.4, 0.3)),
            ),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("phq9", 9, 3, (17, 16, 17, 18, 17, 17)),
            ),
        ),
        ("Thanks for keeping the check-ins going. Let's talk about the week in session.",),
        "daily-mood-check-in",
    ),
)


# --- loading ------------------------------------------------------------------------------------

ALERT_NOTE = (
    "Phoned Jordan the same evening: passing thoughts, no plan or intent. Safety plan reviewed "
    "together; agreed to check in at Thursday's session."
)
THERAPISTS = {
    "alex": ("Alex Morgan", f"alex.morgan@{DEMO_DOMAIN}"),
    "sam": ("Sam Okafor", f"sam.okafor@{DEMO_DOMAIN}"),
}
CARERS = {"Mia": ("Chris", "father"), "Oliver": ("Dana", "mother")}


@dataclass
class _Client:
    person: Person
    client: Client
    therapist: User
    doer: User  # who hands in the client's own homework: the client, or a parent for a child
    carer: User | None
    today: date
    first_day: date
    assignments: list[tuple[Homework, Any]] = field(default_factory=list)


def _user(email: str, name: str, time_zone: str, password: str) -> User:
    """An account with a confirmed address; `password` is already hashed (hashing is slow)."""
    user = User.objects.create_user(email=email, name=name, time_zone=time_zone)
    user.password = password
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@transaction.atomic
def load_demo() -> Practice:
    """Build the demo practice with its history (only into an empty database)."""
    from stepwise.assessments import actions as assessment_actions

    password = make_password(DEMO_PASSWORD)
    alex = _user(THERAPISTS["alex"][1], THERAPISTS["alex"][0], "Europe/London", password)
    sam = _user(THERAPISTS["sam"][1], THERAPISTS["sam"][0], "Europe/London", password)
    practice = actions.create_solo_practice(alex, "Riverside Family Therapy (demo)")
    invited = actions.invite_therapist(practice, alex, email=sam.email, role=Role.THERAPIST)
    actions.accept_invitation(invited.invitation, sam)
    for therapist in (alex, sam):  # staff need a second factor; the demo's is published
        TOTP.activate(therapist, DEMO_TOTP_SECRET)
    # PHQ-A ships switched off until an admin confirms the practice may use it.
    assessment_actions.set_instrument_enabled(
        practice, "phqa", enabled=True, by=alex, licence_confirmed=True
    )
    therapists = {"alex": alex, "sam": sam}
    people = [_add_person(person, therapists, password) for person in PEOPLE]
    mia = next(p for p in people if p.person.name == "Mia")
    mia.client.therapists.add(sam)  # Sam runs the parent sessions: a shared client
    for each in people:
        _assign(each)
    _history(people)
    _today(people, practice, alex, sam)
    return practice


def _add_person(person: Person, therapists: dict[str, User], password: str) -> _Client:
    from stepwise.homework.models import today_for

    therapist = therapists[person.therapist]
    email = f"{person.name.lower()}@{DEMO_DOMAIN}" if person.login else ""
    client = actions.add_client(
        therapist,
        display_name=person.name,
        time_zone=person.time_zone,
        email=email,
        mobile=person.mobile,
        is_minor=person.minor,
    )
    doer = carer = None
    if person.login:
        issued = actions.invite_client(client, therapist)
        doer = _user(email, person.name, person.time_zone, password)
        actions.accept_invitation(issued.invitation, doer)
    if person.name in CARERS:
        name, relationship = CARERS[person.name]
        carer_email = f"{name.lower()}@{DEMO_DOMAIN}"
        issued = actions.invite_caregiver(
            client, therapist, email=carer_email, relationship=relationship
        )
        carer = _user(carer_email, name, person.time_zone, password)
        actions.accept_invitation(issued.invitation, carer)
    client.refresh_from_db()
    today = today_for(client)
    doer = doer or carer
    assert doer is not None
    return _Client(
        person, client, therapist, doer, carer, today, today - timedelta(days=HISTORY_DAYS)
    )


def _schedule(homework: Homework, start: date) -> Any:
    from stepwise.homework.schedule import Frequency, Schedule

    kind, _, value = homework.frequency.partition(":")
    if kind == "daily":
        return Schedule(Frequency.DAILY, start)
    if kind == "weekdays":
        days = frozenset(int(d) for d in value.split(","))
        return Schedule(Frequency.WEEKDAYS, start, weekdays=days)
    if kind == "per_week":
        return Schedule(Frequency.TIMES_PER_WEEK, start, times_per_week=int(value))
    return Schedule(Frequency.EVERY_N_WEEKS, start, interval_weeks=int(value))


def _assign(each: _Client) -> None:
    """Each homework as the therapist set it on its first day (the actions, then the date)."""
    from stepwise.assessments import catalog
    from stepwise.homework import assigning
    from stepwise.homework.models import Assignee, Assignment, ItemKind, ScheduleVersion
    from stepwise.lib.tz import local_instant
    from stepwise.library.models import ExerciseDefinition

    for homework in each.person.homework:
        start = each.first_day + timedelta(weeks=homework.starts_week)
        if homework.measure is not None:
            available = catalog.find_available(each.client.practice_id, homework.measure.key)
            assert available is not None, homework.measure.key
            item = assigning.ItemChoice(
                kind=ItemKind.ASSESSMENT,
                instrument_key=homework.measure.key,
                title=available.version.abbreviation,
                estimated_minutes=5,
            )
        else:
            exercise = ExerciseDefinition.objects.get(slug=homework.item, practice__isnull=True)
            item = assigning.ItemChoice(
                kind=ItemKind.EXERCISE,
                exercise=exercise,
                title=exercise.title,
                estimated_minutes=exercise.estimated_minutes,
            )
        assignment = assigning.assign(
            client=each.client,
            by=each.therapist,
            item=item,
            schedule=_schedule(homework, start),
            reminder_time=homework.at,
            note=homework.note,
            assignee=Assignee.CAREGIVER if homework.for_carer else Assignee.CLIENT,
        )
        # Assigned in the session on its first day, in the afternoon of the therapist's day.
        made = local_instant(start, time(14, 30), each.therapist.time_zone)
        Assignment.objects.filter(pk=assignment.pk).update(created_at=made)
        ScheduleVersion.objects.filter(assignment=assignment).update(created_at=made)
        each.assignments.append((homework, assignment))


@dataclass
class _Done:
    """One piece of homework handed in, before its completion row is written."""

    each: _Client
    assignment: Any
    occurrence: Any
    moment: datetime
    day: date
    submission: Any = None
    response: Any = None
    reviewed_at: datetime | None = None


def _rng(*parts: object) -> random.Random:
    return random.Random("/".join(str(p) for p in parts))  # a str seed: the same every run


def _done_day(occurrence: Any, today: date, rng: random.Random) -> date | None:
    """The day a piece of homework was handed in: its opening day, or later in its window."""
    last = min(occurrence.due, today - timedelta(days=1))
    if occurrence.opens > last:
        return None
    slot = int(occurrence.key.partition("#")[2] or 1)
    window = (last - occurrence.opens).days
    offset = min(window, (slot - 1) * 2 + rng.randint(0, 1)) if window else 0
    return occurrence.opens + timedelta(days=offset)


def _history(people: list[_Client]) -> None:
    from stepwise.homework.models import Completion, Occurrence
    from stepwise.lib.tz import local_instant
    from stepwise.reminders import actions as reminder_actions

    now = timezone.now()
    done: list[_Done] = []
    for each in people:
        ids = [a.pk for _, a in each.assignments]
        # The reminders each occurrence called for when it was made (sent or skipped below).
        reminder_actions.create_for_occurrences(
            ids,
            each.first_day,
            each.today,
            now=local_instant(each.first_day, time(0), each.client.time_zone),
        )
        for homework, assignment in each.assignments:
            rng = _rng(each.person.name, assignment.title)
            total = len(homework.measure.totals) if homework.measure else 0
            occurrences = Occurrence.objects.filter(
                assignment=assignment, opens__lt=each.today
            ).order_by("opens", "key")
            for index, occurrence in enumerate(occurrences):
                day = _done_day(occurrence, each.today, rng)
                progress = (occurrence.opens - each.first_day).days / HISTORY_DAYS
                share = _toward(*homework.adherence, progress)
                if day is None or rng.random() >= share or (homework.measure and index >= total):
                    continue
                minutes = rng.randint(-45, 90)
                at = (datetime.combine(day, homework.at) + timedelta(minutes=minutes)).time()
                if at < homework.at and minutes > 0:  # past midnight: keep it on the same day
                    at = time(23, 30)
                moment = local_instant(day, at, each.client.time_zone)
                if moment >= now:
                    continue
                item = _Done(each, assignment, occurrence, moment, day)
                if homework.measure is not None:
                    item.response = _scored(each, homework, index, rng, moment)
                else:
                    assert homework.answers is not None
                    item.submission = _submission(
                        each,
                        assignment.exercise.current_version,
                        homework.answers(progress, rng),
                        submitted_by=each.carer if homework.for_carer else each.doer,
                        moment=moment,
                    )
                done.append(item)
        _sessions(each)
    _store_results(done)
    for item in done:
        item.reviewed_at = _review_moment(item, now)
    Completion.objects.bulk_create(
        Completion(
            assignment=item.assignment,
            client_id=item.each.client.pk,
            occurrence=item.occurrence,
            submission=item.submission,
            assessment_response=item.response,
            completed_by=item.submission.submitted_by if item.submission else _by(item),
            completed_at=item.moment,
            local_date=item.day,
            reviewed_at=item.reviewed_at,
            reviewed_by=item.each.therapist if item.reviewed_at else None,
        )
        for item in done
    )
    _feedback(people)
    _alerts(done)
    _reminders_sent(people, now)


def _by(item: _Done) -> User:
    from stepwise.homework.models import Assignee

    if item.assignment.assignee == Assignee.CAREGIVER:
        assert item.each.carer is not None
        return item.each.carer
    return item.each.doer


def _review_moment(item: _Done, now: datetime) -> datetime | None:
    """The therapist reads homework the next weekday morning; the last three days wait."""
    from stepwise.lib.tz import local_instant

    if now - item.moment < timedelta(days=3):
        return None
    day = item.day + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minutes = 9 * 60 + _rng(item.moment).randint(0, 90)
    return local_instant(day, time(minutes // 60, minutes % 60), item.each.therapist.time_zone)


def _scored(
    each: _Client, homework: Homework, index: int, rng: random.Random, moment: datetime
) -> Any:
    """A questionnaire response as `submit_assessment` makes it, at a moment in the past."""
    from stepwise.assessments import catalog
    from stepwise.assessments.actions import _stored_total
    from stepwise.assessments.models import AssessmentResponse, Mode, Respondent
    from stepwise.assessments.scoring import score, supplementary_alerts

    measure = homework.measure
    assert measure is not None
    available = catalog.find_available(each.client.practice_id, measure.key)
    assert available is not None
    definition = catalog.practice_definition(
        available.version, catalog.practice_cutoff(each.client.practice_id, measure.key)
    )
    answers = _spread(
        measure.totals[index], measure.items, measure.top, measure.fixed.get(index, {}), rng
    )
    result = score(definition, answers)
    return AssessmentResponse(
        client=each.client,
        instrument=available.version,
        answers=answers,
        supplementary={},
        sex="",
        total=_stored_total(result),
        band=result.band or "",
        subscales=dict(result.subscales),
        subscale_bands=dict(result.subscale_bands),
        critical_items=list(result.critical_items),
        supplementary_alerts=supplementary_alerts(definition, {}),
        administered_by=None,
        mode=Mode.HOME,
        respondent=Respondent.CAREGIVER if homework.for_carer else Respondent.CLIENT,
        submitted_at=moment,
    )


def _submission(
    each: _Client,
    version: Any,
    data: dict[str, Any],
    *,
    submitted_by: User | None,
    moment: datetime,
) -> Any:
    """A home submission as `submit_exercise` makes it (validated, with its metrics), unsaved."""
    from stepwise.homework.models import Mode, Submission
    from stepwise.library.responses import extract_metrics, fired_alert_rules, validate_response

    definition = version.parsed
    validated = validate_response(definition, data)
    # The demo's history raises no alert from an exercise; today's open alert is a PHQ-9's.
    assert not fired_alert_rules(definition, validated.answers), (version, data)
    submission = Submission(
        client=each.client,
        exercise_version=version,
        answers=validated.answers,
        mode=Mode.HOME,
        submitted_by=submitted_by,
        submitted_at=moment,
    )
    submission.demo_metrics = extract_metrics(definition, validated)  # type: ignore[attr-defined]
    return submission


def _store_results(done: list[_Done]) -> None:
    """Write the submissions with their metric rows, and the questionnaire responses, in bulk."""
    from stepwise.assessments.models import AssessmentResponse
    from stepwise.homework.models import MetricValue, Submission

    submissions = Submission.objects.bulk_create(
        [item.submission for item in done if item.submission is not None], batch_size=500
    )
    MetricValue.objects.bulk_create(
        (
            MetricValue(
                submission=submission,
                client=submission.client,
                definition_id=submission.exercise_version.definition_id,
                name=name,
                value=value,
                recorded_at=submission.submitted_at,
            )
            for submission in submissions
            for name, value in submission.demo_metrics.items()  # type: ignore[attr-defined]
        ),
        batch_size=500,
    )
    AssessmentResponse.objects.bulk_create(
        [item.response for item in done if item.response is not None], batch_size=500
    )


def _sessions(each: _Client) -> None:
    """The weekly session: one exercise practised together, kept in the client's record."""
    from stepwise.homework.actions import submit_exercise
    from stepwise.homework.models import Mode
    from stepwise.lib.tz import local_instant
    from stepwise.library.models import ExerciseDefinition

    homework = next(h for h in each.person.homework if h.item == each.person.in_session)
    assert homework.answers is not None
    version = ExerciseDefinition.objects.get(
        slug=homework.item, practice__isnull=True
    ).current_version
    rng = _rng(each.person.name, "sessions")
    for week in range(HISTORY_DAYS // 7 - 1, 0, -1):
        day = each.today - timedelta(weeks=week)
        submit_exercise(
            client=each.client,
            version=version,
            data=homework.answers(1 - week / (HISTORY_DAYS // 7), rng),
            mode=Mode.IN_SESSION,
            submitted_by=each.therapist,
            submitted_at=local_instant(day, time(10, 0), each.client.time_zone),
        )


def _feedback(people: list[_Client]) -> None:
    """The therapist's notes on reviewed homework: the latest of each item, and a few more."""
    from stepwise.homework.models import Completion, Feedback
    from stepwise.reminders import actions as reminder_actions

    rows = []
    for each in people:
        rng = _rng(each.person.name, "feedback")
        reviewed = Completion.objects.filter(
            client=each.client, reviewed_at__isnull=False, submission__isnull=False
        ).order_by("-completed_at", "-id")
        latest: set[int] = set()
        for completion in reviewed:
            first_of_item = completion.assignment_id not in latest
            latest.add(completion.assignment_id)
            if first_of_item or rng.random() < 0.08:
                rows.append(
                    Feedback(
                        completion=completion,
                        author=each.therapist,
                        text=_pick(rng, each.person.feedback),
                        created_at=completion.reviewed_at,
                    )
                )
    for feedback in Feedback.objects.bulk_create(rows):
        reminder_actions.create_for_feedback(feedback, now=feedback.created_at)


def _alerts(done: list[_Done]) -> None:
    """A critical answer in the history was seen to the same evening (acknowledged)."""
    from stepwise.assessments.models import Alert

    Alert.objects.bulk_create(
        Alert(
            client=item.each.client,
            response=item.response,
            items=[*item.response.critical_items, *item.response.supplementary_alerts],
            created_at=item.moment,
            acknowledged_by=item.each.therapist,
            acknowledged_at=item.moment + timedelta(hours=2),
            note=ALERT_NOTE,
        )
        for item in done
        if item.response is not None
        and (item.response.critical_items or item.response.supplementary_alerts)
    )


def _reminders_sent(people: list[_Client], now: datetime) -> None:
    """What the reminder worker did with each reminder whose moment has passed."""
    from stepwise.homework.models import Completion
    from stepwise.reminders.models import Kind, Reminder, State

    clients = {each.client.pk: each.client for each in people}
    finished = dict(
        Completion.objects.filter(client_id__in=clients, occurrence__isnull=False).values_list(
            "occurrence_id", "completed_at"
        )
    )
    rows = Reminder.objects.filter(
        client_id__in=clients, state=State.PENDING, send_at__lt=now
    ).values_list("pk", "kind", "occurrence_id", "recipient_id", "client_id", "send_at")
    outcome: dict[str, list[int]] = {"completed": [], "no_account": [], "": []}
    for pk, kind, occurrence_id, recipient_id, client_id, send_at in rows:
        completed = finished.get(occurrence_id)
        if kind in (Kind.DUE, Kind.OVERDUE) and completed and completed <= send_at:
            outcome["completed"].append(pk)
        elif recipient_id is None and clients[client_id].user_id is None:
            outcome["no_account"].append(pk)
        else:
            outcome[""].append(pk)
    for reason, ids in outcome.items():
        for start in range(0, len(ids), 500):
            chosen = Reminder.objects.filter(pk__in=ids[start : start + 500])
            if reason:
                chosen.update(state=State.SKIPPED, skip_reason=reason)
            else:
                chosen.update(
                    state=State.SENT,
                    sent_at=F("send_at"),
                    attempts=1,
                    provider_id=Concat(Value("demo-"), F("key")),
                )


def _today(people: list[_Client], practice: Practice, alex: User, sam: User) -> None:
    """What happened today, through the actions at the real moment."""
    from stepwise.assessments import actions as assessment_actions
    from stepwise.assessments.models import AssessmentResponse
    from stepwise.homework import assigning
    from stepwise.homework.models import Completion, Occurrence
    from stepwise.progress import stored

    by_name = {each.person.name: each for each in people}

    def open_today(each: _Client, position: int) -> Any:
        return (
            Occurrence.objects.filter(
                assignment=each.assignments[position][1],
                opens__lte=each.today,
                due__gte=each.today,
                completion__isnull=True,
            )
            .order_by("opens", "key")
            .first()
        )

    # Casey answers today's PHQ-9: still no better, and item 9 raises an alert nobody has seen.
    casey = by_name["Casey"]
    occurrence = open_today(casey, 2)
    if occurrence is not None:
        assigning.complete_assessment(
            assignment=occurrence.assignment,
            occurrence=occurrence,
            answers=[2, 2, 2, 2, 2, 2, 2, 2, 1],
            supplementary={"difficulty": 2},
            sex=None,
            by=casey.doer,
        )
    # Leo did his interoceptive drills today (not reviewed yet).
    leo = by_name["Leo"]
    occurrence = open_today(leo, 0)
    if occurrence is not None:
        homework = leo.person.homework[0]
        assert homework.answers is not None
        assigning.complete_exercise(
            assignment=occurrence.assignment,
            occurrence=occurrence,
            data=homework.answers(1.0, _rng("Leo", "today")),
            by=leo.doer,
        )
    # Alex has just read Jordan's latest check-in and left a note (a feedback reminder waits).
    jordan = by_name["Jordan"]
    latest = (
        Completion.objects.filter(client=jordan.client, submission__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )
    if latest is not None:
        assigning.leave_feedback(
            latest, by=alex, text="Nice to see the walk helping. Keep it going!"
        )
    # The practice lowered PCL-5's cut-off to 31 today and rescored: one earlier score moves.
    assessment_actions.set_instrument_cutoff(practice, "pcl5", cutoff=31, by=alex)
    for response in AssessmentResponse.objects.filter(
        client=by_name["Taylor"].client, instrument__key="pcl5"
    ).order_by("submitted_at", "id"):
        assessment_actions.rescore_response(response, reason="PCL-5 cut-off changed to 31")
    for name, therapist in (("Jordan", alex), ("Oliver", sam), ("Taylor", sam)):
        assessment_actions.set_results_shared(by_name[name].client, therapist, shared=True)
    # The dashboard's stored figures, as the reminder worker computes them every minute.
    stored.mark_changed(each.client.pk for each in people)
    stored.refresh_out_of_date()
