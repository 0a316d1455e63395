"""Reading a page in Spanish, as a person whose browser (or own setting) asks for it."""

from __future__ import annotations

from django.conf import settings
from django.test import Client as HttpClient

from stepwise.accounts.models import User


def in_spanish(browser: HttpClient, *people: User) -> HttpClient:
    """The browser asks for Spanish (its `Accept-Language` and the language switcher's cookie),
    and so do `people`'s own settings, where their account has one."""
    browser.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    for person in people:
        for name in ("language", "preferred_language"):
            if any(f.name == name for f in person._meta.get_fields()):
                setattr(person, name, "es")
                person.save(update_fields=[name])
    return browser
