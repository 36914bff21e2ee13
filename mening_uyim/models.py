"""System bookkeeping that belongs to no domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last run of a periodic no-op task: proof that beat and a worker are alive.

    One row per beat entry name; ``/healthz`` reports its age.
    """

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    last_beat_at = models.DateTimeField(_("last beat at"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_beat_at:%Y-%m-%d %H:%M:%S}"
