"""Two-step sign-in: required for staff before any client data, secrets encrypted at rest.

Therapists and practice admins (and Django staff) must have a second factor (an authenticator
app, or a passkey) before any page but their own account pages opens. allauth asks for the
second factor at every password sign-in once one exists, and a password reset signs nobody in,
so a reset never skips it. The Django admin asks more of everyone: a second factor completed in
this very session (a sign-in or re-authentication with it), whoever the user is and however they
signed in. TOTP secrets are stored encrypted with the keys in
``STEPWISE_FIELD_KEYS`` (Fernet; the first key encrypts, every key decrypts, so keys rotate by
putting a new one first and re-saving).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from stepwise.accounts.actions import roles_changed
from stepwise.accounts.field_keys import ENCRYPTED_PREFIX, field_cipher
from stepwise.accounts.models import User
from stepwise.accounts.rules import generations, is_staff_request
from stepwise.lib.htmx import is_htmx

# Pages a staff member without a second factor may still open: their account, signing out.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/favicon", "/jsi18n/")


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + field_cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # written before encryption was switched on
        try:
            token = encrypted_text[len(ENCRYPTED_PREFIX) :].encode()
            return field_cipher().decrypt(token).decode()
        except InvalidToken:
            raise ValueError(
                "A stored secret cannot be decrypted with STEPWISE_FIELD_KEYS."
            ) from None


SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


# A session whose user was found to have a second factor keeps the user's generations here, so
# later requests need not ask again (removing one moves them on: see `forget_second_factor`).
HAS_SECOND_FACTOR = "_stepwise_second_factor"


def needs_second_factor(request: HttpRequest) -> bool:
    """Staff (therapists, admins, Django staff or superusers) without a second factor yet."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not is_staff_request(request):  # practice members included, kept in the session
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(HAS_SECOND_FACTOR) == generations(user):
        return False
    if not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists():
        return True  # not kept: the set-up page may add one at any moment
    if session is not None:
        session[HAS_SECOND_FACTOR] = generations(user)
    return False


@receiver(authenticator_removed)
def forget_second_factor(
    sender: object, user: User, authenticator: Authenticator, **_: object
) -> None:
    """A second factor removed (allauth's own pages): every session of its owner asks the
    database again on its next request."""
    roles_changed(authenticator.user_id or user.pk)


def completed_second_factor(request: HttpRequest) -> bool:
    """This session's user gave a second factor in this session (at sign-in or since)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def is_admin_path(path: str) -> bool:
    return path.startswith(f"/{settings.ADMIN_URL_PATH}/")


def _redirect(request: HttpRequest, to: str, message: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=403)
        response["HX-Redirect"] = to
        return response
    messages.info(request, message)
    return HttpResponseRedirect(to)


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_staff and is_admin_path(request.path):
            # Every admin URL, everyone the admin lets in (it turns away the rest itself): a
            # password alone, or any sign-in without the second step, is not enough.
            if not completed_second_factor(request):
                if not Authenticator.objects.filter(
                    user=request.user, type__in=SECOND_FACTORS
                ).exists():
                    return _redirect(
                        request,
                        reverse("mfa_activate_totp"),
                        gettext(
                            "The admin needs two-step sign-in. Set it up, then open the admin "
                            "again."
                        ),
                    )
                confirm = reverse("mfa_reauthenticate")
                return _redirect(
                    request,
                    f"{confirm}?{urlencode({'next': request.get_full_path()})}",
                    gettext("The admin needs your second step in this session: enter your code."),
                )
        elif not request.path.startswith(OPEN_PREFIXES) and needs_second_factor(request):
            return _redirect(
                request,
                reverse("mfa_activate_totp"),
                gettext(
                    "To protect your clients' records, set up two-step sign-in before you continue."
                ),
            )
        return self.get_response(request)
