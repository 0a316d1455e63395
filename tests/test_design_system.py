"""The design system: its colour tokens meet WCAG AA, and the style page shows every component."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from tests.conftest import World

CSS = Path(__file__).resolve().parents[1] / "stepwise" / "static" / "css" / "stepwise.css"

# (text, background, minimum ratio): every pair the stylesheet puts together.
TEXT_PAIRS = [
    ("ink", "paper", 4.5),
    ("ink", "canvas", 4.5),
    ("ink", "wash", 4.5),
    ("muted", "paper", 4.5),
    ("muted", "canvas", 4.5),
    ("muted", "wash", 4.5),
    ("brand", "paper", 4.5),
    ("brand", "canvas", 4.5),
    ("brand", "wash", 4.5),
    ("brand-dark", "brand-soft", 4.5),
    ("ink", "brand-soft", 4.5),
    ("paper", "brand", 4.5),  # primary button text
    ("paper", "brand-dark", 4.5),
    ("paper", "error", 4.5),  # danger button on hover
    ("ok", "ok-soft", 4.5),
    ("warn", "warn-soft", 4.5),
    ("error", "error-soft", 4.5),
    ("ink", "ok-soft", 4.5),
    ("ink", "warn-soft", 4.5),
    ("ink", "error-soft", 4.5),
    ("error", "paper", 4.5),
    ("warn", "paper", 4.5),
    ("ok", "paper", 4.5),
]
# Borders that show where a field is (WCAG 1.4.11 non-text contrast).
NON_TEXT_PAIRS = [("field-line", "paper", 3.0), ("field-line", "canvas", 3.0)]


def tokens() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS.read_text(), re.S)
    assert root is not None
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background", "minimum"), TEXT_PAIRS + NON_TEXT_PAIRS)
def test_every_colour_pair_the_stylesheet_uses_meets_wcag_aa(
    text: str, background: str, minimum: float
) -> None:
    colours = tokens()
    ratio = contrast(colours[text], colours[background])
    assert ratio >= minimum, f"{text} on {background}: {ratio:.2f}:1"


def test_the_style_page_renders_every_component(world: World, alice_client: HttpClient) -> None:
    html = alice_client.get("/style/").content.decode()
    for component in (
        "swatch",
        "type-samples",
        "space-samples",
        'class="secondary"',
        'class="danger"',
        "link-button",
        "alert alert-success",
        "alert alert-warning",
        "alert alert-error",
        "card crisis",
        "badge ok",
        "badge warn",
        "badge error",
        "task-list",
        "feedback-new",
        'class="empty"',
        "steps-list",
        "helptext",
        "errorlist",
        'type="date"',
        'type="time"',
        'type="checkbox"',
        "choice",
        "scale-options scale-n11",
        "data-slider",
        'table class="stack"',
        'dl class="facts"',
    ):
        assert component in html, component


def test_the_style_page_is_for_staff_only(world: World, login_as: object) -> None:
    client = login_as(world.carl)  # type: ignore[operator]
    assert client.get("/style/").status_code == 404
