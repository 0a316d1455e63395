"""Forms for answering a questionnaire, starting one in session, and a practice's settings.

They parse and check what the browser sent; the scorer and the actions decide what is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepwise.assessments.catalog import Availability
from stepwise.assessments.definitions import InstrumentDefinition, Option
from stepwise.assessments.models import DEFAULT_ESCALATION_HOURS, MAX_ESCALATION_HOURS
from stepwise.assessments.wording import Wording, language_of, wording_for
from stepwise.clinic.models import COUNTRIES

SEXES = (("female", gettext_lazy("Female")), ("male", gettext_lazy("Male")))


@dataclass(frozen=True)
class Step:
    """One question on the form: a fieldset with a legend and radio buttons."""

    field: forms.BoundField
    number: int | None
    text: str
    required: bool
    kind: str  # "sex", "item" or "extra"
    # `lang` of the question's own text where it differs from the page (English-only on a
    # Spanish page); empty otherwise.
    lang: str = ""

    @property
    def name(self) -> str:
        return self.field.html_name


def _as_int(value: str) -> int:
    return int(value)


# A screening question may be refused (ASQ); the refusal is stored as null and counts as positive.
REFUSED = "refused"
# Posted by the second stage of a screen's form: the gated (acuity) question was on the page.
GATED_ASKED = "gated_asked"
# Posted with the answers: the wording version the form was shown in (see `wording.py`).
WORDING = "wording"


def _answer_or_refusal(value: str) -> int | None:
    return None if value == REFUSED else int(value)


class AssessmentForm(forms.Form):
    """One radio group per item, then the instrument's unscored extra questions.

    The questions are worded in `wording` (default: for the language of the person answering,
    an official translation where one ships, else the English); the values are the same.
    """

    def __init__(
        self,
        definition: InstrumentDefinition,
        *args: Any,
        wording: Wording | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.wording = wording or wording_for(definition, language_of())
        shown = self.wording
        self.items_required = definition.plan.missing.kind == "require_all"
        self._steps: list[tuple[str, int | None, str, str]] = []
        if definition.needs_sex:
            self.fields["sex"] = forms.ChoiceField(
                label=_("Your sex (it decides which scoring cut-offs apply)"),
                choices=SEXES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _(
                        "Please answer the question about sex: the cut-offs depend on it."
                    ),
                    "invalid_choice": _("Choose female or male."),
                },
            )
            self._steps.append(("sex", None, str(self.fields["sex"].label), "sex"))
        screen = definition.plan.screen
        # A screen's gated question (ASQ item 5) is asked only after a positive screen: the first
        # stage shows the screening questions; a positive screen brings the form back with the
        # gated question added (no script needed). `asking_gated` is true on that second stage.
        self.asking_gated = self.is_bound and bool(self.data.get(GATED_ASKED))
        self._gated = list(definition.gated_items)
        for item in definition.items:
            name = f"item_{item.number}"
            choices = [(str(o.value), shown.option_label(o)) for o in definition.options_for(item)]
            required = self.items_required
            text = shown.item_text(item)
            if item.number in self._gated:
                # Shown and required once the screen is positive, else never asked: checked in
                # clean(), as the answers above may still change to a negative screen.
                required = False
                text = _("%(question)s (Ask now: the screen is positive.)") % {"question": text}
                choices.append((REFUSED, _("Refused to answer")))
            elif screen is not None and screen.refusal_is_positive:
                choices.append((REFUSED, _("Refused to answer")))
            self.fields[name] = forms.TypedChoiceField(
                label=text,
                choices=choices,
                coerce=_answer_or_refusal if screen is not None else _as_int,
                empty_value=None,
                required=required,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please answer question %(number)d.") % {"number": item.number},
                    "invalid_choice": (
                        _("Question %(number)d: “%(value)s” is not one of the answers offered.")
                        % {"number": item.number, "value": "%(value)s"}
                    ),
                },
            )
            self._steps.append((name, item.number, text, "item"))
        for extra in definition.additional_unscored_items:
            name = f"extra_{extra.id}"
            numeric = all(isinstance(o, Option) for o in extra.options)
            extra_text = shown.extra_text(extra.id, extra.text)
            choices = [
                (str(o.value), shown.extra_option_label(extra.id, o.value, o.label))
                if isinstance(o, Option)
                else (o, shown.extra_option_label(extra.id, o, o))
                for o in extra.options
            ]
            self.fields[name] = forms.TypedChoiceField(
                label=extra_text,
                choices=choices,
                coerce=_as_int if numeric else str,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": (
                        _("“%(question)s”: “%(value)s” is not one of the answers offered.")
                        % {"question": extra_text, "value": "%(value)s"}
                    )
                },
            )
            self._steps.append((name, None, extra_text, "extra"))

    @property
    def steps(self) -> list[Step]:
        return [
            Step(
                self[name],
                number,
                text,
                bool(self.fields[name].required) or number in self._gated,
                kind,
                "" if kind == "sex" else self.wording.text_lang,
            )
            for name, number, text, kind in self._steps
            if number not in self._gated or self.asking_gated
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shown = self.data.get(WORDING)
        if shown and shown != self.wording.shown_as:
            # Opened in one wording, sent while another applies (the language was changed in
            # between): the response must record the words the person actually read.
            self.add_error(
                None,
                _(
                    "The questionnaire is now shown in another language. Please check your "
                    "answers below and submit them again."
                ),
            )
            return cleaned
        self._check_blanks(cleaned)
        screen = self.definition.plan.screen
        if screen is None or not self._gated or self.errors:
            return cleaned
        if not screen.positive_items(self.answers()):
            return cleaned  # negative: the gated question is not asked
        for number in self._gated:
            name = f"item_{number}"
            if cleaned.get(name) is not None or self.data.get(name) == REFUSED:
                continue
            if self.asking_gated:
                self.add_error(
                    name,
                    _("Please record the answer to question %(number)d, or that they refused.")
                    % {"number": number},
                )
            else:
                self.asking_gated = True
                self.add_error(
                    name,
                    _("The screen is positive: ask question %(number)d now and record the answer.")
                    % {"number": number},
                )
        return cleaned

    def _check_blanks(self, cleaned: dict[str, Any]) -> None:
        """The instrument's own rule for blanks, said in the person's language (the scorer
        applies the same rule again before anything is stored)."""
        policy = self.definition.plan.missing
        if self.errors or policy.kind not in ("blank_as_zero", "mean_of_answered"):
            return
        count = len(self.definition.items)
        blank = sum(
            1 for item in self.definition.items if cleaned.get(f"item_{item.number}") is None
        )
        if policy.kind == "blank_as_zero" and blank > policy.max_blank:
            self.add_error(
                None,
                _(
                    "%(blank)d questions are blank: %(most)d or more blanks make the "
                    "questionnaire invalid. Please answer more of them."
                )
                % {"blank": blank, "most": policy.max_blank + 1},
            )
        elif policy.kind == "mean_of_answered" and count - blank < policy.min_answered:
            self.add_error(
                None,
                _(
                    "%(answered)d of %(count)d questions are answered: at least %(least)d are "
                    "needed. Please answer more of them."
                )
                % {"answered": count - blank, "count": count, "least": policy.min_answered},
            )

    def not_asked(self) -> list[int]:
        """Gated questions left out because the screen was negative (stored as such)."""
        return [
            number
            for number in self._gated
            if self.cleaned_data.get(f"item_{number}") is None
            and self.data.get(f"item_{number}") != REFUSED
        ]

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{item.number}") for item in self.definition.items]

    def supplementary(self) -> dict[str, int | str]:
        found: dict[str, int | str] = {}
        for extra in self.definition.additional_unscored_items:
            value = self.cleaned_data.get(f"extra_{extra.id}")
            if value is not None:
                found[extra.id] = value
        return found

    def sex(self) -> str | None:
        value = self.cleaned_data.get("sex")
        return str(value) if value else None


class StartInSessionForm(forms.Form):
    instrument = forms.ChoiceField(
        label=gettext_lazy("Questionnaire"),
        error_messages={
            "required": gettext_lazy("Choose a questionnaire to start."),
            "invalid_choice": gettext_lazy(
                "That questionnaire is not switched on for your practice."
            ),
        },
    )

    def __init__(self, *args: Any, available: Sequence[Availability], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            (a.key, a.version.label) for a in available
        ]


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=4096,
        # "new-password" keeps browsers from filling in the therapist's saved password for
        # whoever is holding the device.
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Enter your password to leave in-session mode.")},
    )


class AcknowledgeAlertForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What did you do?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: called the client, completed a risk assessment. At most 2,000 characters."
        ),
        error_messages={
            "required": gettext_lazy("Write a short note about what you did before acknowledging."),
            "max_length": gettext_lazy(
                "Keep the note to 2,000 characters or fewer (it has %(show_value)d)."
            ),
        },
    )


class EnableInstrumentForm(forms.Form):
    confirm_licence = forms.BooleanField(required=False)


class NewEpisodeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why a new episode? (optional)"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "For example: returned after a year; new referral. At most 500 characters."
        ),
        error_messages={"max_length": gettext_lazy("Keep the note to 500 characters or fewer.")},
    )


class CutoffForm(forms.Form):
    cutoff = forms.IntegerField(
        label=gettext_lazy("Screening cut-off"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=gettext_lazy(
            "Scores at or above it count as a positive screen. Leave empty for the default."
        ),
        error_messages={
            "invalid": gettext_lazy("Enter the cut-off as a whole number, or leave it empty.")
        },
    )


class ImportInstrumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Instrument file (JSON)"),
        help_text=gettext_lazy(
            "In the same format as the instruments Stepwise ships. At most 512 KB."
        ),
        error_messages={"required": gettext_lazy("Choose the instrument file to import.")},
    )
    confirm_licence = forms.BooleanField(
        label=gettext_lazy("Our practice holds a licence (or permission) to use this instrument."),
        error_messages={
            "required": gettext_lazy("Tick the box to confirm that your practice holds a licence.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"


class AssessmentSettingsForm(forms.Form):
    country = forms.ChoiceField(
        label=gettext_lazy("Where your clients live"),
        choices=[("", gettext_lazy("Another country"))],
        required=False,
        help_text=gettext_lazy(
            "Chooses the crisis lines shown by default. A client's own country, set on "
            "their details, comes first. For another country the message names no number: write "
            "your own below."
        ),
    )
    crisis_message = forms.CharField(
        label=gettext_lazy("Your own crisis message (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Leave empty to show the crisis lines for each client's country (below). "
            "Your own words replace them for every client. Phone numbers become links to call."
        ),
    )
    youth_crisis_message = forms.CharField(
        label=gettext_lazy("Your own crisis message for clients under 18 (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Leave empty to use the youth lines for the client's country (or your message "
            "above, if you wrote one). Under-18s are also told to tell a trusted adult."
        ),
    )
    email_alerts = forms.BooleanField(
        label=gettext_lazy(
            "Email the care team when an answer needs attention (the email names no client "
            "and no answer)"
        ),
        help_text=gettext_lazy(
            "When this is off, or nobody on a client's care team can be emailed, the "
            "practice admins are emailed instead."
        ),
        required=False,
    )
    escalate_after_hours = forms.IntegerField(
        label=gettext_lazy(
            "Tell the practice admins when an alert is not acknowledged within (hours)"
        ),
        min_value=1,
        max_value=MAX_ESCALATION_HOURS,
        initial=DEFAULT_ESCALATION_HOURS,
        help_text=gettext_lazy(
            "They are told again every day until someone on the care team acknowledges it."
        ),
        error_messages={
            "required": gettext_lazy("Give the number of hours, from 1 to 168."),
            "invalid": gettext_lazy("Give the number of hours as a whole number, from 1 to 168."),
            "min_value": gettext_lazy("Give the number of hours, from 1 to 168."),
            "max_value": gettext_lazy("Give the number of hours, from 1 to 168."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Another country")), *COUNTRIES]  # type: ignore[attr-defined]
