"""Reads of the audit log and import jobs, limited to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, can
from gongkai.core.models import AuditEvent, ImportJob


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def list_audit_events(user: Any, *, organ: Organ, flt: AuditFilter) -> QuerySet[AuditEvent]:
    """Return the organ's audit records matching ``flt``, newest first; none without the right.

    A platform system administrator also sees records that belong to no organ.
    """
    if not can(user, Action.VIEW_AUDIT, organ=organ):
        return AuditEvent.objects.none()
    scope = Q(organ_id=organ.pk)
    if getattr(user, "is_superuser", False):
        scope |= Q(organ_id__isnull=True)
    events = AuditEvent.objects.filter(scope)
    if flt.action:
        events = events.filter(action__startswith=flt.action)
    if flt.actor:
        events = events.filter(actor_label__icontains=flt.actor)
    if flt.object_type:
        events = events.filter(object_type=flt.object_type)
    if flt.text:
        events = events.filter(Q(object_repr__icontains=flt.text) | Q(changes__icontains=flt.text))
    if flt.date_from:
        events = events.filter(created_at__gte=_day_start(flt.date_from))
    if flt.date_to:
        events = events.filter(created_at__lt=_day_start(flt.date_to + dt.timedelta(days=1)))
    return events.order_by("-seq")


def list_import_jobs(user: Any, *, organ: Organ) -> QuerySet[ImportJob]:
    """Return the organ's import jobs, newest first."""
    if not can(user, Action.VIEW, organ=organ):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organ=organ).select_related("created_by")


def get_import_job(user: Any, job_id: int) -> ImportJob | None:
    """Return one import job if the user may see its organ."""
    job = ImportJob.objects.select_related("organ", "created_by").filter(pk=job_id).first()
    if job is None or not can(user, Action.VIEW, organ=job.organ):
        return None
    return job
