"""Keep what foi stores from the calendar current: the queue's copy of each request's clock when
the clocks are recomputed, and the payment, consultation and 补正 deadlines when the calendar
changes (in the same transaction as the change)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from gongkai.foi.models import NO_DUE_DATE, InfoRequest
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.models import Clock
from gongkai.workdays.signals import calendar_changed, clocks_recomputed

RECOMPUTE_UID = "foi.recompute_deadlines"


def copy_clocks(sender: Any, *, clock_ids: list[int], **kwargs: Any) -> None:
    clock = Clock.objects.filter(pk=OuterRef("clock_id"))
    InfoRequest.objects.filter(clock_id__in=clock_ids).update(
        queue_due_on=Coalesce(Subquery(clock.values("due_on")[:1]), Value(NO_DUE_DATE)),
        queue_provisional=Subquery(clock.values("provisional")[:1]),
    )


def recompute_deadlines(sender: Any, *, actor: Any, calendar: WorkCalendar, **kwargs: Any) -> None:
    from gongkai.foi.services import recompute_deadlines as recompute

    recompute(actor=actor, calendar=calendar)


def connect() -> None:
    clocks_recomputed.connect(copy_clocks, dispatch_uid="foi.copy_clocks")
    calendar_changed.connect(recompute_deadlines, dispatch_uid=RECOMPUTE_UID)
