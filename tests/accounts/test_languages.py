"""A language per person: the page's language before and after sign-in, the switcher, Settings,
and a client's language surviving sign-out, a sign-in link and a new device."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import mail
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic.models import Client
from tests.conftest import World, password_login, run_tasks

Login = Callable[[User | None], HttpClient]
SPANISH_LINK_PAGE = "Enviarme un enlace para iniciar sesión"
ENGLISH_LINK_PAGE = "Email me a sign-in link"


def page(browser: HttpClient, path: str, accept: str = "") -> tuple[str, str]:
    """(the page's Content-Language, its HTML) as a browser asking for `accept` gets it."""
    response = browser.get(path, headers={"accept-language": accept} if accept else None)
    assert response.status_code == 200, response
    return response["Content-Language"], response.content.decode()


def switch(browser: HttpClient, language: str, next_path: str = "/") -> None:
    response = browser.post("/i18n/setlang/", {"language": language, "next": next_path})
    assert response.status_code == 302
    assert response["Location"] == next_path


# Before sign-in ---------------------------------------------------------------------------------


def test_a_browser_asking_for_spanish_gets_spanish_pages(db: None, client: HttpClient) -> None:
    language, html = page(client, "/accounts/link/", accept="es-US,es;q=0.9,en;q=0.5")
    assert language == "es"
    assert '<html lang="es">' in html
    assert SPANISH_LINK_PAGE in html
    assert ENGLISH_LINK_PAGE not in html


def test_an_english_browser_gets_english_and_the_answer_varies_with_language_and_cookie(
    db: None, client: HttpClient
) -> None:
    response = client.get("/accounts/link/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "en"
    assert ENGLISH_LINK_PAGE in response.content.decode()
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_the_switcher_is_on_the_pages_before_sign_in_and_works_without_script(
    db: None, client: HttpClient
) -> None:
    for path in ("/", "/accounts/login/", "/accounts/password/reset/", "/accounts/link/"):
        _, html = page(client, path, accept="en")
        form = re.search(r'<form class="inline-form language-switcher".*?</form>', html, re.S)
        assert form is not None, path
        # A labelled form of plain buttons (keyboard and no script), each in its own language.
        assert 'aria-label="Language"' in form.group(0)
        assert '<button class="link-button" name="language" value="es" lang="es">Español' in (
            form.group(0)
        )
        assert 'lang="en" aria-current="true">English' in form.group(0)
        assert 'name="next" value="' + path in form.group(0)


def test_the_switchers_choice_beats_the_browsers_language(db: None, client: HttpClient) -> None:
    switch(client, "es", "/accounts/link/")
    language, html = page(client, "/accounts/link/", accept="en-US,en")
    assert language == "es"
    assert SPANISH_LINK_PAGE in html
    switch(client, "en", "/accounts/link/")
    language, html = page(client, "/accounts/link/", accept="es")
    assert language == "en"
    assert ENGLISH_LINK_PAGE in html


def test_the_switcher_is_open_to_visitors_and_keeps_the_choice_for_a_year(
    db: None, client: HttpClient
) -> None:
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/link/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/link/"  # not the sign-in page
    cookie = response.cookies["django_language"]
    assert cookie.value == "es"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert cookie["httponly"]


# Signed in --------------------------------------------------------------------------------------


def test_a_signed_in_persons_own_language_beats_the_cookie_and_the_browser(
    world: World, client: HttpClient
) -> None:
    User.objects.filter(pk=world.carl.pk).update(language="es")
    switch(client, "en")
    client.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    language, html = page(client, "/accounts/settings/", accept="en-GB,en")
    assert language == "es"
    assert '<html lang="es">' in html
    assert "Configuración" in html
    assert "Sus datos" in html


def test_the_person_chooses_their_language_in_settings_and_their_record_follows(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.carl)
    _, html = page(browser, "/accounts/settings/", accept="en")
    assert '<select name="language"' in html
    response = browser.post(
        "/accounts/settings/",
        {"name": "Carl", "time_zone": "Europe/London", "language": "es"},
    )
    assert response.status_code == 302
    world.carl.refresh_from_db()
    world.carl_client.refresh_from_db()
    assert world.carl.language == "es"
    assert world.carl_client.language == "es"  # one setting: what is sent to Carl follows
    language, html = page(browser, "/accounts/settings/", accept="en")
    assert language == "es"
    assert "Su configuración está guardada." in html


def test_settings_without_a_language_keep_the_persons_own(world: World, login_as: Login) -> None:
    User.objects.filter(pk=world.carl.pk).update(language="es")
    browser = login_as(world.carl)
    browser.post("/accounts/settings/", {"name": "Carl B", "time_zone": "Europe/London"})
    world.carl.refresh_from_db()
    assert (world.carl.name, world.carl.language) == ("Carl B", "es")


def test_a_language_outside_the_list_is_refused(world: World, login_as: Login) -> None:
    browser = login_as(world.carl)
    response = browser.post(
        "/accounts/settings/", {"name": "Carl", "time_zone": "Europe/London", "language": "xx"}
    )
    assert response.status_code == 200
    world.carl.refresh_from_db()
    assert world.carl.language == "en"


def test_the_switcher_used_while_signed_in_saves_the_persons_language(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.carl)
    switch(browser, "es", "/accounts/settings/")
    world.carl.refresh_from_db()
    world.carl_client.refresh_from_db()
    assert (world.carl.language, world.carl_client.language) == ("es", "es")


# Set by the therapist, kept everywhere ---------------------------------------------------------


def test_the_therapist_sets_a_clients_language_and_it_survives_sign_out_a_link_and_a_new_device(
    world: World, alice_client: HttpClient
) -> None:
    therapist = alice_client
    response = therapist.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {
            "display_name": "Carl",
            "email": "",
            "mobile": "",
            "time_zone": "Europe/London",
            "language": "es",
            "country": "",
            "therapists": [world.alice.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.carl.refresh_from_db()
    world.carl_client.refresh_from_db()
    assert (world.carl_client.language, world.carl.language) == ("es", "es")
    detail = therapist.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert '<dd lang="es">Español</dd>' in detail

    # Carl's own phone: signed in, then signed out; the pages after sign-out stay in Spanish.
    phone = HttpClient(HTTP_ACCEPT_LANGUAGE="en-US,en")
    password_login(phone, "carl@example.net")
    assert page(phone, "/accounts/settings/")[0] == "es"
    phone.post("/accounts/logout/")
    language, html = page(phone, "/accounts/link/")
    assert language == "es"
    assert SPANISH_LINK_PAGE in html

    # A new device, an English browser: the sign-in link arrives in Spanish, and so do the pages.
    device = HttpClient(HTTP_ACCEPT_LANGUAGE="en-US,en")
    mail.outbox.clear()
    device.post("/accounts/link/", {"email": "carl@example.net"})
    run_tasks()
    assert mail.outbox[-1].extra_headers["Content-Language"] == "es"
    found = re.search(r"/accounts/link/[\w-]+/", str(mail.outbox[-1].body))
    assert found is not None
    assert device.post(found.group(0)).status_code == 302
    language, html = page(device, "/accounts/settings/")
    assert language == "es"
    assert "Configuración" in html


def test_a_new_client_starts_in_the_language_the_therapist_chose(
    world: World, alice_client: HttpClient
) -> None:
    form = alice_client.get("/clients/new/").content.decode()
    assert 'name="language"' in form
    response = alice_client.post(
        "/clients/new/",
        {"display_name": "Lupe", "time_zone": "America/Chicago", "language": "es"},
    )
    assert response.status_code == 302
    assert Client.objects.get(display_name="Lupe").language == "es"


def test_a_client_record_without_an_account_keeps_its_language_when_edited_without_one(
    world: World,
) -> None:
    from stepwise.clinic import actions

    Client.objects.filter(pk=world.mia_client.pk).update(language="es")
    world.mia_client.refresh_from_db()
    actions.update_client(
        world.mia_client,
        display_name="Mia",
        time_zone="Europe/London",
        email="",
        mobile="",
        is_minor=True,
    )
    world.mia_client.refresh_from_db()
    assert world.mia_client.language == "es"


def test_the_therapist_sets_a_parents_language_on_the_childs_page(
    world: World, alice_client: HttpClient
) -> None:
    link = world.gina.caregiver_links.get(client=world.mia_client)
    detail = alice_client.get(f"/clients/{world.mia_client.pk}/").content.decode()
    assert f'<label for="language-{world.gina.pk}">Language of Gina Parent</label>' in detail
    response = alice_client.post(
        f"/clients/{world.mia_client.pk}/caregivers/{link.pk}/language/",
        {"language": "es"},
        follow=True,
    )
    assert "Gina Parent&#x27;s language is saved" in response.content.decode()
    world.gina.refresh_from_db()
    world.mia_client.refresh_from_db()
    assert (world.gina.language, world.mia_client.language) == ("es", "en")  # not the child's


def test_a_language_the_site_does_not_offer_is_refused_with_a_message_and_nothing_changes(
    world: World, alice_client: HttpClient
) -> None:
    link = world.gina.caregiver_links.get(client=world.mia_client)
    response = alice_client.post(
        f"/clients/{world.mia_client.pk}/caregivers/{link.pk}/language/",
        {"language": "xx"},  # tampered with: not one of the choices
        follow=True,
    )
    assert response.redirect_chain == [(f"/clients/{world.mia_client.pk}/", 302)]
    html = response.content.decode()
    assert "Gina Parent&#x27;s language is not saved" in html
    assert "saved: their pages" not in html
    world.gina.refresh_from_db()
    assert world.gina.language == "en"


def test_a_therapist_off_the_care_team_cannot_set_a_parents_language(
    world: World, login_as: Login
) -> None:
    link = world.gina.caregiver_links.get(client=world.mia_client)
    browser = login_as(world.bob)
    response = browser.post(
        f"/clients/{world.mia_client.pk}/caregivers/{link.pk}/language/", {"language": "es"}
    )
    assert response.status_code == 404
    world.gina.refresh_from_db()
    assert world.gina.language == "en"
