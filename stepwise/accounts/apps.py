from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stepwise.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from stepwise.accounts import (  # noqa: F401 - connect their signal receivers
            mfa,
            session_timeout,
        )
        from stepwise.accounts.actions import devices  # noqa: F401 - forget_on_sign_out
