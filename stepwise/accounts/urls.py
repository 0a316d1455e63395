from django.urls import path

from stepwise.accounts.views import device, settings, sign_in_link

app_name = "accounts"

urlpatterns = [
    path("settings/", settings.account_settings, name="settings"),
    path("settings/sign-out-everywhere/", settings.sign_out_everywhere, name="sign_out_everywhere"),
    path("keepalive/", settings.keepalive, name="keepalive"),
    path("keep-signed-in/", device.keep_signed_in, name="keep_signed_in"),
    path("unlock/", device.unlock, name="unlock"),
    path("link/", sign_in_link.magic_link_request, name="magic_link_request"),
    path("link/<str:token>/", sign_in_link.magic_link_confirm, name="magic_link_confirm"),
]
