"""Who is in the demo practice and what they answer: the cast of `stepwise.clinic.demo`.

Eight clients covering the library's categories, each with their homework, how faithfully they
do it over the twelve weeks, and how their answers move (`progress` runs from 0 on the first day
to 1 today). Fictional people; every answer is validated and scored by the real code on loading.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

# --- answers ------------------------------------------------------------------------------------


def toward(start: float, end: float, progress: float) -> float:
    return start + (end - start) * progress


def _rated(
    start: float, end: float, p: float, rng: random.Random, spread: float = 1.0, top: int = 10
) -> int:
    """A rating moving from `start` to `end` over the history, with a little day-to-day noise."""
    return max(0, min(top, round(toward(start, end, p) + rng.uniform(-spread, spread))))


def pick(rng: random.Random, options: Sequence[str]) -> str:
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
            "went_well": pick(rng, went_well) if rng.random() < 0.7 else "",
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
            done = "yes" if rng.random() < toward(*done_share, p) else rng.choice(["partly", "no"])
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
    count = max(1, round(toward(4, 1, p)) + rng.randint(0, 1))
    return {
        "worry_slot": "6.30pm, at the kitchen table",
        "postponed": [
            {
                "worry": w,
                "still_matters": pick(rng, ("yes", "a_bit", "no") if p > 0.3 else ("yes",)),
            }
            for w in rng.sample(worries, count)
        ],
        "worry_timer": min(900, int(toward(900, 540, p) + rng.randint(-60, 60))),
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
        "practice_timer": int(toward(15, 35, p) * 60),
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
        "step": pick(rng, ("Order a drink at the cafe", "Ask a shop assistant for help"))
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
        "feeling": pick(rng, ("worried", "scared", "frustrated")),
        "what_happened": pick(rng, ("Spelling test", "Dad went out", "Loud dog in the park")),
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
    count = min(len(moments), max(1, round(toward(2, 6, p)) + rng.randint(-1, 1)))
    return {
        "praises": [
            {"behaviour": b, "said": s, "reaction": pick(rng, ("pleased", "kept_going"))}
            for b, s in rng.sample(moments, count)
        ],
        "compared": max(-2, min(2, round(toward(-1, 2, p)))),
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


def _play_video(p: float, rng: random.Random) -> dict[str, Any]:
    return {
        "video": 1.0,
        "reflect": {
            "notice": "Playing quietly with his sister, putting his plate away",
            "opposite": "Shouting at Lily: praise him when he asks her nicely",
            "hard": "When I am tired after work I only notice the bad bits",
        },
        "will_try": "Three specific praises before school every day",
        "confidence": 6,
    }


def _conversation(p: float, rng: random.Random) -> dict[str, Any]:
    predicted = _rated(75, 50, p, rng, spread=5, top=100)
    return {
        "who": pick(rng, ("Ellie from art", "The new girl in maths", "My cousin Jay")),
        "goal": "Ask about their weekend and keep it going for two minutes",
        "opener": "Did you do anything good at the weekend?",
        "topics": "Music, the art project, the match",
        "fear": "I'll go red and they'll think I'm weird",
        "anxiety_predicted": predicted,
        "anxiety_actual": max(0, predicted - 20 - rng.randint(0, 15)),
        "what_happened": "We talked for about five minutes about a band we both like",
        "fear_came_true": "no",
        "went_well": _rated(5, 8, p, rng),
        "learned": "It felt awkward for a minute, then it was fine",
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
    held: tuple[int, ...] = ()  # items left at 0 unless `fixed` says otherwise (PHQ's item 9)

    def answers(self, index: int, rng: random.Random) -> list[int]:
        fixed = dict.fromkeys(self.held, 0) | self.fixed.get(index, {})
        return _spread(self.totals[index], self.items, self.top, fixed, rng)


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
    feedback: tuple[str, ...] = ()  # the therapist's notes on it (else the person's)


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
    next_session: tuple[int, str] = (7, "")  # in how many days, and the therapist's note


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
            Homework(
                "daily-mood-check-in",
                "daily",
                answers=_mood_check_in((3, 7)),
                at=time(20),
                feedback=(
                    "Nice to see the walk helping. Keep it going!",
                    "Your mood ratings are creeping up. What made Thursday better?",
                ),
            ),
            Homework(
                "activity-scheduling",
                "per_week:3",
                starts_week=1,
                adherence=(0.7, 0.9),
                answers=_activity_schedule((3, 7), (0.4, 0.85)),
                note="Plan one thing you enjoy and one that gives you a sense of achievement.",
                feedback=(
                    "Great that you did the swim even though you felt flat beforehand.",
                    "Well done for planning the week. Small steps count.",
                ),
            ),
            Homework(
                "paced-breathing",
                "per_week:3",
                starts_week=2,
                answers=_paced_breathing,
                feedback=("Calm goes up after every practice. Try one before work too.",),
            ),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure(
                    "phq9", 9, 3, (19, 17, 15, 13, 12, 10), fixed={0: {8: 1}}, held=(8,)
                ),
            ),
        ),
        JORDAN_FEEDBACK,
        "activity-scheduling",
        next_session=(0, "Plan the week; look at the PHQ-9 trend together"),
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
        next_session=(3, "Worry time: what is left over?"),
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
        next_session=(2, "Next step: bus all the way into town"),
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
                feedback=("Mia's worry came right down by the end. Ready for the next step?",),
            ),
            Homework(
                "brave-practice-record",
                "per_week:3",
                starts_week=2,
                adherence=(0.7, 0.9),
                answers=_brave_practice,
                for_carer=True,
                feedback=("Brilliant coaching, Chris: you let Mia choose and praised the try.",),
            ),
            Homework(
                "easing-family-accommodation",
                "every_weeks:1",
                answers=_accommodation,
                for_carer=True,
                feedback=("Answering once and using your phrase is hard. You are doing it.",),
            ),
            Homework(
                "feelings-thermometer",
                "weekdays:0,3",
                answers=_feelings_thermometer,
                at=time(17),
                feedback=("Lovely that Mia chose her calm spot herself.",),
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
        next_session=(1, "With Chris: next brave step"),
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
                feedback=(
                    "14 labelled praises in five minutes, and far fewer questions. Great play.",
                    "You kept the commands out of play time. Oliver clearly loved it.",
                ),
            ),
            Homework(
                "labelled-praise-tracker",
                "daily",
                starts_week=2,
                answers=_labelled_praise,
                for_carer=True,
                adherence=(0.7, 0.8),
                feedback=(
                    "Praising the sharing with Lily, and saying what he did: exactly right.",
                ),
            ),
            Homework(
                "reward-chart",
                "daily",
                starts_week=4,
                answers=_reward_chart,
                for_carer=True,
                adherence=(0.8, 0.8),
                feedback=("Well done for sticking with the chart on a hard day.",),
            ),
            Homework(
                "video-labelled-praise",
                "once:9",
                starts_week=11,
                answers=_play_video,
                for_carer=True,
                adherence=(1, 1),
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
        next_session=(2, "Review the reward chart with Dana"),
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
                "conversation-plan-and-review",
                "every_weeks:1",
                starts_week=5,
                adherence=(0.8, 0.8),
                answers=_conversation,
                at=time(16),
            ),
            Homework(
                "measure",
                "every_weeks:2",
                adherence=(1, 1),
                measure=Measure("phqa", 9, 3, (15, 14, 12, 11, 10, 9), held=(8,)),
            ),
        ),
        (
            "Really good balanced thought. How much did you believe it the next morning?",
            "Falling asleep in 25 minutes now - the phone-out rule is working.",
        ),
        "thought-record",
        minor=True,
        next_session=(3, "Sleep diary: falling asleep faster?"),
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
        next_session=(4, "Grounding at the store; PCL-5 review"),
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
                measure=Measure("phq9", 9, 3, (17, 16, 17, 18, 17, 17), held=(8,)),
            ),
        ),
        ("Thanks for keeping the check-ins going. Let's talk about the week in session.",),
        "daily-mood-check-in",
        next_session=(1, "Risk review (PHQ-9 item 9); homework barriers"),
    ),
)
