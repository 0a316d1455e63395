"""A therapist removed from a practice loses access at once (issue 8 item 6): membership gone,
care teams left, every session ended. Never the last admin; never oneself."""

from __future__ import annotations

from django.test import Client as HttpClient

from stepwise.audit.models import AccessLog
from stepwise.clinic.models import Membership
from tests.conftest import World


def _as(user: object) -> HttpClient:
    browser = HttpClient()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    return browser


def _membership(world: World, name: str) -> Membership:
    return Membership.objects.get(user=getattr(world, name))


def test_a_removed_therapist_loses_access_on_their_next_request(world: World) -> None:
    world.carl_client.therapists.add(world.bob)  # a shared client stays with alice
    alice = _as(world.alice)
    assert alice.get(f"/clients/{world.carl_client.pk}/").status_code == 200
    admin = _as(world.ada)
    response = admin.post(f"/practice/members/{_membership(world, 'alice').pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.alice).exists()
    assert not world.alice.caseload.exists()
    # Her open session is over: the next request is a sign-in page, not the record.
    after = alice.get(f"/clients/{world.carl_client.pk}/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")
    # Signing in again gives her no practice and no clients.
    world.alice.refresh_from_db()
    again = _as(world.alice)
    assert again.get(f"/clients/{world.carl_client.pk}/").status_code == 404
    assert again.get("/clients/").status_code == 404
    # Carl keeps bob; alice's other clients (no one else on their team) come to the admin.
    assert set(world.carl_client.therapists.all()) == {world.bob}
    assert set(world.dana_client.therapists.all()) == {world.ada}
    assert set(world.mia_client.therapists.all()) == {world.ada}
    assert AccessLog.objects.filter(action="practice.member_removed", actor=world.ada).count() == 1
    page = admin.get("/practice/").content.decode()
    assert "no longer belongs" in page
    assert "alice@example.com" not in page  # not in the members table any more


def test_an_admin_may_remove_another_admin_but_not_themself(world: World) -> None:
    Membership.objects.filter(user=world.alice).update(role="admin")
    alice = _as(world.alice)
    alice.post(f"/practice/members/{_membership(world, 'ada').pk}/remove/")
    assert not Membership.objects.filter(user=world.ada).exists()  # two admins: allowed
    response = alice.post(
        f"/practice/members/{_membership(world, 'alice').pk}/remove/", follow=True
    )
    assert "cannot remove yourself" in response.content.decode()
    assert Membership.objects.filter(user=world.alice).exists()


def test_the_last_admin_is_never_removed(world: World) -> None:
    """Reachable only by a race (two admins removing each other): the action refuses it."""
    import pytest

    from stepwise.clinic import actions

    with pytest.raises(actions.ActionError, match="at least one admin"):
        actions.remove_member(_membership(world, "ada"), by=world.alice)
    assert Membership.objects.filter(user=world.ada).exists()


def test_a_therapist_cannot_remove_anyone_and_other_practices_get_404(world: World) -> None:
    target = _membership(world, "bob").pk
    assert _as(world.alice).post(f"/practice/members/{target}/remove/").status_code == 404
    assert _as(world.olga).post(f"/practice/members/{target}/remove/").status_code == 404
    assert Membership.objects.filter(user=world.bob).exists()


def test_the_members_page_offers_removal_to_admins_only(world: World) -> None:
    admin_page = _as(world.ada).get("/practice/").content.decode()
    assert admin_page.count("Remove from the practice") == 0  # visually hidden name in between
    assert f"/practice/members/{_membership(world, 'bob').pk}/remove/" in admin_page
    assert f"/practice/members/{_membership(world, 'ada').pk}/remove/" not in admin_page
    therapist_page = _as(world.alice).get("/practice/").content.decode()
    assert "/remove/" not in therapist_page
