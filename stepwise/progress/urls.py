"""Progress pages: the therapist's dashboard, a client's summary and charts, exports, figures."""

from django.urls import path

from stepwise.progress.views import exports, progress

app_name = "progress"

urlpatterns = [
    path("dashboard/", progress.dashboard, name="dashboard"),
    path("clients/<int:client_id>/summary/", progress.client_summary, name="summary"),
    path(
        "clients/<int:client_id>/progress/", progress.client_progress_page, name="client_progress"
    ),
    path("me/progress/", progress.my_progress, name="my_progress"),
    path("me/my-data.zip", exports.my_data, name="my_data"),
    path("clients/<int:client_id>/export.csv", exports.client_csv, name="export_csv"),
    path("clients/<int:client_id>/report/", exports.client_report, name="report"),
    path("clients/<int:client_id>/fhir/", exports.client_fhir, name="fhir"),
    path("practice/figures/", exports.practice_figures, name="practice_figures"),
    path("practice/figures.csv", exports.practice_csv, name="practice_csv"),
]
