from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stepwise import views
from stepwise.accounts.views.language import choose_language

# The admin signs in through allauth's login, so its throttling (and MFA) protect it too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("jsi18n/<str:language>/", views.javascript_catalog, name="javascript_catalog"),
    path("home/", views.home, name="home"),
    path("style/", views.style_guide, name="style_guide"),
    # The language switcher (Django's set_language, allowed before sign-in).
    path("i18n/setlang/", choose_language, name="set_language"),
    path("accounts/", include("stepwise.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("stepwise.clinic.urls")),
    path("", include("stepwise.assessments.urls")),
    path("", include("stepwise.library.urls")),
    path("", include("stepwise.homework.urls")),
    path("", include("stepwise.audit.urls")),
    path("", include("stepwise.reminders.urls")),
    path("", include("stepwise.progress.urls")),
    path(f"{settings.ADMIN_URL_PATH}/", admin.site.urls),
]
