from django.urls import path

from stepwise.assessments.views import practice, records, session

app_name = "assessments"

urlpatterns = [
    path(
        "clients/<int:client_id>/assessments/",
        records.client_assessments,
        name="client_assessments",
    ),
    path(
        "clients/<int:client_id>/assessments/share/",
        records.share_results,
        name="share_results",
    ),
    path(
        "clients/<int:client_id>/in-session/",
        session.start_in_session,
        name="start_in_session",
    ),
    path(
        "clients/<int:client_id>/assessments/<int:instrument_id>/",
        records.results,
        name="results",
    ),
    path(
        "clients/<int:client_id>/assessments/<int:instrument_id>/new-episode/",
        records.new_episode,
        name="new_episode",
    ),
    path(
        "clients/<int:client_id>/alerts/<int:alert_id>/acknowledge/",
        records.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("attention/<int:alert_id>/", records.alert_link, name="alert"),
    path("in-session/", session.in_session, name="in_session"),
    path("in-session/done/", session.in_session_done, name="in_session_done"),
    path("in-session/end/", session.in_session_end, name="in_session_end"),
    path("practice/instruments/", practice.instrument_list, name="instrument_list"),
    path("practice/instruments/import/", practice.instrument_import, name="instrument_import"),
    path(
        "practice/instruments/<slug:key>/enable/",
        practice.instrument_enable,
        name="instrument_enable",
    ),
    path(
        "practice/instruments/<slug:key>/disable/",
        practice.instrument_disable,
        name="instrument_disable",
    ),
    path("practice/alerts/", practice.practice_alerts, name="practice_alerts"),
    path(
        "practice/alerts/<int:alert_id>/join/",
        practice.practice_alert_join,
        name="practice_alert_join",
    ),
    path(
        "practice/instruments/<slug:key>/cutoff/",
        practice.instrument_cutoff,
        name="instrument_cutoff",
    ),
    path("practice/assessments/", practice.assessment_settings, name="assessment_settings"),
]
