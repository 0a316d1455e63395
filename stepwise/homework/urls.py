"""Homework pages: assigning, the client's homework, in-session practice, review, plans."""

from django.urls import path

from stepwise.homework.views import assign, assignments, client, plans, practise, review

app_name = "homework"

ASSIGNMENT = "clients/<int:client_id>/assignments/<int:assignment_id>"

urlpatterns = [
    path("clients/<int:client_id>/assign/", assign.assign, name="assign"),
    path("me/", client.client_home, name="client_home"),
    path("me/do/<int:occurrence_id>/", client.do_occurrence, name="do"),
    path("me/extra/<int:assignment_id>/", client.extra_practice, name="extra"),
    path("me/well-done/", client.well_done, name="well_done"),
    path("me/crisis-plan/", client.crisis_plan, name="crisis_plan"),
    path(
        "me/draft/<int:assignment_id>/<slug:slot>/",
        client.save_draft,
        name="save_draft",
    ),
    path("clients/<int:client_id>/practise/", practise.practise_pick, name="practise_pick"),
    path(
        "clients/<int:client_id>/practise/<int:version_id>/",
        practise.practise_together,
        name="practise_together",
    ),
    path(
        "clients/<int:client_id>/practice/<int:submission_id>/",
        practise.submission_detail,
        name="submission",
    ),
    path("review/", review.inbox, name="inbox"),
    path("review/<int:completion_id>/", review.completion_detail, name="completion"),
    path(
        "review/<int:completion_id>/reviewed/",
        review.completion_reviewed,
        name="mark_reviewed",
    ),
    path(
        "review/<int:completion_id>/feedback/",
        review.completion_feedback,
        name="feedback",
    ),
    path(f"{ASSIGNMENT}/pause/", assignments.assignment_pause, name="assignment_pause"),
    path(f"{ASSIGNMENT}/resume/", assignments.assignment_resume, name="assignment_resume"),
    path(f"{ASSIGNMENT}/end/", assignments.assignment_end, name="assignment_end"),
    path(f"{ASSIGNMENT}/edit/", assignments.assignment_edit, name="assignment_edit"),
    path(f"{ASSIGNMENT}/schedule/", assignments.assignment_schedule, name="assignment_schedule"),
    path(f"{ASSIGNMENT}/details/", assignments.assignment_details, name="assignment_details"),
    path("clients/<int:client_id>/plans/new/", plans.plan_new, name="plan_new"),
    path("clients/<int:client_id>/plans/assign/", plans.plan_assign, name="plan_assign"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/<int:plan_id>/delete/", plans.plan_delete, name="plan_delete"),
]
