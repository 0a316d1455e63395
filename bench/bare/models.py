"""The one table the bare ceiling reads: the app's practices, by primary key (not managed)."""

from django.db import models


class Practice(models.Model):
    name = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "clinic_practice"

    def __str__(self) -> str:
        return self.name
