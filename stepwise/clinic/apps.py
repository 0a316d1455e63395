from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "stepwise.clinic"
    label = "clinic"
    verbose_name = "Practices and clients"
