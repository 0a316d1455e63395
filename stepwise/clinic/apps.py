from typing import Any

from django.apps import AppConfig


def _own_time_zone_changed(sender: Any, *, user: Any, **kwargs: Any) -> None:
    from stepwise.clinic import actions

    actions.follow_own_time_zone(user)


def _own_language_changed(sender: Any, *, user: Any, **kwargs: Any) -> None:
    from stepwise.clinic import actions

    actions.follow_own_language(user)


class ClinicConfig(AppConfig):
    name = "stepwise.clinic"
    label = "clinic"
    verbose_name = "Practices and clients"

    def ready(self) -> None:
        # A named domain event of accounts (not a model signal): a client's own change of zone
        # moves their record, which reminders then follow.
        from stepwise.accounts.signals import language_changed, time_zone_changed

        time_zone_changed.connect(_own_time_zone_changed, dispatch_uid="clinic.own_time_zone")
        # A client's record and account are one language setting (docs/languages.md).
        language_changed.connect(_own_language_changed, dispatch_uid="clinic.own_language")
