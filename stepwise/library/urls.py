from django.urls import path

from stepwise.library import browse_views, builder_views, media_views, practice_views

app_name = "library"

urlpatterns = [
    path("library/", browse_views.index, name="index"),
    path("library/new/", builder_views.new, name="new"),
    path("library/import/", builder_views.import_exercise, name="import"),
    path("library/media/", media_views.media_list, name="media"),
    path("library/media/<uuid:media_id>/", media_views.media_file, name="media_file"),
    path("library/<int:definition_id>/", browse_views.detail, name="detail"),
    path("library/<int:definition_id>/edit/", builder_views.edit, name="builder"),
    path(
        "library/<int:definition_id>/edit/preview/",
        builder_views.builder_preview,
        name="builder_preview",
    ),
    path("library/versions/<int:version_id>/try/", browse_views.preview, name="preview"),
    path("library/versions/<int:version_id>/export/", browse_views.export, name="export"),
    path("library/versions/<int:version_id>/copy/", builder_views.copy, name="copy"),
    path("clients/<int:client_id>/practise/", practice_views.practise_pick, name="practise_pick"),
    path(
        "clients/<int:client_id>/practise/<int:version_id>/",
        practice_views.practise_together,
        name="practise_together",
    ),
    path(
        "clients/<int:client_id>/practice/<int:submission_id>/",
        practice_views.submission_detail,
        name="submission",
    ),
]
