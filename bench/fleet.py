"""A bounded load run on two web nodes: two gunicorn processes on two ports, one PostgreSQL
database, and wrk against both at once with a mix of therapist and client pages.

    DATABASE_URL=postgres://.../stepwise_bench_medium .venv/bin/python -m bench.fleet \
        [--seconds 30] [--workers 2] [--concurrency 4] [--json FILE]

The database is one `python -m bench.generate` made (any size). Sessions are made here, in the
database, and used on both nodes: nothing a request needs lives in a node. Each wrk connection
takes the mix's requests in turn, each with a signed-in cookie of the right person; any answer
but 200 is counted as an error. Loopback only; each wrk run stops after --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import (
    _free_port,
    _lua_string,
    _sessions,
    find_subject,
    setup,
    start_gunicorn,
    worker_cpu_seconds,
)

ROOT = Path(__file__).resolve().parents[1]

# The evening mix: six client requests to four therapist ones. (who, page, path)
MIX = [
    ("client", "client home", "/me/"),
    ("therapist", "dashboard", "/dashboard/"),
    ("client", "client home", "/me/"),
    ("therapist", "caseload", "/clients/"),
    ("client", "client home", "/me/"),
    ("therapist", "review inbox", "/review/"),
    ("client", "client home", "/me/"),
    ("therapist", "client page", "/clients/{client}/"),
    ("client", "client home", "/me/"),
    ("client", "client home", "/me/"),
]

SCRIPT = """
local paths = {%(paths)s}
local roles = {%(roles)s}
local cookies = {therapist = {%(therapist)s}, client = {%(client)s}}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

unexpected = 0
function response(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

counter = 0
function request()
  counter = counter + 1
  local i = ((counter - 1) %% #paths) + 1
  local jar = cookies[roles[i]]
  return wrk.format("GET", paths[i], {Cookie = jar[(counter %% #jar) + 1]}, nil)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("unexpected") end
  io.write(string.format("FLEET %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), errors))
end
"""


@dataclass
class NodeResult:
    node: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def machine() -> dict[str, str]:
    model = platform.processor()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = ""
    if shutil.which("free"):
        lines = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout  # noqa: S607
        memory = next((x.split()[1] for x in lines.splitlines() if x.startswith("Mem:")), "")
    return {
        "cpu": model,
        "cores": str(os.cpu_count() or 0),
        "memory": memory,
        "python": platform.python_version(),
        "load_average_before": f"{os.getloadavg()[0]:.1f}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write_script(subject: Any) -> str:
    from django.conf import settings

    def jar(users: list[Any]) -> str:
        found = [f"{settings.SESSION_COOKIE_NAME}={s}" for user in users for s in _sessions(user)]
        return ",".join(_lua_string(c) for c in found)

    paths = [path.format(client=subject.client.pk) for _, _, path in MIX]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            SCRIPT
            % {
                "paths": ",".join(_lua_string(p) for p in paths),
                "roles": ",".join(_lua_string(who) for who, _, _ in MIX),
                "therapist": jar([subject.therapist]),
                "client": jar([subject.client.user, subject.submitter.user]),
            }
        )
        return script.name


def run_wrk(script: str, ports: list[int], seconds: float, concurrency: int) -> list[NodeResult]:
    """wrk against every node at once, for `seconds`; one result per node."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk).")
    runs = [
        subprocess.Popen(  # noqa: S603
            [
                wrk,
                "-t",
                "1",
                "-c",
                str(concurrency),
                "-d",
                f"{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                script,
                f"http://127.0.0.1:{port}/",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    results = []
    for port, run in zip(ports, runs, strict=True):
        out, err = run.communicate(timeout=seconds + 120)
        if run.returncode != 0:
            raise SystemExit(f"wrk against port {port} failed: {err}")
        line = next(x for x in out.splitlines() if x.startswith("FLEET "))
        count, duration_us, p50, p95, p99, errors = (int(v) for v in line.split()[1:])
        results.append(
            NodeResult(
                node=f"127.0.0.1:{port}",
                requests=count,
                seconds=round(duration_us / 1e6, 2),
                rps=round(count / (duration_us / 1e6), 1),
                p50_ms=round(p50 / 1000, 1),
                p95_ms=round(p95 / 1000, 1),
                p99_ms=round(p99 / 1000, 1),
                errors=errors,
            )
        )
    return results


def wait_until_warm(ports: list[int], timeout: float = 120) -> None:
    """Until each node's workers have booted (gunicorn opens its port before they have): ten
    quick answers in a row from every node."""
    import urllib.request

    deadline = time.monotonic() + timeout
    for port in ports:
        quick = 0
        while quick < 10:
            if time.monotonic() > deadline:
                raise SystemExit(f"The node on port {port} did not warm up in {timeout:g} s.")
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):
                    pass
            except OSError:
                time.sleep(0.5)
                continue
            quick = quick + 1 if time.monotonic() - started < 0.5 else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the measured run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--concurrency", type=int, default=2, help="wrk connections per node")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a generated PostgreSQL database.")
    if args.seconds <= 0 or args.seconds > 600:
        raise SystemExit("--seconds must be between 0 and 600 (a bounded run).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    setup()
    subject = find_subject()
    about = machine()
    ports = [_free_port(), _free_port()]
    nodes = [start_gunicorn(port, args.workers) for port in ports]
    script = write_script(subject)
    try:
        wait_until_warm(ports)
        run_wrk(script, ports, 10, args.concurrency)  # imports, connections, stored figures
        masters = [node.pid for node in nodes]
        cpu_before = worker_cpu_seconds(masters)
        started = time.monotonic()
        results = run_wrk(script, ports, args.seconds, args.concurrency)
        wall = time.monotonic() - started
        cpu = worker_cpu_seconds(masters) - cpu_before
    finally:
        os.unlink(script)
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=30)
    report = {
        "machine": {**about, "load_average_after": f"{os.getloadavg()[0]:.1f}"},
        "database": "postgresql",
        "caseload": subject.sizes.get("caseload"),
        "nodes": len(ports),
        "gunicorn_workers_per_node": args.workers,
        "wrk_connections_per_node": args.concurrency,
        "mix": [f"{who}: {page}" for who, page, _ in MIX],
        "seconds": args.seconds,
        "wall_seconds": round(wall, 1),
        "per_node": [asdict(r) for r in results],
        "total_rps": round(sum(r.rps for r in results), 1),
        "p95_ms_worst_node": max(r.p95_ms for r in results),
        "errors": sum(r.errors for r in results),
        "web_cpu_ms_per_request": round(1000 * cpu / max(1, sum(r.requests for r in results)), 1),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
