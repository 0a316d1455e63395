"""Forms of the library pages: a new exercise, importing a file, uploading media."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stepwise.library.loader import IMPORT_MAX_BYTES
from stepwise.library.models import CATEGORY_LABELS


class NewExerciseForm(forms.Form):
    title = forms.CharField(max_length=120, label=_("Title"))
    category = forms.ChoiceField(choices=list(CATEGORY_LABELS.items()), label=_("Category"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Exercise file (JSON)"),
        help_text=format_lazy(
            _("A file exported from Stepwise, at most {size} KB."), size=IMPORT_MAX_BYTES // 1024
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is too large: at most %(size)d KB.")
                % {"size": IMPORT_MAX_BYTES // 1024}
            )
        data: bytes = upload.read()
        return data


class MediaUploadForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        label=_("Title"),
        help_text=_("For example “Labelled praise, our practice's video”."),
    )
    file = forms.FileField(
        label=_("Audio or video file"),
        help_text=_("MP3, M4A, OGG or WAV audio; MP4 or WebM video."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "audio/mpeg,audio/mp4,audio/ogg,audio/wav,video/mp4,video/webm"}
        ),
    )
