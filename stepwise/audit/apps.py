from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stepwise.audit"
    label = "audit"
    verbose_name = "Audit log"
