"""Keep the queue's copy of each request's clock current when the calendar recomputes clocks."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from gongkai.foi.models import NO_DUE_DATE, InfoRequest
from gongkai.workdays.models import Clock
from gongkai.workdays.signals import clocks_recomputed


def copy_clocks(sender: Any, *, clock_ids: list[int], **kwargs: Any) -> None:
    clock = Clock.objects.filter(pk=OuterRef("clock_id"))
    InfoRequest.objects.filter(clock_id__in=clock_ids).update(
        queue_due_on=Coalesce(Subquery(clock.values("due_on")[:1]), Value(NO_DUE_DATE)),
        queue_provisional=Subquery(clock.values("provisional")[:1]),
    )


def connect() -> None:
    clocks_recomputed.connect(copy_clocks, dispatch_uid="foi.copy_clocks")
