"""Measure the pages on one generated database: in-process server time, or HTTP throughput.

    DATABASE_URL=... .venv/bin/python -m bench.measure [--requests 100] [--http] [--json FILE]

Run by `bench/run`, one process per database (the settings read DATABASE_URL once). In-process:
each page through Django's test client (the whole middleware stack, no network), after a warm-up,
timed with perf_counter; the query count comes from one more request. Over HTTP: gunicorn on
127.0.0.1 and wrk for a fixed time per page at a fixed concurrency, including two ceilings: the
bare ceiling (`bench.bare`: Django and one primary-key query, no middleware, its own gunicorn
with the same command) and the project's ceiling page (the same query through the app's whole
middleware, signed in: `bench.urls`). Each page's throughput is given as a share of both, with
the gunicorn workers' CPU time per request (less disturbed by a loaded machine than req/s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Page:
    name: str
    who: str  # "therapist" or "client"
    path: str
    method: str = "GET"
    expect: int = 200


@dataclass
class Timing:
    page: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    queries: int
    bytes: int
    # This process's CPU time per request (median): less disturbed than the wall clock when
    # other work shares the machine; on PostgreSQL it leaves out the server's own time.
    cpu_median_ms: float = 0.0
    load_average: float = 0.0  # of the machine over the last minute (the highest of the rounds)
    rounds: int = 1  # measured this many times, in turn with the other pages (medians)


@dataclass
class Throughput:
    page: str
    path: str
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int  # failed requests, and answers other than the page's own status
    ratio_to_ceiling: float | None = None  # of the project's ceiling page
    ratio_to_bare: float | None = None  # of the bare ceiling (bench.bare)
    # CPU time (user + system) of the gunicorn workers per request, over the measured seconds.
    cpu_ms_per_request: float | None = None
    load_average: float = 0.0  # of the machine over the last minute (the highest of the rounds)
    rounds: int = 1  # measured this many times, in turn with the other pages (medians)


@dataclass
class Subject:
    """Who the pages are measured for: a therapist, one client of theirs, and a second client
    who hands in the submissions (so the first one's history stays as generated)."""

    practice_id: int
    therapist: Any
    client: Any
    submitter: Any
    sizes: dict[str, int] = field(default_factory=dict)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    # A database generated before the latest migrations (the app moves on; the data is reused).
    call_command("migrate", verbosity=0)


def find_subject() -> Subject:
    from stepwise.clinic.models import Client, Practice
    from stepwise.homework.models import Assignment, Completion, Occurrence, Submission

    practice = Practice.objects.filter(name__startswith="Bench ").order_by("id").first()
    if practice is None:
        raise SystemExit("No generated practice here: run `python -m bench.generate` first.")
    therapist = practice.memberships.select_related("user").order_by("user_id").first().user
    caseload = list(
        Client.objects.filter(therapists=therapist).select_related("user").order_by("id")[:2]
    )
    client, submitter = caseload[0], caseload[1]
    sizes = {
        "caseload": Client.objects.filter(therapists=therapist).count(),
        "client_submissions": Submission.objects.filter(client=client).count(),
        "client_completions": Completion.objects.filter(client=client).count(),
        "client_occurrences": Occurrence.objects.filter(client=client).count(),
        "client_assignments": Assignment.objects.filter(client=client).count(),
    }
    return Subject(practice.pk, therapist, client, submitter, sizes)


# Every page measured, for whom, and its path: {practice} and {client} are the subject's; the
# submission's {occurrence} is a fresh one for each request (see Submissions).
PAGES = [
    Page("ceiling", "therapist", "/bench/ceiling/{practice}/"),
    Page("caseload", "therapist", "/clients/"),
    Page("dashboard", "therapist", "/dashboard/"),
    Page("review inbox", "therapist", "/review/"),
    Page("client page", "therapist", "/clients/{client}/"),
    Page("client progress", "therapist", "/clients/{client}/progress/"),
    Page("summary", "therapist", "/clients/{client}/summary/"),
    Page("fhir export", "therapist", "/clients/{client}/fhir/"),
    Page("client home", "client", "/me/"),
    Page("submit", "submitter", "/me/do/{occurrence}/", "POST", 302),
]


def pages(subject: Subject) -> list[Page]:
    """PAGES with the subject's ids in their paths; a path that does not resolve is an error."""
    from django.urls import Resolver404, resolve

    ids = {"practice": subject.practice_id, "client": subject.client.pk}
    found = []
    for page in PAGES:
        path = page.path.format(**ids, occurrence="{occurrence}")
        try:
            resolve(path.format(occurrence=1))
        except Resolver404:
            raise SystemExit(
                f"The {page.name!r} page's path {path} does not resolve: update PAGES in "
                "bench/measure.py to the app's URLs."
            ) from None
        found.append(replace(page, path=path))
    return found


def browsers(subject: Subject) -> dict[str, Any]:
    from django.test import Client as Browser

    signed_in = {}
    for who, user in (
        ("therapist", subject.therapist),
        ("client", subject.client.user),
        ("submitter", subject.submitter.user),
    ):
        browser = Browser()
        browser.force_login(user)
        signed_in[who] = browser
    return signed_in


class Submissions:
    """A fresh daily assignment for the submitting client with as many open occurrences as the
    run needs, each handed in once; ended afterwards so it leaves the client's home page."""

    def __init__(self, subject: Subject, count: int) -> None:
        from datetime import time as clock_time

        from bench.content import varied_answers
        from stepwise.homework.actions import assigning
        from stepwise.homework.models import ItemKind, Occurrence, today_for
        from stepwise.homework.schedule import Frequency, Schedule
        from stepwise.library.models import ExerciseDefinition
        from stepwise.library.responses import to_form, validate_response

        self.subject = subject
        exercise = ExerciseDefinition.objects.get(practice__isnull=True, slug="daily-mood-check-in")
        client = subject.submitter
        today = today_for(client)
        self.assignment = assigning.assign(
            client=client,
            by=subject.therapist,
            item=assigning.ItemChoice(
                ItemKind.EXERCISE, exercise=exercise, title=exercise.title, estimated_minutes=2
            ),
            schedule=Schedule(Frequency.DAILY, start=today),
            reminder_time=clock_time(18, 0),
        )
        token = f"{time.time_ns():x}"
        created = Occurrence.objects.bulk_create(
            Occurrence(
                assignment=self.assignment,
                client=client,
                key=f"bench-{token}-{i}",
                opens=today,
                due=today,
                ordinal=1_000_000 + i,
            )
            for i in range(count)
        )
        self.ids = [o.pk for o in created]
        document = exercise.current_version.parsed
        answers = validate_response(document, varied_answers(document, random.Random(1)))
        self.form = to_form(document, answers.answers)
        self.used = 0

    def next_path(self) -> str:
        occurrence_id = self.ids[self.used]
        self.used += 1
        return f"/me/do/{occurrence_id}/"

    def close(self) -> None:
        from django.db.models import ProtectedError

        from stepwise.homework.actions import assigning
        from stepwise.homework.models import Occurrence

        for _ in range(5):  # a request the load generator left in flight may still hand one in
            try:
                Occurrence.objects.filter(
                    assignment=self.assignment, completion__isnull=True, key__startswith="bench-"
                ).delete()
                break
            except ProtectedError:
                time.sleep(1)
        assigning.set_status(self.assignment, "ended", by=self.subject.therapist)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class PageRun:
    """One page's requests and their timings, taken a request at a time in turn with the others."""

    def __init__(self, page: Page, browser: Any, submissions: Submissions | None) -> None:
        self.page = page
        self.browser = browser
        self.submissions = submissions
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.spent = 0.0  # seconds

    def request(self) -> Any:
        if self.page.method == "POST":
            assert self.submissions is not None
            return self.browser.post(self.submissions.next_path(), self.submissions.form)
        return self.browser.get(self.page.path)

    def warm(self, count: int) -> None:
        for _ in range(count):
            response = self.request()
            if response.status_code != self.page.expect:
                raise SystemExit(
                    f"{self.page.name}: {self.page.path} answered {response.status_code}"
                )

    def timed(self) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = self.request()
        elapsed = time.perf_counter() - started
        self.cpu.append((time.process_time() - started_cpu) * 1000)
        self.times.append(elapsed * 1000)
        self.spent += elapsed
        if response.status_code != self.page.expect:
            raise SystemExit(f"{self.page.name}: {self.page.path} answered {response.status_code}")

    def result(self) -> Timing:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.request()
        body = b"".join(response) if response.streaming else response.content
        return Timing(
            page=self.page.name,
            path=self.page.path if self.page.method == "GET" else "POST /me/do/<occurrence>/",
            requests=len(self.times),
            median_ms=round(statistics.median(self.times), 2),
            p95_ms=round(percentile(self.times, 0.95), 2),
            queries=len(queries.captured_queries),
            bytes=len(body),
            cpu_median_ms=round(statistics.median(self.cpu), 2),
            load_average=round(os.getloadavg()[0], 2),
        )


def in_process(requests: int, warmup: int, budget: float, only: set[str] | None) -> dict[str, Any]:
    """Every page in turn, one request each per round, so that whatever else the machine is
    doing weighs on all of them alike (the ceiling included); a page stops after `requests`
    requests or `budget` seconds of its own (at least 10 requests)."""
    subject = find_subject()
    signed_in = browsers(subject)
    runs = []
    for page in pages(subject):
        if only and page.name not in only:
            continue
        submissions = None
        if page.method == "POST":
            submissions = Submissions(subject, warmup + requests + 1)
        runs.append(PageRun(page, signed_in[page.who], submissions))
    try:
        for run in runs:
            run.warm(warmup)
        active = list(runs)
        while active:
            for run in active:
                run.timed()
            active = [
                r
                for r in active
                if len(r.times) < requests and (len(r.times) < 10 or r.spent < budget)
            ]
        results = [run.result() for run in runs]
    finally:
        for run in runs:
            if run.submissions is not None:
                run.submissions.close()
    for timing in results:
        print(
            f"    {timing.page:16} median {timing.median_ms:8.2f} ms  p95 {timing.p95_ms:8.2f} ms"
            f"  {timing.queries:3} queries  ({timing.requests} requests)",
            file=sys.stderr,
            flush=True,
        )
    return {
        "subject": subject.sizes,
        "order": "round robin",
        "pages": [asdict(r) for r in results],
    }


# --- profiling ----------------------------------------------------------------------------------


def profile(page_name: str, requests: int) -> None:
    """Where one page's time goes: pyinstrument if installed, else cProfile's top functions."""
    subject = find_subject()
    signed_in = browsers(subject)
    page = next(p for p in pages(subject) if p.name == page_name)
    browser = signed_in[page.who]
    submissions = Submissions(subject, requests + 5) if page.method == "POST" else None

    def run() -> None:
        for _ in range(requests):
            if submissions is not None:
                browser.post(submissions.next_path(), submissions.form)
            else:
                browser.get(page.path)

    try:
        run_once: Callable[[], None] = run
        if submissions is None:
            browser.get(page.path)  # warm
        try:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            run_once()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        except ImportError:
            import cProfile
            import pstats

            cprofiler = cProfile.Profile()
            cprofiler.runcall(run_once)
            pstats.Stats(cprofiler).sort_stats("cumulative").print_stats(40)
    finally:
        if submissions is not None:
            submissions.close()


# --- over HTTP ------------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local per_thread = %(per_thread)d
local body = %(body)s
local method = "%(method)s"
local content_type = %(content_type)s
local expected = %(expected)d
local next_index = 0
local threads = {}

function setup(thread)
  thread:set("offset", next_index * per_thread)
  next_index = next_index + 1
  table.insert(threads, thread)
end

unexpected = 0
function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

counter = 0
function request()
  counter = counter + 1
  local i = offset + ((counter - 1) %% per_thread) + 1
  if i > #paths then i = #paths end
  local headers = {Cookie = cookies[(counter %% #cookies) + 1]}
  if content_type then headers["Content-Type"] = content_type end
  return wrk.format(method, paths[i], headers, body)
end

function done(summary, latency, requests)
  -- Errors, and any other status than the page's own (a redirect to sign-in is not a page).
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("unexpected") end
  io.write(string.format("BENCH %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), errors))
end
"""
BARE_CEILING = "bare ceiling"  # bench.bare: Django and one query, no middleware, no session
SESSIONS = 8  # signed-in sessions per page, taken in turn (one person does not send 4 at once)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def start_gunicorn(
    port: int, workers: int, app: str = "bench.wsgi:application"
) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1 with the bench's server settings (the bare ceiling uses the same)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit("gunicorn is not installed: .venv/bin/pip install -e '.[bench]'")
    command = [
        str(gunicorn),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    env = os.environ.copy()
    if app.startswith("bench.bare."):
        env["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not open its port in 30 s")


def _sessions(user: Any) -> list[str]:
    from django.conf import settings
    from django.test import Client as Browser

    found = []
    for _ in range(SESSIONS):
        browser = Browser()
        browser.force_login(user)
        found.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    return found


def worker_cpu_seconds(masters: list[int]) -> float:
    """CPU time (user + system) used so far by the gunicorn workers of these masters (Linux):
    less disturbed than wall-clock latency when other work shares the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for master in masters:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _children_cpu(master: int) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        found[int(child)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def wait_until_booted(master: int, workers: int | None = None, timeout: float = 300) -> None:
    """Until every gunicorn worker has imported the app (gunicorn opens its port before they
    have, and a worker takes seconds to import Django on a loaded machine; requests then queue
    behind the boot): all `workers` children have used CPU and then sat idle for a second.
    Without `workers`: until the workers there are sit idle (a warm-up's requests are done)."""
    deadline = time.monotonic() + timeout
    before = _children_cpu(master)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _children_cpu(master)
        booted = (workers is None or len(now) == workers) and all(
            cpu > 0.05 and cpu - before.get(pid, 0.0) < 0.02 for pid, cpu in now.items()
        )
        if booted:
            return
        before = now
    raise SystemExit(f"gunicorn's workers did not settle in {timeout:g} s.")


def _wrk(
    page: Page,
    subject: Subject,
    port: int,
    seconds: float,
    concurrency: int,
    threads: int,
    master: int | None = None,
    warm: bool = True,
) -> Throughput:
    from urllib.parse import urlencode

    from django.conf import settings

    if page.who == "nobody":  # the bare ceiling: no session to send
        cookies = ["bench=bare"]
    else:
        user = {
            "therapist": subject.therapist,
            "client": subject.client.user,
            "submitter": subject.submitter.user,
        }[page.who]
        cookies = [f"{settings.SESSION_COOKIE_NAME}={s}" for s in _sessions(user)]
    submissions = None
    body, paths, per_thread, content_type = "nil", [page.path], 1, "nil"
    if page.method == "POST":
        # Enough open occurrences for a fast server; each is handed in once.
        submissions = Submissions(subject, int(300 * seconds) * threads)
        browser = browsers(subject)[page.who]
        browser.get(f"/me/do/{submissions.ids[0]}/")  # sets the CSRF cookie
        token = browser.cookies[settings.CSRF_COOKIE_NAME].value
        cookies = [f"{c}; {settings.CSRF_COOKIE_NAME}={token}" for c in cookies]
        form = {**submissions.form, "csrfmiddlewaretoken": [token]}
        body = _lua_string(urlencode(form, doseq=True))
        paths = [f"/me/do/{i}/" for i in submissions.ids]
        per_thread = len(paths) // threads
        content_type = _lua_string("application/x-www-form-urlencoded")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % {
                "paths": ",".join(_lua_string(p) for p in paths),
                "cookies": ",".join(_lua_string(c) for c in cookies),
                "per_thread": per_thread,
                "body": body,
                "method": page.method,
                "content_type": content_type,
                "expected": page.expect,
            }
        )
    wrk = shutil.which("wrk")
    assert wrk is not None
    base = [wrk, "-t", str(threads), "-c", str(concurrency), "-s", script.name]
    url = f"http://127.0.0.1:{port}/"
    cpu = None
    try:
        if warm and page.method == "GET":  # warm every worker (imports, connections, caches)
            subprocess.run([*base, "-d", "3s", url], capture_output=True, check=True)  # noqa: S603
            if master is not None:
                wait_until_booted(master)  # a worker's first requests import the rest of the app
        cpu_before = worker_cpu_seconds([master]) if master is not None else 0.0
        completed = subprocess.run(  # noqa: S603
            [*base, "-d", f"{seconds:g}s", "--timeout", "30s", url],
            capture_output=True,
            text=True,
            check=True,
        )
        if master is not None:
            cpu = worker_cpu_seconds([master]) - cpu_before
    finally:
        os.unlink(script.name)
        if submissions is not None:
            submissions.close()
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH "))
    count, duration_us, p50, p95, errors = (int(v) for v in line.split()[1:])
    return Throughput(
        page=page.name,
        path=page.path if page.method == "GET" else "POST /me/do/<occurrence>/",
        seconds=round(duration_us / 1e6, 2),
        requests=count,
        rps=round(count / (duration_us / 1e6), 1),
        p50_ms=round(p50 / 1000, 2),
        p95_ms=round(p95 / 1000, 2),
        errors=errors,
        cpu_ms_per_request=None if cpu is None else round(1000 * cpu / max(1, count), 2),
        load_average=round(os.getloadavg()[0], 2),
    )


def over_http(
    seconds: float,
    concurrency: int,
    threads: int,
    workers: int,
    only: set[str] | None,
    rounds: int = 3,
) -> dict[str, Any]:
    """Every page over HTTP in `rounds` rounds (bare ceiling, ceiling page, then the others, in
    turn), `seconds` each per round. A page's figures are the median of its rounds, and its
    shares are the median of each round's share of that round's ceilings: the machine's speed
    drifts over minutes on a shared host, and pages measured side by side drift together."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk).")
    subject = find_subject()
    bare = Page(BARE_CEILING, "nobody", f"/bench/ceiling/{subject.practice_id}/")
    chosen = [p for p in pages(subject) if not only or p.name in only or p.name == "ceiling"]
    servers: dict[str, subprocess.Popen[bytes]] = {}
    ports: dict[str, int] = {}
    measured: dict[str, list[Throughput]] = {page.name: [] for page in [bare, *chosen]}
    try:
        for app in ("bench.bare.wsgi:application", "bench.wsgi:application"):
            ports[app] = _free_port()
            servers[app] = start_gunicorn(ports[app], workers, app)
            wait_until_booted(servers[app].pid, workers)
        for round_number in range(rounds):
            for page in [bare, *chosen]:
                app = "bench.bare.wsgi:application" if page is bare else "bench.wsgi:application"
                result = _wrk(
                    page,
                    subject,
                    ports[app],
                    seconds,
                    concurrency,
                    threads,
                    servers[app].pid,
                    warm=round_number == 0,
                )
                measured[page.name].append(result)
                print(
                    f"    {round_number + 1}/{rounds} {result.page:16} {result.rps:8.1f} req/s"
                    f"  p95 {result.p95_ms:8.2f} ms"
                    f"  {result.cpu_ms_per_request or 0:6.2f} CPU ms/request"
                    f"  ({result.requests} requests, {result.errors} errors)",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    results = [
        _median_of_rounds(runs, measured[BARE_CEILING], measured["ceiling"])
        for runs in measured.values()
    ]
    return {
        "concurrency": concurrency,
        "wrk_threads": threads,
        "gunicorn_workers": workers,
        "sessions_per_page": SESSIONS,
        "rounds": rounds,
        "pages": [asdict(r) for r in results],
    }


def _median_of_rounds(
    runs: list[Throughput], bare: list[Throughput], ceiling: list[Throughput]
) -> Throughput:
    """One page's rounds as one result: medians, requests and errors summed, and the shares as
    the median of each round's own."""

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    cpu = [r.cpu_ms_per_request for r in runs if r.cpu_ms_per_request is not None]
    return Throughput(
        page=runs[0].page,
        path=runs[0].path,
        seconds=round(sum(r.seconds for r in runs), 2),
        requests=sum(r.requests for r in runs),
        rps=round(statistics.median(r.rps for r in runs), 1),
        p50_ms=median([r.p50_ms for r in runs]),
        p95_ms=median([r.p95_ms for r in runs]),
        errors=sum(r.errors for r in runs),
        ratio_to_ceiling=round(
            statistics.median(r.rps / c.rps for r, c in zip(runs, ceiling, strict=True)), 3
        ),
        ratio_to_bare=round(
            statistics.median(r.rps / b.rps for r, b in zip(runs, bare, strict=True)), 3
        ),
        cpu_ms_per_request=median(cpu) if cpu else None,
        load_average=max(r.load_average for r in runs),
        rounds=len(runs),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds at most per page")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--http", action="store_true", help="measure over HTTP instead")
    parser.add_argument("--seconds", type=float, default=10.0, help="HTTP: per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP: pages measured in turn")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--profile", default="", help="profile one page instead")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    setup()
    only = {name.strip() for name in args.only.split(",") if name.strip()} or None
    if args.profile:
        profile(args.profile, args.requests)
        return 0
    if args.http:
        result = over_http(
            args.seconds, args.concurrency, args.threads, args.workers, only, args.rounds
        )
    else:
        result = in_process(args.requests, args.warmup, args.budget, only)
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
