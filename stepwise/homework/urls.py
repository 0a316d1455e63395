from django.urls import path

from stepwise.homework import client_views, views

app_name = "homework"

urlpatterns = [
    path("clients/<int:client_id>/assign/", views.assign, name="assign"),
    path("me/", client_views.client_home, name="client_home"),
    path("me/do/<int:occurrence_id>/", client_views.do_occurrence, name="do"),
    path("me/extra/<int:assignment_id>/", client_views.extra_practice, name="extra"),
    path("me/well-done/", client_views.well_done, name="well_done"),
    path("me/crisis-plan/", client_views.crisis_plan, name="crisis_plan"),
    path(
        "me/draft/<int:assignment_id>/<slug:slot>/",
        client_views.save_draft,
        name="save_draft",
    ),
]
