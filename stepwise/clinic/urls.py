from django.urls import path

from stepwise.clinic import invitation_views, practice_views, views

app_name = "clinic"

urlpatterns = [
    path("clients/", views.caseload, name="caseload"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/discharge/", views.client_discharge, name="client_discharge"),
    path("clients/<int:client_id>/invite/", invitation_views.client_invite, name="client_invite"),
    path(
        "clients/<int:client_id>/caregivers/invite/",
        invitation_views.caregiver_invite,
        name="caregiver_invite",
    ),
    path(
        "clients/<int:client_id>/caregivers/<int:link_id>/remove/",
        views.caregiver_unlink,
        name="caregiver_unlink",
    ),
    path("invitations/", invitation_views.invitation_list, name="invitation_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("practice/", practice_views.members, name="members"),
    path("practice/invite/", practice_views.member_invite, name="member_invite"),
    path("practice/time-zone/", practice_views.practice_time_zone, name="practice_time_zone"),
    path(
        "practice/members/<int:membership_id>/role/", practice_views.member_role, name="member_role"
    ),
    path(
        "practice/members/<int:membership_id>/remove/",
        practice_views.member_remove,
        name="member_remove",
    ),
]
