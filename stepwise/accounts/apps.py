from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stepwise.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from stepwise.accounts import session_timeout  # noqa: F401 - connects the login signal
