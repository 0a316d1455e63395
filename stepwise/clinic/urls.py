from django.urls import path

from stepwise.clinic.views import clients, invitations, members

app_name = "clinic"

urlpatterns = [
    path("clients/", clients.caseload, name="caseload"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<int:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_id>/discharge/", clients.client_discharge, name="client_discharge"),
    path("clients/<int:client_id>/invite/", invitations.client_invite, name="client_invite"),
    path(
        "clients/<int:client_id>/caregivers/invite/",
        invitations.caregiver_invite,
        name="caregiver_invite",
    ),
    path(
        "clients/<int:client_id>/caregivers/<int:link_id>/language/",
        clients.caregiver_language,
        name="caregiver_language",
    ),
    path(
        "clients/<int:client_id>/caregivers/<int:link_id>/remove/",
        clients.caregiver_unlink,
        name="caregiver_unlink",
    ),
    path("invite/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("invitations/", invitations.invitation_list, name="invitation_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("practice/", members.members, name="members"),
    path("practice/invite/", members.member_invite, name="member_invite"),
    path("practice/time-zone/", members.practice_time_zone, name="practice_time_zone"),
    path("practice/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path(
        "practice/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
]
