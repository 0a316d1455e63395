from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stepwise import views
from stepwise.clinic import invitation_views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("home/", views.home, name="home"),
    path("invite/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
    path("accounts/", include("stepwise.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("stepwise.clinic.urls")),
    path(f"{settings.ADMIN_URL_PATH}/", admin.site.urls),
]
