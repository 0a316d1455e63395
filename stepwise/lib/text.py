"""Text hygiene shared by every app: control characters have no place in what people read."""

from __future__ import annotations

import re

# C0 controls except tab, newline and carriage return; DEL; C1 controls. A NUL in an
# exercise's text once broke the markdown renderer, and PostgreSQL cannot store one in JSON.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)
