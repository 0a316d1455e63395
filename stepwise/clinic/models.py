"""Practices, their members, clients, caregivers and invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Countries whose crisis lines Stepwise knows (stepwise/assessments/data/crisis_lines.toml):
# the six with national lines of their own, then the EU member states (emergency number 112).
COUNTRIES: tuple[tuple[str, StrOrPromise], ...] = (
    ("AU", _("Australia")),
    ("CA", _("Canada")),
    ("IE", _("Ireland")),
    ("NZ", _("New Zealand")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("HR", _("Croatia")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
)
# Names in the reader's language (lazy translations, which behave as text wherever shown).
COUNTRY_NAMES = cast("dict[str, str]", dict(COUNTRIES))


class Practice(models.Model):
    name = models.CharField(max_length=120)
    # The zone a new member starts in (and the one named where the reader's zone is not known,
    # e.g. an invitation to someone without an account yet). Each member then keeps their own.
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(default=timezone.now)
    # Where the practice's clients live, unless a client's own country says otherwise: it
    # chooses the crisis lines a client is shown. Blank: a message that names no number.
    country = models.CharField(max_length=2, blank=True, choices=COUNTRIES)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Practice admin")
    THERAPIST = "therapist", _("Therapist")


class Membership(models.Model):
    """A therapist's place in a practice. A user works in one practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ClientQuerySet(models.QuerySet["Client"]):
    def active(self) -> ClientQuerySet:
        return self.filter(discharged_at__isnull=True)


class Client(models.Model):
    """A person in therapy. Belongs to one practice; seen only by their care team."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    display_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True, max_length=254)
    mobile = models.CharField(max_length=16, blank=True)
    time_zone = models.CharField(max_length=64)
    # The language of everything sent to the client, set by their therapist. Once the client has
    # an account it is the same setting as the account's (`User.language`): the actions that
    # change one change the other (docs/languages.md, "Who gets which language").
    language = models.CharField("language", max_length=8, default=settings.LANGUAGE_CODE)
    is_minor = models.BooleanField("under 18", default=False)
    # Blank: the practice's country (see Practice.country).
    country = models.CharField(max_length=2, blank=True, choices=COUNTRIES)
    therapists = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="caseload")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_profile",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    discharged_at = models.DateTimeField(null=True, blank=True)
    # The therapist's own planning note for the next session (shown on their dashboard only).
    next_session_on = models.DateField("next session", null=True, blank=True)
    next_session_note = models.CharField("note for the next session", max_length=200, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["practice", "display_name"])]

    def __str__(self) -> str:
        return self.display_name


class CaregiverLink(models.Model):
    """A parent or guardian who may act for a client and see what the therapist shares."""

    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caregiver_links"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="caregiver_links")
    relationship = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caregiver", "client"], name="unique_caregiver_link")
        ]

    def __str__(self) -> str:
        return f"Caregiver {self.caregiver_id} of client {self.client_id}"


class InvitationKind(models.TextChoices):
    THERAPIST = "therapist", _("Therapist")
    CLIENT = "client", _("Client")
    CAREGIVER = "caregiver", _("Caregiver")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, expiring, revocable link that lets someone join a practice.

    Only the SHA-256 of the token is stored: the link can be shown once, when it is made.
    """

    kind = models.CharField(max_length=16, choices=InvitationKind.choices)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(blank=True, max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    relationship = models.CharField(max_length=40, blank=True)
    # The language of the invitation email, the accept page and the account it makes.
    language = models.CharField("language", max_length=8, default=settings.LANGUAGE_CODE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="therapist") | Q(client__isnull=False),
                name="client_and_caregiver_invitations_name_a_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} invitation ({self.status})"

    @property
    def recipient_zone(self) -> str:
        """The zone of the person invited, as far as we know it before they have an account:
        the client record's for a client and their carers, the practice's for a colleague."""
        if self.client is not None:
            return self.client.time_zone
        return self.practice.time_zone

    @property
    def inviter_name(self) -> str:
        """Who invites, as the invitation and its email say it (a person, not "Stepwise")."""
        if self.created_by is not None:
            return str(self.created_by.display_name)
        return str(_("Your therapist at %(practice)s") % {"practice": self.practice.name})

    def email_context(self, path: str) -> dict[str, object]:
        """What an invitation email says: who invites, from which practice, and for a carer
        which child, so the person can tell it from phishing. Nothing clinical."""
        return {
            "path": path,
            "expires_at": self.expires_at,
            "kind": self.kind,
            "inviter": self.inviter_name,
            "practice_name": self.practice.name,
            "child_name": (
                self.client.display_name if self.kind == "caregiver" and self.client else ""
            ),
        }

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
