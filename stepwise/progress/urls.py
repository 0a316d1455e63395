"""Progress pages: the therapist's dashboard, a client's summary and charts, exports, figures."""

from django.urls import path

from stepwise.progress import export_views, views

app_name = "progress"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("clients/<int:client_id>/summary/", views.client_summary, name="summary"),
    path("clients/<int:client_id>/progress/", views.client_progress_page, name="client_progress"),
    path("me/progress/", views.my_progress, name="my_progress"),
    path("me/my-data.zip", export_views.my_data, name="my_data"),
    path("clients/<int:client_id>/export.csv", export_views.client_csv, name="export_csv"),
    path("clients/<int:client_id>/report/", export_views.client_report, name="report"),
    path("clients/<int:client_id>/fhir/", export_views.client_fhir, name="fhir"),
    path("practice/figures/", export_views.practice_figures, name="practice_figures"),
    path("practice/figures.csv", export_views.practice_csv, name="practice_csv"),
]
