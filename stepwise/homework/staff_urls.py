"""The therapist's homework pages: review, changing assignments, plans."""

from django.urls import path

from stepwise.homework import staff_assignment_views, staff_plan_views, staff_views

app_name = "homework_staff"

ASSIGNMENT = "clients/<int:client_id>/assignments/<int:assignment_id>"

urlpatterns = [
    path("review/", staff_views.inbox, name="inbox"),
    path("review/<int:completion_id>/", staff_views.completion_detail, name="completion"),
    path(
        "review/<int:completion_id>/reviewed/",
        staff_views.completion_reviewed,
        name="mark_reviewed",
    ),
    path(
        "review/<int:completion_id>/feedback/",
        staff_views.completion_feedback,
        name="feedback",
    ),
    path(f"{ASSIGNMENT}/pause/", staff_assignment_views.assignment_pause, name="assignment_pause"),
    path(
        f"{ASSIGNMENT}/resume/", staff_assignment_views.assignment_resume, name="assignment_resume"
    ),
    path(f"{ASSIGNMENT}/end/", staff_assignment_views.assignment_end, name="assignment_end"),
    path(f"{ASSIGNMENT}/edit/", staff_assignment_views.assignment_edit, name="assignment_edit"),
    path(
        f"{ASSIGNMENT}/schedule/",
        staff_assignment_views.assignment_schedule,
        name="assignment_schedule",
    ),
    path(
        f"{ASSIGNMENT}/details/",
        staff_assignment_views.assignment_details,
        name="assignment_details",
    ),
    path("clients/<int:client_id>/plans/new/", staff_plan_views.plan_new, name="plan_new"),
    path("clients/<int:client_id>/plans/assign/", staff_plan_views.plan_assign, name="plan_assign"),
    path("plans/", staff_plan_views.plan_list, name="plans"),
    path("plans/<int:plan_id>/delete/", staff_plan_views.plan_delete, name="plan_delete"),
]
