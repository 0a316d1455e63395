from django.urls import path

from stepwise.accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("settings/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("keep-signed-in/", views.keep_signed_in, name="keep_signed_in"),
    path("unlock/", views.unlock, name="unlock"),
    path("link/", views.magic_link_request, name="magic_link_request"),
    path("link/<str:token>/", views.magic_link_confirm, name="magic_link_confirm"),
]
