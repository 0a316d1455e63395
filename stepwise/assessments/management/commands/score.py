"""`manage.py score INSTRUMENT_ID ANSWER ... [--sex male|female]`: score one form, print JSON.

The work happens in `main(argv)`, a pure function returning the exit status and both outputs, so
the command line, `call_command` and the tests all go through the same parsing and messages.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.assessments.definitions import InstrumentDefinition, shipped_instruments
from stepwise.assessments.scoring import ScoringError, expect_answer_count, report, score

USAGE = "usage: manage.py score INSTRUMENT_ID ANSWER [ANSWER ...] [--sex male|female]"
DESCRIPTION = (
    "Score one set of answers to a standard instrument and print one line of JSON. Answers are "
    "option values in item order; '-' marks a missing answer. Every shipped instrument can be "
    "scored, whether or not a practice has enabled it."
)
SEXES = ("male", "female")
MISSING = "-"

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# manage.py's own options may appear in argv; Django has already acted on them by now.
_DJANGO_FLAGS = frozenset({"--traceback", "--no-color", "--force-color", "--skip-checks"})
_DJANGO_VALUED = frozenset({"--settings", "--pythonpath", "--verbosity", "-v"})


class Outcome(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


class UsageError(Exception):
    """The command line itself is wrong: unknown option, unknown instrument, non-numeric answer."""


@dataclass
class _Request:
    instrument: str | None = None
    answers: list[str] = field(default_factory=list)
    sex: str | None = None
    help: bool = False


def main(
    argv: Sequence[str], instruments: Mapping[str, InstrumentDefinition] | None = None
) -> Outcome:
    """Run the command on argv (without the program and command names); never raises for input."""
    try:
        request = _parse_argv(argv)
        if request.help:
            return Outcome(0, f"{USAGE}\n\n{DESCRIPTION}\n", "")
        definitions = shipped_instruments() if instruments is None else instruments
        definition = _find_instrument(definitions, request.instrument)
        expect_answer_count(definition, len(request.answers))
        answers = [
            _parse_answer(definition.id, number, arg)
            for number, arg in enumerate(request.answers, 1)
        ]
        result = score(definition, answers, sex=request.sex)
    except (UsageError, ScoringError) as exc:
        return Outcome(2, "", f"score: {exc}\n")
    return Outcome(0, json.dumps(report(result)) + "\n", "")


def _parse_argv(argv: Sequence[str]) -> _Request:
    # Hand-rolled because argparse reads "-" and "-1" awkwardly, cannot take --sex between
    # answers, and prints several lines of usage on error where one line is promised.
    request = _Request()
    positional: list[str] = []
    args = list(argv)
    only_positional = False
    while args:
        arg = args.pop(0)
        if only_positional or arg == MISSING or _WHOLE_NUMBER.fullmatch(arg):
            positional.append(arg)
            continue
        if arg == "--":
            only_positional = True
            continue
        name, has_value, value = arg.partition("=")
        if name in ("-h", "--help"):
            request.help = True
        elif name == "--sex" or name in _DJANGO_VALUED:
            if not has_value:
                if not args:
                    raise UsageError(f"{name} needs a value")
                value = args.pop(0)
            if name == "--sex":
                request.sex = _parse_sex(value)
        elif name in _DJANGO_FLAGS or (name.startswith("-v") and name[2:].isdigit()):
            continue
        elif arg.startswith("--"):
            raise UsageError(f"unknown option {name} ({USAGE})")
        else:
            # The instrument id, or an answer such as "-x" or "2.5" that is reported as not a
            # whole number against its item once the instrument is known.
            positional.append(arg)
    if positional:
        request.instrument, request.answers = positional[0], positional[1:]
    return request


def _parse_sex(value: str) -> str:
    sex = value.strip().lower()
    if sex not in SEXES:
        raise UsageError(f"--sex must be {' or '.join(SEXES)}, not {value!r}")
    return sex


def _find_instrument(
    definitions: Mapping[str, InstrumentDefinition], instrument: str | None
) -> InstrumentDefinition:
    if not instrument:
        raise UsageError(f"no instrument given ({USAGE})")
    if instrument not in definitions:
        known = ", ".join(sorted(definitions))
        raise UsageError(f"unknown instrument {instrument!r} (known: {known})")
    return definitions[instrument]


def _parse_answer(instrument: str, number: int, arg: str) -> int | None:
    if arg == MISSING:
        return None
    if not _WHOLE_NUMBER.fullmatch(arg):
        raise UsageError(
            f"{instrument} item {number}: {arg!r} is not a whole number "
            f"(use {MISSING} for a missing answer)"
        )
    return int(arg)


class Command(BaseCommand):
    help = DESCRIPTION
    # Scoring reads only the shipped files; it must work before the database is set up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # Used for `help score` and call_command; the command line goes through `main`.
        parser.add_argument("instrument", help="instrument id, e.g. phq9")
        parser.add_argument(
            "answers", nargs="*", metavar="ANSWER", help=f"option value, or {MISSING} if missing"
        )
        parser.add_argument("--sex", help="male or female; needed for AUDIT-C bands")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # call_command parses with argparse: let --sex sit between instrument and answers there
        # too, as it may on the command line.
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        outcome = main(argv[2:])
        sys.stdout.write(outcome.stdout)
        sys.stderr.write(outcome.stderr)
        if outcome.exit_code:
            sys.exit(outcome.exit_code)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [options["instrument"], *options["answers"]]
        if options.get("sex") is not None:
            argv += ["--sex", options["sex"]]
        outcome = main(argv)
        if outcome.exit_code:
            message = outcome.stderr.strip().removeprefix("score: ")
            raise CommandError(message, returncode=outcome.exit_code)
        self.stdout.write(outcome.stdout, ending="")
