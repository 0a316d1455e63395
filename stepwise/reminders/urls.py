from django.urls import path

from stepwise.reminders.views import preferences, public, push

app_name = "reminders"

urlpatterns = [
    path("me/reminders/", preferences.preferences, name="preferences"),
    path("me/reminders/push/subscribe/", push.push_subscribe, name="push_subscribe"),
    path("me/reminders/push/unsubscribe/", push.push_unsubscribe, name="push_unsubscribe"),
    path("me/reminders/calendar/", preferences.calendar_manage, name="calendar_manage"),
    path("me/reminders/carer/", preferences.caregiver_preferences, name="caregiver_preferences"),
    path("r/calendar/<str:token>.ics", public.calendar_feed, name="calendar_feed"),
    path("r/digest/", preferences.digest_settings, name="digest"),
    path("r/unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("r/sms/inbound/", public.sms_inbound, name="sms_inbound"),
    # The app is included at the root, so this is /manifest.webmanifest (no edit to stepwise/urls).
    path("manifest.webmanifest", push.manifest, name="manifest"),
]
