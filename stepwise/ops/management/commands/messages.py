"""manage.py messages: make every translation catalogue from the sources, and compile them.

One catalogue per app (`stepwise/<app>/locale/`, the app's Python and its own templates) and one
for the project (`stepwise/locale/`: the shared templates - base, includes, emails, the sign-in
pages -, `lib`, the project's views, and `djangojs` for `static/stepwise.js`). One catalogue per
app keeps the words beside the code that shows them, and lets work on two apps merge without
touching the same file.

    manage.py messages            # update the .po files from the sources, then compile the .mo
    manage.py messages --check    # fail if a catalogue is out of date, or a message is missing
                                  # or fuzzy in any language (CI runs this)

Needs GNU gettext (`xgettext`, `msgmerge`, `msgfmt`; Debian's `gettext`). The compiled `.mo`
files are committed, so running Stepwise needs neither gettext nor this command.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

import stepwise

ROOT = Path(stepwise.__file__).parent
APPS = (
    *("accounts", "assessments", "audit", "clinic", "homework", "library", "progress"),
    *("reminders", "ops"),
)
IGNORED = ("vendor", "migrations", "__pycache__", "management")


def languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@contextmanager
def working_in(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def make(root: Path) -> None:
    """Update every catalogue under `root` (a copy of the package, or the package itself)."""
    quiet: dict[str, Any] = {"verbosity": 0, "locale": languages(), "no_obsolete": True}
    quiet["add_location"] = "file"  # file names, not line numbers: edits don't churn the .po
    for app in APPS:
        (root / app / "locale").mkdir(exist_ok=True)
        # Run inside the app, with no LOCALE_PATHS: its files go to its own `locale/`.
        with working_in(root / app), override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", ignore_patterns=list(IGNORED), **quiet)
    (root / "locale").mkdir(exist_ok=True)
    with working_in(root), override_settings(LOCALE_PATHS=[str(root / "locale")]):
        ignore = [*IGNORED, *APPS]
        call_command("makemessages", ignore_patterns=ignore, **quiet)
        call_command(
            "makemessages", domain="djangojs", ignore_patterns=[*ignore, "static/vendor"], **quiet
        )


def catalogues(root: Path) -> list[Path]:
    return sorted(root.glob("*/locale/*/LC_MESSAGES/*.po")) + sorted(
        root.glob("locale/*/LC_MESSAGES/*.po")
    )


def entries(po: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(context, msgid) -> msgstr forms, read with polib; fuzzy entries count as missing."""
    import polib  # type: ignore[import-untyped]

    found = {}
    for entry in polib.pofile(str(po)):
        if entry.obsolete:
            continue
        forms = (
            tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if entry.msgid_plural
            else (entry.msgstr,)
        )
        if entry.fuzzy:
            forms = ("",)
        found[(entry.msgctxt or "", entry.msgid)] = forms
    return found


def problems(root: Path) -> list[str]:
    """What is wrong with the committed catalogues, compared with a fresh extraction."""
    wrong = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "stepwise"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        make(copy)
        for fresh in catalogues(copy):
            relative = fresh.relative_to(copy)
            committed = root / relative
            if not committed.exists():
                wrong.append(f"{relative}: missing (run manage.py messages)")
                continue
            have, want = entries(committed), entries(fresh)
            for key in sorted(set(want) - set(have)):
                wrong.append(f"{relative}: not extracted yet: {key[1]!r} (run manage.py messages)")
            for key in sorted(set(have) - set(want)):
                wrong.append(f"{relative}: no longer in the sources: {key[1]!r}")
    for po in catalogues(root):
        for (_, msgid), forms in entries(po).items():
            if msgid and not all(forms):
                wrong.append(f"{po.relative_to(root)}: not translated (or fuzzy): {msgid!r}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or not _same(po, mo):
            wrong.append(f"{mo.relative_to(root)}: not compiled from its .po (manage.py messages)")
    return wrong


def _same(po: Path, mo: Path) -> bool:
    import polib

    def pairs(catalogue: Any) -> set[tuple[Any, ...]]:
        return {
            (e.msgctxt or "", e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if e.msgid
            and not e.obsolete
            and "fuzzy" not in e.flags
            and (e.msgstr or e.msgstr_plural)
        }

    return pairs(polib.pofile(str(po))) == pairs(polib.mofile(str(mo)))


class Command(BaseCommand):
    help = "Update the translation catalogues from the sources and compile them (--check: verify)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if a catalogue is out of date, incomplete or uncompiled.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if shutil.which("xgettext") is None:
            raise CommandError("GNU gettext is needed (Debian: apt-get install gettext).")
        if options["check"]:
            wrong = problems(ROOT)
            if wrong:
                raise CommandError("Translation catalogues:\n  " + "\n  ".join(wrong))
            self.stdout.write("Translation catalogues are complete and up to date.")
            return
        make(ROOT)
        for app in (*APPS, ""):
            with working_in(ROOT / app):
                call_command("compilemessages", verbosity=0, ignore_patterns=list(IGNORED))
        self.stdout.write(f"Updated and compiled {len(catalogues(ROOT))} catalogues.")
