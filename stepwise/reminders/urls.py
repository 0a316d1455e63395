from django.urls import path

from stepwise.reminders import views

app_name = "reminders"

urlpatterns = [
    path("me/reminders/", views.preferences, name="preferences"),
    path("me/reminders/push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("me/reminders/push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("me/reminders/calendar/", views.calendar_manage, name="calendar_manage"),
    path("me/reminders/carer/", views.caregiver_preferences, name="caregiver_preferences"),
    path("r/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("r/digest/", views.digest_settings, name="digest"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("r/sms/inbound/", views.sms_inbound, name="sms_inbound"),
    # The app is included at the root, so this is /manifest.webmanifest (no edit to stepwise/urls).
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
