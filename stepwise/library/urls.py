from django.urls import path

from stepwise.library.views import browse, builder, media

app_name = "library"

urlpatterns = [
    path("library/", browse.index, name="index"),
    path("library/new/", builder.new, name="new"),
    path("library/import/", builder.import_exercise, name="import"),
    path("library/media/", media.media_list, name="media"),
    path("library/media/<uuid:media_id>/", media.media_file, name="media_file"),
    path("library/<int:definition_id>/", browse.detail, name="detail"),
    path("library/<int:definition_id>/edit/", builder.edit, name="builder"),
    path(
        "library/<int:definition_id>/edit/preview/",
        builder.builder_preview,
        name="builder_preview",
    ),
    path(
        "library/<int:definition_id>/translate/<str:language>/",
        builder.translate,
        name="translate",
    ),
    path("library/versions/<int:version_id>/try/", browse.preview, name="preview"),
    path("library/versions/<int:version_id>/export/", browse.export, name="export"),
    path("library/versions/<int:version_id>/copy/", builder.copy, name="copy"),
]
