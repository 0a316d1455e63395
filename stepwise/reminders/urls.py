from django.urls import path

from stepwise.reminders import views

app_name = "reminders"

urlpatterns = [
    path("me/reminders/", views.preferences, name="preferences"),
    path("me/reminders/push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("me/reminders/push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("r/sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
