from django.urls import path

from stepwise.audit import views

app_name = "audit"

urlpatterns = [
    path("practice/access-log/", views.practice_log, name="practice_log"),
    path("practice/access-log.csv", views.practice_log_csv, name="practice_log_csv"),
    path("me/who-viewed/", views.my_record_views, name="my_record_views"),
]
