"""Forms of the library pages: a new exercise, importing a file, uploading media."""

from __future__ import annotations

from django import forms

from stepwise.library.loader import IMPORT_MAX_BYTES
from stepwise.library.models import CATEGORY_LABELS


class NewExerciseForm(forms.Form):
    title = forms.CharField(max_length=120, label="Title")
    category = forms.ChoiceField(choices=list(CATEGORY_LABELS.items()), label="Category")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Exercise file (JSON)",
        help_text=f"A file exported from Stepwise, at most {IMPORT_MAX_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large: at most {IMPORT_MAX_BYTES // 1024} KB."
            )
        data: bytes = upload.read()
        return data


class MediaUploadForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        label="Title",
        help_text="For example “Labelled praise, our practice's video”.",
    )
    file = forms.FileField(
        label="Audio or video file",
        help_text="MP3, M4A, OGG or WAV audio; MP4 or WebM video.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "audio/mpeg,audio/mp4,audio/ogg,audio/wav,video/mp4,video/webm"}
        ),
    )
