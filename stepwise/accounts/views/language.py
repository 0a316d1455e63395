"""The language switcher: a visitor's choice kept in a cookie (Django's `set_language`), and a
signed-in person's saved on their account as well."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from stepwise.accounts import actions
from stepwise.accounts.signed_in import signed_in_user


@login_not_required  # the switcher is for the pages before sign-in
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        actions.set_language(signed_in_user(request), language)
    return response
