"""The app's URLs plus the ceiling: a minimal view doing one indexed primary-key query.

The ceiling runs through the same middleware (session, authentication, MFA check, access
headers) as every page, so a page's throughput divided by the ceiling's is the share of the stack's
limit that the page's own work leaves.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from stepwise.clinic.models import Practice


def ceiling(request: HttpRequest, pk: int) -> HttpResponse:
    name = Practice.objects.filter(pk=pk).values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/<int:pk>/", ceiling, name="bench_ceiling"),
    path("", include("stepwise.urls")),
]
