"""Build a practice with years of homework history, for the benchmarks. Deterministic per seed.

    .venv/bin/python -m bench.generate --size small|medium|large [--seed 1] [--today 2026-11-26]

The database comes from DATABASE_URL (default: SQLite at bench/data/bench-<size>.sqlite3); it is
dropped, created and migrated first. What goes in, per client (see SIZES for how many):

- one or two exercise assignments at a time (a daily one, rotated every 4-12 weeks, and for most
  clients one set three to five times a week), PHQ-9 every two weeks and, for half of them, GAD-7;
- occurrences for all of it (up to 14 days ahead for what is still active, as the app keeps them);
- a submission with its metric values and a completion for each occurrence done (adherence varies
  by client and drifts; some are done late, some clients have gone quiet lately), and now and then
  extra practice;
- questionnaire responses with scores following a plausible course (most improve, some do not,
  a few get worse), with an alert when PHQ-9 item 9 is answered, acknowledged unless recent;
- reviews and some feedback from the therapist; an email reminder per occurrence.

Only the people (users, clients, authenticators) go through the ORM. The history is made a day at
a time for all clients together, so rows land in time order, interleaved across clients, with ids
growing with time as the app would have written them (a per-client order would make per-client
reads look cheaper than they are). It is made by several processes at once (--jobs, one per core
by default), each taking every jobs-th client; a row's id comes from its client and day
(`bench.rows.STRIDES`), so the rows are the same whatever the number of processes. They are
written with `bench.load`: COPY on PostgreSQL, shard files merged in id order on SQLite, with the
secondary indexes and unique constraints built once after the load. The same seed and `--today`
give the same rows, on either engine.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time as clock
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.content import Scorer, course_for, load_exercises, load_instruments
from bench.load import (
    CopyWriter,
    ShardWriter,
    Writer,
    deferred_indexes,
    merge_shards,
    reset_sequences,
)
from bench.rows import COLUMNS, TABLES, ClientRows


@dataclass(frozen=True)
class Size:
    therapists: int
    clients_per_therapist: int
    days: int

    @property
    def clients(self) -> int:
        return self.therapists * self.clients_per_therapist


SIZES = {
    "small": Size(therapists=1, clients_per_therapist=10, days=91),
    # The small caseload with a long history: the scaling check (flat as the history grows).
    "small-2y": Size(therapists=1, clients_per_therapist=10, days=730),
    "small-3y": Size(therapists=1, clients_per_therapist=10, days=1095),
    "medium": Size(therapists=5, clients_per_therapist=150, days=730),
    "large": Size(therapists=50, clients_per_therapist=200, days=1095),
}

# Adult exercises a therapist would set daily, and ones set a few times a week.
DAILY = (
    "daily-mood-check-in",
    "paced-breathing",
    "three-good-things",
    "grounding-5-4-3-2-1",
    "progressive-muscle-relaxation",
    "body-scan",
    "activity-scheduling",
)
FEW_TIMES_A_WEEK = (
    "thought-record",
    "exposure-practice-log",
    "worry-time",
    "behavioural-experiment",
    "thinking-traps",
)
TIME_ZONES = (
    "Europe/London",
    "Europe/London",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "Australia/Sydney",
)
FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Robin",
    "Kim",
    "Lee",
    "Pat",
    "Morgan",
    "Taylor",
    "Jordan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Charlie",
    "Drew",
    "Ellis",
    "Finley",
    "Harper",
    "Kai",
    "Logan",
    "Noel",
    "Reese",
    "Rowan",
    "Sage",
    "Skyler",
    "Emery",
    "Blake",
]
MARKER = "Bench {size} (seed {seed}, through {today})"
WINDOW_DAYS = 14  # as stepwise.homework.actions.assigning.WINDOW_DAYS
FLUSH_ROWS = 200_000  # rows written per transaction
MAX_SHARDS = 10  # SQLite's limit on attached databases


def marker(size: str, seed: int, today: date) -> str:
    return MARKER.format(size=size, seed=seed, today=today.isoformat())


_GENERATOR: Generator | None = None  # the generator the forked processes work for


def _work(part: int) -> dict[str, int]:
    assert _GENERATOR is not None
    return _GENERATOR.work(part)


def _max_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("id"))["m"] or 0)


# --- the history of one client ------------------------------------------------------------------


@dataclass
class Segment:
    kind: str  # "exercise" or "assessment"
    item: str  # exercise slug or instrument key
    frequency: str
    start: date
    end: date | None  # last local day; None while active
    times_per_week: int = 1
    interval_weeks: int = 1


def plan_segments(rng: random.Random, start: date, today: date) -> list[Segment]:
    segments = []
    cursor, previous = start, ""
    while cursor <= today:  # the daily exercise, rotated every 4 to 12 weeks
        slug = rng.choice([s for s in DAILY if s != previous])
        end: date | None = cursor + timedelta(days=rng.randint(28, 84) - 1)
        if end is not None and end >= today:
            end = None
        segments.append(Segment("exercise", slug, "daily", cursor, end))
        if end is None:
            break
        cursor, previous = end + timedelta(days=1), slug
    if rng.random() < 0.75:  # a skill practised a few times a week, with breaks between
        cursor = start + timedelta(days=rng.randint(7, 28))
        while cursor <= today:
            slug = rng.choice(FEW_TIMES_A_WEEK)
            end = cursor + timedelta(days=rng.randint(42, 120) - 1)
            if end >= today:
                end = None
            times = rng.randint(3, 5)
            segments.append(Segment("exercise", slug, "times_per_week", cursor, end, times))
            if end is None:
                break
            cursor = end + timedelta(days=rng.randint(1, 21))
    segments.append(Segment("assessment", "phq9", "every_n_weeks", start, None, interval_weeks=2))
    if rng.random() < 0.5:
        segments.append(
            Segment("assessment", "gad7", "every_n_weeks", start, None, interval_weeks=2)
        )
    return segments


class Generator:
    def __init__(self, size_name: str, seed: int, today: date) -> None:
        self.size_name = size_name
        self.size = SIZES[size_name]
        self.seed = seed
        self.today = today
        # "Now" for the history is the start of `today` (UTC), not the clock: the same seed and
        # `--today` then give the same rows whenever and on whichever engine they are made.
        self.now = datetime.combine(today, time.min, tzinfo=UTC)
        self.scorer = Scorer()
        self.timings: dict[str, float] = {}
        self._offsets: dict[tuple[ZoneInfo, date], timedelta] = {}
        self._evenings: dict[tuple[ZoneInfo, date], tuple[datetime, Any, Any]] = {}

    def run(self, jobs: int = 1) -> dict[str, int]:
        from django.apps import apps
        from django.db import connection, connections

        started = clock.monotonic()
        rng = random.Random(f"{self.seed}:library")
        self.exercises = load_exercises(DAILY + FEW_TIMES_A_WEEK, rng)
        self.instruments = load_instruments(("phq9", "gad7"))
        therapists, self.clients = self.make_people()
        self.order = [(apps.get_model(label), names.split()) for label, names in COLUMNS.items()]
        self.bases = {name: _max_id(apps.get_model(label)) for name, label in TABLES.items()}
        first = self.today - timedelta(days=self.size.days - 1)
        last = self.today + timedelta(days=WINDOW_DAYS)
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.postgres = connection.vendor == "postgresql"
        # SQLite attaches every process's shard to merge them, and attaches at most 10.
        most = len(self.clients) if self.postgres else min(len(self.clients), MAX_SHARDS)
        self.jobs = max(1, min(jobs, most))
        self.started = started
        tables = [model._meta.db_table for model, _ in self.order]
        with tempfile.TemporaryDirectory(prefix="bench-shards-", dir=self.shard_dir()) as shards:
            self.shards = [Path(shards) / f"shard{n}.sqlite3" for n in range(self.jobs)]
            with deferred_indexes(tables, self.jobs):
                loaded = clock.monotonic()
                connections.close_all()  # each process opens its own
                if self.jobs == 1:
                    counts = [self.work(0)]
                else:
                    global _GENERATOR
                    _GENERATOR = self
                    # A process that dies (killed for memory, say) fails the run here instead
                    # of leaving it waiting, as a multiprocessing.Pool would.
                    with ProcessPoolExecutor(
                        self.jobs, mp_context=multiprocessing.get_context("fork")
                    ) as pool:
                        counts = list(pool.map(_work, range(self.jobs)))
                if not self.postgres:
                    merge_shards(self.order, self.shards)
                self.timings["rows"] = clock.monotonic() - loaded
                indexed = clock.monotonic()
            self.timings["indexes"] = clock.monotonic() - indexed
        reset_sequences([model for model, _ in self.order])
        analysed = clock.monotonic()
        self.analyse()
        self.timings["analyse"] = clock.monotonic() - analysed
        self.practice.name = marker(self.size_name, self.seed, self.today)
        self.practice.save(update_fields=["name"])
        total: dict[str, int] = {}
        for part in counts:
            for name, n in part.items():
                total[name] = total.get(name, 0) + n
        total["therapists"] = len(therapists)
        total["clients"] = len(self.clients)
        return total

    def shard_dir(self) -> str | None:
        """SQLite: the shards go beside the database (the same disk); PostgreSQL needs none."""
        from django.db import connection

        if self.postgres:
            return None
        return str(Path(connection.settings_dict["NAME"]).parent)

    def work(self, part: int) -> dict[str, int]:
        """One process's share: every `jobs`-th client, a day at a time for all of them together,
        so that its rows land in time order, interleaved across its clients."""
        writer: Writer
        if self.postgres:
            writer = CopyWriter(self.order)
        else:
            writer = ShardWriter(self.order, self.shards[part])
        self.writer_format = writer.when
        histories = [
            self.client_history(index, client, therapist, writer)
            for index, (client, therapist) in enumerate(self.clients)
            if index % self.jobs == part
        ]
        for number, _ in enumerate(self.days, start=1):
            for history in histories:
                next(history)
            if writer.buffered >= FLUSH_ROWS:
                writer.flush()
                if part == 0:
                    self._progress(writer, number)
        writer.close()
        if part == 0:
            self._progress(writer, len(self.days))
        return writer.counts

    def _progress(self, writer: Writer, done: int) -> None:
        figures = ", ".join(f"{n} {name}" for name, n in writer.counts.items() if n)
        share = f" (process 1 of {self.jobs})" if self.jobs > 1 else ""
        print(
            f"  day {done}/{len(self.days)}, {clock.monotonic() - self.started:.0f} s{share}: "
            f"{figures}",
            file=sys.stderr,
            flush=True,
        )

    def analyse(self) -> None:
        """Planner statistics, as a live server would have them: autovacuum's on PostgreSQL, the
        reminder worker's hourly `refresh_planner_statistics` on SQLite."""
        from django.db import connection

        from stepwise.lib.db import refresh_planner_statistics

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            refresh_planner_statistics()

    def local(self, day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
        """`hour:minute` on `day` in `zone`, in UTC. From 06:00 on, with the day's offset at noon
        (clocks change in the small hours in every zone used here)."""
        if hour < 6:
            return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
        offset = self._offsets.get((zone, day))
        if offset is None:
            offset = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
            assert offset is not None
            self._offsets[(zone, day)] = offset
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - offset

    def evening(self, day: date, zone: ZoneInfo) -> tuple[datetime, Any, Any]:
        """When a "due" reminder of `day` goes (18:00 local), as written when it was sent (3 s
        later) and when it was made (14 days before): the same for every client of the zone."""
        found = self._evenings.get((zone, day))
        if found is None:
            send_at = self.local(day, 18, 0, zone)
            when = self.writer_format
            found = (
                send_at,
                when(send_at + timedelta(seconds=3)),
                when(send_at - timedelta(days=14)),
            )
            self._evenings[(zone, day)] = found
        return found

    def make_people(self) -> tuple[list[Any], list[tuple[Any, Any]]]:
        """The practice, its therapists (each with an authenticator) and their clients."""
        from allauth.account.models import EmailAddress
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.contrib.auth.hashers import make_password
        from django.db import transaction

        from stepwise.accounts.models import User
        from stepwise.clinic.models import Client, Membership, Practice, Role

        rng = random.Random(f"{self.seed}:people")
        unusable = make_password(None)
        opened = self.local(self.today - timedelta(days=self.size.days + 30), 9, 0, ZoneInfo("UTC"))
        with transaction.atomic():
            # Named with its marker only once the history is complete (see `run`), so a run that
            # was cut short is never taken for a finished one.
            practice = Practice.objects.create(name="Bench (generating)", created_at=opened)
            self.practice = practice
            therapists = User.objects.bulk_create(
                User(
                    email=f"therapist{t + 1}@bench.invalid",
                    name=f"Therapist {t + 1}",
                    time_zone="Europe/London",
                    password=unusable,  # the benchmarks sign in with force_login
                    date_joined=opened,
                )
                for t in range(self.size.therapists)
            )
            Membership.objects.bulk_create(
                Membership(practice=practice, user=t, role=Role.THERAPIST, joined_at=opened)
                for t in therapists
            )
            EmailAddress.objects.bulk_create(
                EmailAddress(user=t, email=t.email, primary=True, verified=True) for t in therapists
            )
            for therapist in therapists:
                TOTP.activate(therapist, generate_totp_secret())
            people = []
            for t, therapist in enumerate(therapists):
                for c in range(self.size.clients_per_therapist):
                    number = t * self.size.clients_per_therapist + c + 1
                    people.append((number, therapist))
            users = User.objects.bulk_create(
                User(
                    email=f"client{number}@bench.invalid",
                    name=f"{rng.choice(FIRST_NAMES)} {chr(65 + number % 26)}.",
                    time_zone="Europe/London",
                    password=unusable,
                    date_joined=opened,
                )
                for number, _ in people
            )
            clients = Client.objects.bulk_create(
                Client(
                    practice=practice,
                    display_name=f"{user.name} #{number}",
                    email=user.email,
                    time_zone=rng.choice(TIME_ZONES),
                    user=user,
                    created_at=opened,
                    created_by=therapist,
                )
                for user, (number, therapist) in zip(users, people, strict=True)
            )
            Client.therapists.through.objects.bulk_create(
                Client.therapists.through(client_id=client.pk, user_id=therapist.pk)
                for client, (_, therapist) in zip(clients, people, strict=True)
            )
        return therapists, [(c, t) for c, (_, t) in zip(clients, people, strict=True)]

    def client_history(
        self, index: int, client: Any, therapist: Any, writer: Writer
    ) -> Iterator[None]:
        """One client's history, a day at a time: yields after each day of `self.days`, so that
        `run` writes every client's rows in time order, interleaved as the app would have."""
        from stepwise.homework.schedule import Frequency, Schedule, expand

        rng = random.Random(f"{self.seed}:client:{index}")
        zone = ZoneInfo(client.time_zone)
        today = self.today
        start = today - timedelta(days=self.size.days - 1 - rng.randint(0, 6))
        adherence = rng.betavariate(5, 2.3)  # mean about two in three
        quiet_since = today - timedelta(days=rng.randint(4, 20)) if rng.random() < 0.12 else None
        courses = {key: course_for(rng, i.maximum) for key, i in self.instruments.items()}
        helper = ClientRows(self, writer, index, client, therapist, zone, rng)
        segments = sorted(plan_segments(rng, start, today), key=lambda s: s.start)
        waiting: list[tuple[date, int, Any, Segment, int]] = []  # a heap by opening day
        order = itertools.count()
        for number, day in enumerate(self.days):
            helper.start_day(number)
            while segments and segments[0].start <= day:
                segment = segments.pop(0)
                last = segment.end or today + timedelta(days=WINDOW_DAYS)
                assignment_id = helper.assignment(segment, last)
                schedule = Schedule(
                    frequency=Frequency(segment.frequency),
                    start=segment.start,
                    times_per_week=segment.times_per_week,
                    interval_weeks=segment.interval_weeks,
                )
                for occurrence in expand(schedule, segment.start, last):
                    item = (occurrence.opens, next(order), occurrence, segment, assignment_id)
                    heapq.heappush(waiting, item)
            while waiting and waiting[0][0] <= day:
                _, _, occurrence, segment, assignment_id = heapq.heappop(waiting)
                occurrence_id = helper.occurrence(assignment_id, occurrence)
                if day >= today:
                    helper.reminder(occurrence_id, day, None)
                    continue
                drift = 0.12 * math.sin((day - start).days / 45 + index)
                quiet = quiet_since is not None and day >= quiet_since
                done = not quiet and rng.random() < min(0.98, max(0.05, adherence + drift))
                done_day = None
                if done:
                    if occurrence.due == occurrence.opens:  # daily: mostly the same day
                        late = rng.random() < 0.1
                        done_day = day + timedelta(days=rng.randint(1, 2) if late else 0)
                    else:  # a week to do it in, now and then a little after
                        spread = rng.randint(0, 6) if rng.random() < 0.92 else rng.randint(7, 9)
                        done_day = day + timedelta(days=spread)
                    if done_day >= today or (quiet_since and done_day >= quiet_since):
                        done_day = day
                if done_day is None:
                    helper.reminder(occurrence_id, day, None)
                    continue
                done_at = self.local(done_day, rng.randint(7, 22), rng.randint(0, 59), zone)
                if segment.kind == "exercise":
                    item = segment.item
                    helper.exercise_done(assignment_id, occurrence_id, item, done_at, done_day)
                    if rng.random() < 0.04:  # extra practice, beyond the schedule
                        later = done_at + timedelta(minutes=rng.randint(30, 90))
                        if later.astimezone(zone).date() == done_day:
                            helper.exercise_done(assignment_id, None, item, later, done_day)
                else:
                    instrument = self.instruments[segment.item]
                    total = courses[segment.item].at((day - start).days, rng, instrument.maximum)
                    critical = (
                        instrument.critical_index is not None
                        and total >= 10
                        and rng.random() < 0.03
                    )
                    scored = self.scorer.scored(instrument, total, critical)
                    helper.assessment_done(
                        assignment_id, occurrence_id, instrument, scored, done_at, done_day
                    )
                helper.reminder(occurrence_id, day, done_at)
            yield


# --- command line -------------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    from bench import db

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="last day (UTC)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes making rows (default: one per core); the rows are the same for any number",
    )
    args = parser.parse_args(argv)
    today = args.today or datetime.now(UTC).date()
    url = os.environ.get("DATABASE_URL") or db.default_url("sqlite", args.size)
    started = clock.monotonic()
    print(f"Generating {args.size} (seed {args.seed}) into {url}", file=sys.stderr)
    db.drop(url)
    db.create(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = clock.monotonic()
    generator = Generator(args.size, args.seed, today)
    counts = generator.run(args.jobs)
    finished = clock.monotonic()
    summary = {
        "size": args.size,
        "seed": args.seed,
        "today": today.isoformat(),
        "database": db.engine_of(url),
        "migrate_seconds": round(migrated - started, 1),
        "generate_seconds": round(finished - migrated, 1),
        "jobs": generator.jobs,
        "seconds": {step: round(t, 1) for step, t in generator.timings.items()},
        "rows": counts,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
