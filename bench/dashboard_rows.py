"""CPU time of the dashboard's rows alone: 25 caseload rows and 10 attention items rendered
through the `caseload-row` and `attention-item` partials of `progress/dashboard.html`, as the page
renders them (the page's own loops, compiled once), without a database or a request.

    .venv/bin/python -m bench.dashboard_rows [--repeat 300]

The rows are varied as a caseload's are (two scores each, badges, next sessions). Prints the
median and 10th percentile of this process's CPU time per render, and the bytes rendered.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def build() -> tuple[Any, Any]:
    """The rows, the items and a template of the page's two loops."""
    import zoneinfo
    from datetime import UTC, date, datetime

    from django.template import Template

    from stepwise.clinic.models import Client
    from stepwise.homework.schedule import Adherence
    from stepwise.progress.dashboard import AttentionItem, CaseloadRow
    from stepwise.progress.stored import StoredScore

    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    zone = zoneinfo.ZoneInfo("Europe/London")

    def score(key: str, abbreviation: str, total: float, previous: float) -> StoredScore:
        return StoredScore(key, abbreviation, total, "Moderate", previous, False, None, when)

    rows = [
        CaseloadRow(
            client=Client(
                id=1000 + n,
                display_name=f"Client {n:03}",
                is_minor=n % 7 == 0,
                next_session_on=date(2026, 12, 1) if n % 2 else None,
                next_session_note="Review" if n % 3 else "",
                time_zone="Europe/London",
            ),
            week=Adherence(7, 3, 1, 2, 1),
            month=Adherence(30, 20, 2, 6, 1),
            last_activity=when,
            inactive_days=n % 5,
            unreviewed=n % 3,
            overdue=n % 4,
            alerts=1 if n % 10 == 0 else 0,
            stored_scores=(score("phq9", "PHQ-9", 12.0, 15.0), score("gad7", "GAD-7", 8.0, 6.0)),
            zone=zone,
        )
        for n in range(25)
    ]
    items = [
        AttentionItem(
            "unreviewed" if n % 2 else "inactive",
            1000 + n,
            f"Client {n}",
            "3 new results to review",
            when if n % 2 == 0 else None,
        )
        for n in range(10)
    ]
    templates = ROOT / "stepwise" / "progress" / "templates"
    source = (templates / "progress" / "dashboard.html").read_text()

    def loop(start: str) -> str:
        first = source.index(start)
        end = source.index("{% endfor %}", source.index("{% endpartialdef %}", first))
        return source[first : end + len("{% endfor %}")]

    loops = loop("{% for row in rows %}") + loop("{% for item in attention %}")
    page = Template("{% load i18n %}" + loops)  # the page's own libraries
    return page, {"rows": rows, "attention": items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.template import Context

    page, values = build()

    def render() -> str:
        for row in values["rows"]:
            row.__dict__.pop("scores", None)  # built per view, as on the page
        return str(page.render(Context(values, autoescape=True)))

    for _ in range(20):
        render()
    samples = []
    for _ in range(args.repeat):
        started = time.process_time()
        render()
        samples.append((time.process_time() - started) * 1000)
    samples.sort()
    print(
        f"25 rows + 10 attention items: CPU median {statistics.median(samples):.2f} ms, "
        f"p10 {samples[len(samples) // 10]:.2f} ms, {len(render())} bytes"
    )


if __name__ == "__main__":
    main()
