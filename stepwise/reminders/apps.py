from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "stepwise.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from stepwise.reminders import follow

        follow.connect()
