from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "stepwise.ops"
    label = "ops"
    verbose_name = "Operations (backup and restore)"

    def ready(self) -> None:
        from stepwise.ops import checks  # noqa: F401 - registers the deployment checks
