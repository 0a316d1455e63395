"""The therapist's progress pages: the dashboard, a client's summary before a session, and charts.

Each page checks access through `clinic.access` (404 outside the care team, audited) and writes
one access record; the figures come from `dashboard`, `summary` and `client_progress`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic.access import get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.roles import roles_for
from stepwise.homework.today import people_for
from stepwise.progress import client_progress, summary
from stepwise.progress.dashboard import (
    ATTENTION_SHOWN,
    FILTERS,
    SORT_CHOICES,
    SORTS,
    build_dashboard,
    parse_sort,
)
from stepwise.progress.own import build_own_progress


@require_safe
@therapist_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sort_key, descending = parse_sort(request.GET.get("sort", "name"))
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    query = request.GET.get("q", "").strip()[:80]
    sort = ("-" if descending else "") + sort_key
    all_attention = request.GET.get("attention") == "all"
    data = build_dashboard(
        user,
        roles_for(request).practice_id,
        sort=sort,
        show=show,
        query=query,
        page=request.GET.get("page"),
        attention=None if all_attention else ATTENTION_SHOWN,
    )
    record_access(request, "progress.dashboard", None)
    columns = [
        {
            "key": key,
            "label": label,
            "active": key == sort_key,
            "descending": descending,
            "next": f"-{key}" if key == sort_key and not descending else key,
        }
        for key, (label, _) in SORTS.items()
        if key != "attention"
    ]
    return render(
        request,
        "progress/dashboard.html",
        {
            "dashboard": data,
            "attention": data.attention_html(),
            "page": data.page,
            "rows": data.rows_html(),
            "matching": data.matching,
            # The menu's count of results waiting for review, already read for the queue.
            "unreviewed_waiting": data.unreviewed_total,
            # The filter and sort the pager's links keep.
            "kept": urlencode({"sort": sort, "show": show, "q": query}),
            "columns": {c["key"]: c for c in columns},
            "sort": sort,
            "sort_choices": SORT_CHOICES,
            "show": show,
            "filters": FILTERS,
            "query": query,
        },
    )


@require_safe
@therapist_required
def client_summary(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "progress.summary")
    user = signed_in_user(request)
    data = summary.build_summary(client, user, request.GET.get("since", ""))
    return render(request, "progress/summary.html", {"client": client, "summary": data})


@require_safe
@therapist_required
def client_progress_page(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "progress.charts")
    user = signed_in_user(request)
    data = client_progress.build_progress(
        client, user.time_zone, range_key=request.GET.get("range", "")
    )
    return render(request, "progress/client_progress.html", {"client": client, "progress": data})


@require_safe
def my_progress(request: HttpRequest) -> HttpResponse:
    """The client's own progress, and each linked child's for a parent or carer."""
    user = signed_in_user(request)
    people = people_for(user)
    if not people:
        record_access(request, "progress.own", None, allowed=False)
        raise Http404("Not found.")
    for client in people:
        record_access(request, "progress.own", client.pk)
    return render(
        request,
        "progress/my_progress.html",
        {"people": [build_own_progress(user, client) for client in people]},
    )
