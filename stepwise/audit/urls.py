from django.urls import path

from stepwise.audit.views import access_log

app_name = "audit"

urlpatterns = [
    path("practice/access-log/", access_log.practice_log, name="practice_log"),
    path("practice/access-log.csv", access_log.practice_log_csv, name="practice_log_csv"),
    path("me/who-viewed/", access_log.my_record_views, name="my_record_views"),
]
