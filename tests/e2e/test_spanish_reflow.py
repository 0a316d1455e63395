"""Spanish runs longer than English: every page a therapist, a client and a visitor open still
fits a 320-pixel-wide screen in Spanish, says `lang="es"`, and its navigation is in Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.test_reflow import walk_narrow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", ["anonymous", "alice", "carl"])
def test_every_page_fits_a_320_pixel_screen_in_spanish(
    live_world: World, browser: Any, live_server: Any, persona: str
) -> None:
    walk = walk_narrow(live_world, browser, live_server, persona, language="es")
    assert walk.checked > 0
    assert walk.too_wide == [], "\n".join(walk.too_wide)
    assert walk.not_in_language == [], "pages not in Spanish: " + ", ".join(walk.not_in_language)
