"""The parties' deadlines after a delivery or a calendar change (RULES §1.3, §4):
recounted, stored, audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from gongkai.core.audit import record_event
from gongkai.foi import deadlines
from gongkai.foi.choices import (
    RequestStatus,
)
from gongkai.foi.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Letter,
)
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.selectors import get_calendar


def _count_from_delivery(letter: Letter, delivered_on: dt.date) -> None:
    """A party's period runs from receiving the letter: once delivery is known, the payment or
    answer deadline is counted from it (the letter's own wording: 自收到之日起)."""
    calendar = get_calendar()
    if letter.fee_id is not None:
        FeeNotice.objects.filter(pk=letter.fee_id, paid_on=None, lapsed_on=None).update(
            pay_due_on=calendar.add_working_days(
                delivered_on, settings.GONGKAI_FOI_FEE_PAYMENT_DAYS
            ).date
        )
    if letter.consultation_id is not None:
        Consultation.objects.filter(pk=letter.consultation_id, answered_on=None).update(
            answer_due_on=calendar.add_working_days(
                delivered_on, settings.GONGKAI_FOI_CONSULTATION_DAYS
            ).date
        )


@transaction.atomic
def recompute_deadlines(*, actor: Any, calendar: WorkCalendar | None = None) -> int:
    """Count every open deadline stored from the calendar again (a notice was imported or a day
    corrected: ``workdays.signals.calendar_changed``); return how many moved.

    Open 缴费, 征求意见 and 补正 periods given in working days (``deadlines``). Each date that
    moves leaves one audit record on its request (``foi.deadline.recomputed``: which deadline,
    the row, before, after) by the actor who changed the calendar.
    """
    calendar = calendar or get_calendar()
    moved = 0

    def store(row: Any, field: str, kind: str, new: dt.date, request: InfoRequest) -> None:
        nonlocal moved
        old = getattr(row, field)
        if new == old:
            return
        setattr(row, field, new)
        row.save(update_fields=[field])
        moved += 1
        record_event(
            "foi.deadline.recomputed",
            actor=actor,
            obj=request,
            changes={"deadline": kind, "id": row.pk, "before": old, "after": new},
        )

    open_fees = FeeNotice.objects.filter(paid_on=None, lapsed_on=None).select_related("request")
    for notice in open_fees.order_by("pk"):
        new = deadlines.fee_pay_due_on(notice, calendar=calendar)
        store(notice, "pay_due_on", "fee_payment", new, notice.request)
    consultations = Consultation.objects.filter(answered_on=None).select_related("request")
    for consultation in consultations.order_by("pk"):
        new = deadlines.consultation_answer_due_on(consultation, calendar=calendar)
        store(consultation, "answer_due_on", "consultation_answer", new, consultation.request)
    clarifying = InfoRequest.objects.filter(
        status=RequestStatus.CLARIFYING, clarification_days__isnull=False
    )
    for request in clarifying.order_by("pk"):
        counted = deadlines.clarification_due_on(request, calendar=calendar)
        if counted is not None:
            store(request, "clarification_due_on", "clarification", counted, request)
    return moved
