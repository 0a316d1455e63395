"""Reminder worker benchmark: throughput to a real SMTP sink, and the sweep's query plan.

    .venv/bin/python bench/reminders.py                 # both engines, one after the other
    .venv/bin/python bench/reminders.py --engine sqlite --json reminders.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/reminders.py --engine postgres

`bench/run` runs it for each engine it measures (`--json`, one engine at a time).

Each run uses a fresh database (a temporary SQLite file; a new PostgreSQL database on the server
of DATABASE_URL, dropped afterwards). Steps:

1. `--count` due email reminders (default 10,000: 1,000 clients x 10), made with bulk inserts.
2. One worker process, `manage.py send_reminders --once --batch 50`, sends them to an SMTP sink
   (aiosmtpd on loopback, in this process): a real SMTP conversation per message, one
   connection per batch. Reported: wall time of the process (Django start-up included) and the
   sending rate between the first and the last `sent_at`.
3. The sweep query (the claim's SELECT) explained, then timed over `--claims` (default 1,000)
   claims after a warm-up (median and p95), with 1,000 pending rows and no sent rows, then again
   after adding `--sent` (default 1,000,000) sent rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNT = 10_000  # due reminders sent to the sink
SENT_ROWS = 1_000_000  # sent rows the second sweep is timed among
CLAIMS = 1_000  # timed claims per sweep
WARMUP = 10  # claims before the timed ones


def _setup(engine: str) -> dict[str, str]:
    """Point this process (and the worker it starts) at a fresh database; returns the env."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    data = tempfile.mkdtemp(prefix="stepwise-bench-")
    env["STEPWISE_DATA_DIR"] = data
    if engine == "postgres":
        import dj_database_url
        import psycopg

        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        parts = dj_database_url.parse(base)
        name = f"stepwise_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(
            host=parts["HOST"] or "127.0.0.1",
            port=parts["PORT"] or 5432,
            user=parts["USER"] or "postgres",
            password=parts["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        user = parts["USER"] or "postgres"
        if parts["PASSWORD"]:
            user += f":{parts['PASSWORD']}"
        env["DATABASE_URL"] = (
            f"postgres://{user}@{parts['HOST'] or '127.0.0.1'}:{parts['PORT'] or 5432}/{name}"
        )
        env["BENCH_PG_NAME"] = name
        env["BENCH_PG_ADMIN"] = base
    os.environ.clear()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "stepwise.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dict(os.environ)


def _drop_postgres(env: dict[str, str]) -> None:
    import dj_database_url
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = dj_database_url.parse(env["BENCH_PG_ADMIN"])
    with psycopg.connect(
        host=parts["HOST"] or "127.0.0.1",
        port=parts["PORT"] or 5432,
        user=parts["USER"] or "postgres",
        password=parts["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{env["BENCH_PG_NAME"]}" WITH (FORCE)')


def _seed_due(clients: int, per_client: int, tag: str) -> None:
    from datetime import time as wall_time
    from datetime import timedelta

    from django.utils import timezone

    from stepwise.accounts.models import User
    from stepwise.clinic.models import Client, Practice
    from stepwise.homework.models import Assignment, Occurrence
    from stepwise.library.models import ExerciseDefinition
    from stepwise.reminders import actions
    from stepwise.reminders.models import Reminder

    now = timezone.now()
    practice = Practice.objects.create(name="Bench")
    therapist = User.objects.create_user(email=f"t-{tag}@bench.example", password=None, name="T")
    users = User.objects.bulk_create(
        User(email=f"c{n}-{tag}@bench.example", name=f"Client {n}") for n in range(clients)
    )
    people = Client.objects.bulk_create(
        Client(practice=practice, display_name=f"Client {n}", time_zone="UTC", user=u)
        for n, u in enumerate(users)
    )
    exercise = ExerciseDefinition.objects.filter(practice__isnull=True).first()
    assignments = Assignment.objects.bulk_create(
        Assignment(
            client=c, kind="exercise", exercise=exercise, title="x", reminder_time=wall_time(0),
            created_by=therapist,
        )
        for c in people
    )  # fmt: skip
    today = now.date()
    Occurrence.objects.bulk_create(
        (
            Occurrence(
                assignment=a, client_id=a.client_id, key=f"b{n}", opens=today,
                due=today + timedelta(days=1), ordinal=n,
            )
            for a in assignments
            for n in range(per_client)
        ),
        batch_size=2000,
    )  # fmt: skip
    actions.preferences_by_client(c.pk for c in people)
    Reminder.objects.bulk_create(
        (
            Reminder(
                client_id=o.client_id, occurrence_id=o.pk, kind="due", channel="email",
                key=f"occ:{o.pk}:email:due", send_at=now - timedelta(minutes=1),
            )
            for o in Occurrence.objects.filter(assignment__in=assignments)
            .only("pk", "client_id")
            .iterator()
        ),
        batch_size=2000,
    )  # fmt: skip


def _throughput(env: dict[str, str], count: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller
    from django.db.models import Max, Min

    from stepwise.reminders.models import Reminder

    class Sink:
        def __init__(self) -> None:
            self.count = 0
            self.connections = 0

        async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                              responses: list[str]) -> list[str]:  # fmt: skip
            self.connections += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.count += 1
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    worker_env = {**env, "EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1",
                  "EMAIL_PORT": str(port)}  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "send_reminders", "--once", "--batch", "50"],
        cwd=ROOT, env=worker_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.monotonic() - started
    controller.stop()
    span = Reminder.objects.filter(state="sent").aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    sending = (span["last"] - span["first"]).total_seconds()
    sent = Reminder.objects.filter(state="sent").count()
    return {
        "sent": sent,
        "received_at_sink": sink.count,
        "smtp_connections": sink.connections,
        "wall_seconds": round(wall, 2),
        "per_second_wall": round(count / wall, 1),
        "per_second_sending": round(sent / sending, 1) if sending else None,
        "worker_output": result.stdout.strip(),
    }


def _sweep_query() -> Any:
    from django.utils import timezone

    from stepwise.reminders.models import Reminder

    return (
        Reminder.objects.filter(state="pending", send_at__lte=timezone.now())
        .order_by("send_at")
        .values_list("pk", flat=True)[:50]
    )


def _sweep(vendor: str, claims: int) -> dict[str, Any]:
    """The claim's query plan, and its time (a transaction each, as the worker takes it) over
    `claims` claims after a warm-up."""
    from django.db import transaction

    from bench.measure import percentile
    from stepwise.reminders.models import Reminder

    query = _sweep_query()
    if vendor == "postgresql":
        with transaction.atomic():
            plan = query.select_for_update(skip_locked=True).explain(analyze=True, buffers=True)
    else:
        plan = query.explain()
    timings = []
    for n in range(WARMUP + claims):
        started = time.perf_counter()
        with transaction.atomic():
            list(_sweep_query().select_for_update(skip_locked=True))
        if n >= WARMUP:
            timings.append((time.perf_counter() - started) * 1000)
    median_ms = statistics.median(timings)
    p95_ms = percentile(timings, 0.95)
    sent = Reminder.objects.filter(state="sent").count()
    print(f"\nsweep with {sent} sent rows: median {median_ms:.3f} ms, p95 {p95_ms:.3f} ms"
          f" ({claims} claims)\n{plan}")  # fmt: skip
    return {
        "pending_rows": Reminder.objects.filter(state="pending").count(),
        "sent_rows": sent,
        "claims": claims,
        "median_ms": round(median_ms, 3),
        "p95_ms": round(p95_ms, 3),
        "plan": plan,
    }


def _analyze(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminder" if vendor == "postgresql" else "ANALYZE")


def _add_sent_rows(vendor: str, count: int) -> float:
    from django.db import connection

    from stepwise.clinic.models import Client

    client_id = Client.objects.values_list("pk", flat=True).first()
    started = time.monotonic()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "INSERT INTO reminders_reminder (client_id, kind, channel, key, send_at, state,"
                " attempts, lease_token, provider_id, last_error, skip_reason, sent_at,"
                " created_at) SELECT %s, 'due', 'email', 'sent:' || n,"
                " now() - (n || ' seconds')::interval, 'sent', 1, '', 'x', '', '', now(), now()"
                " FROM generate_series(1, %s) AS n",
                [client_id, count],
            )
        else:
            cursor.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
                " INSERT INTO reminders_reminder (client_id, kind, channel, key, send_at, state,"
                " attempts, lease_token, provider_id, last_error, skip_reason, sent_at,"
                " created_at) SELECT %s, 'due', 'email', 'sent:' || i,"
                " datetime('now', '-' || i || ' seconds'), 'sent', 1, '', 'x', '', '', "
                " datetime('now'), datetime('now') FROM n",
                [count, client_id],
            )
    _analyze(vendor)
    return time.monotonic() - started


def run(engine: str, count: int, sent_rows: int, claims: int) -> dict[str, Any]:
    env = _setup(engine)
    from django.db import connection, connections

    from stepwise.reminders.models import Reminder

    try:
        vendor = connection.vendor
        print(f"\n## {vendor}\n")
        _seed_due(clients=count // 10, per_client=10, tag="throughput")
        print(f"seeded {Reminder.objects.count()} due email reminders")
        figures = _throughput(env, count)
        for key, value in figures.items():
            print(f"{key}: {value}")
        # The sweep: 1,000 pending rows due, with no sent rows, then with `sent_rows` sent rows.
        Reminder.objects.all().delete()
        _seed_due(clients=100, per_client=10, tag="sweep")
        _analyze(vendor)
        sweeps = [_sweep(vendor, claims)]
        took = _add_sent_rows(vendor, sent_rows)
        print(f"\n(inserted {sent_rows} sent rows in {took:.1f} s)")
        sweeps.append(_sweep(vendor, claims))
    finally:
        connections.close_all()
        if engine == "postgres":
            _drop_postgres(env)
        shutil.rmtree(env["STEPWISE_DATA_DIR"], ignore_errors=True)
    return {"engine": engine, "throughput": figures, "sweeps": sweeps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"))
    parser.add_argument("--count", type=int, default=COUNT, help="a multiple of 10")
    parser.add_argument("--sent", type=int, default=SENT_ROWS)
    parser.add_argument("--claims", type=int, default=CLAIMS)
    parser.add_argument("--json", type=Path, help="write the results here (with --engine)")
    args = parser.parse_args()
    if args.engine:
        result = run(args.engine, args.count, args.sent, args.claims)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
        return
    if args.json:
        parser.error("--json needs --engine")
    for engine in ("sqlite", "postgres"):
        subprocess.run(  # noqa: S603 - this script, run again for one engine
            [sys.executable, __file__, "--engine", engine, "--count", str(args.count),
             "--sent", str(args.sent), "--claims", str(args.claims)],
            check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
