from __future__ import annotations

from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "stepwise.homework"
    label = "homework"
    verbose_name = "Homework"
