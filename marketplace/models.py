"""Model pieces every app shares."""

from django.db import models

from marketplace.ids import uuid7


class UUIDModel(models.Model):
    """A time-ordered UUIDv7 primary key; ordering by id is creation order."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(UUIDModel):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
