from typing import Any
import pytest
from tests.e2e.test_page_sweep import live_world, sign_in  # noqa: F401
from tests.test_authorization_matrix import _carl_daily_mood
pytestmark = pytest.mark.browser

def shoot(ctx, pages, tag):
    for name, path in pages:
        ctx.goto(path); ctx.wait_for_load_state()
        ctx.screenshot(path=f"/tmp/shots/{tag}-{name}.png", full_page=True)

@pytest.mark.parametrize("w", [360, 1280])
def test_shots(live_world: Any, new_context: Any, w: int) -> None:
    world = live_world
    a = _carl_daily_mood(world)
    occ = a.occurrences.order_by("opens").first()
    t = new_context(viewport={"width": w, "height": 800}).new_page()
    sign_in(t, "alice@example.com")
    shoot(t, [("style", "/style/"), ("dash", "/dashboard/"), ("client", f"/clients/{world.carl_client.pk}/"), ("assign", f"/clients/{world.carl_client.pk}/assign/")], f"{w}")
    c = new_context(viewport={"width": w, "height": 800}).new_page()
    sign_in(c, "carl@example.net")
    shoot(c, [("home", "/me/"), ("do", f"/me/do/{occ.pk}/")], f"{w}")
