"""The practice's audio and video: the list, uploads, and serving a file to those who may see it."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from stepwise.accounts.models import User
from stepwise.lib.decorators import therapist_required
from stepwise.lib.middleware import body_limit
from stepwise.lib.roles import roles_for
from stepwise.lib.storage import read_range
from stepwise.library import actions
from stepwise.library.access import get_media_for_user
from stepwise.library.forms import MediaUploadForm
from stepwise.library.models import MediaFile

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@body_limit(actions.max_upload_bytes)
@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def media_list(request: HttpRequest) -> HttpResponse:
    """The practice's uploaded files, and the upload form."""
    user = request.user
    assert isinstance(user, User)
    limit = actions.max_upload_bytes()
    status = 200
    # A body declared larger than the limit never gets here: RequestSizeLimitMiddleware (413).
    form = MediaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                media = actions.upload_media(
                    user, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
                )
            except actions.ActionError as exc:
                form.add_error("file", exc.message)
                status = 400
            else:
                messages.success(request, f"“{media.title}” is uploaded.")
                return redirect("library:media")
        else:
            status = 400
    files = MediaFile.objects.filter(practice_id=roles_for(request).practice_id or 0)
    files = files.select_related("uploaded_by")
    return render(
        request,
        "library/media.html",
        {"form": form, "files": files, "max_mb": limit // (1024 * 1024)},
        status=status,
    )


@require_safe
def media_file(request: HttpRequest, media_id: uuid.UUID) -> HttpResponseBase:
    """Stream a file to a member, client or caregiver of its practice; 404 for anyone else.

    Answers a single byte range (`Range: bytes=a-b`) so players can seek.
    """
    media = get_media_for_user(request, media_id)
    size = media.size
    response: HttpResponseBase
    start, end, status = 0, size - 1, 200
    match = _RANGE.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(size - int(match.group(2)), 0), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    # Read from the media storage (the data folder or the bucket) as the response is sent.
    chunks = read_range(media.file.storage, media.file.name, start, end)
    response = StreamingHttpResponse(chunks, status=status, content_type=media.content_type)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    return response
