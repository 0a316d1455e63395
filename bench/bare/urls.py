"""The bare ceiling's one view: the same query as `bench.urls.ceiling`, with nothing around it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.bare.models import Practice


def ceiling(request: HttpRequest, pk: int) -> HttpResponse:
    name = Practice.objects.filter(pk=pk).values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain")


urlpatterns = [path("bench/ceiling/<int:pk>/", ceiling, name="bare_ceiling")]
