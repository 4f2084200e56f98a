"""The applicant's and the consulted party's deadlines, counted from their start and their
number of working days with a given calendar (RULES §1.3: the start day is not counted).

- 缴费 (国办函〔2020〕109号, RULES §4): ``GONGKAI_FOI_FEE_PAYMENT_DAYS`` (20) working days from the
  收费通知's date, or from the day it was delivered once that is recorded (自收到之日起).
- 征求意见 (条例 第三十二条、第三十四条): ``GONGKAI_FOI_CONSULTATION_DAYS`` (15) working days
  from the letter's date, or from its delivery once recorded.
- 补正 (条例 第三十条: a reasonable period): given either in working days, stored as
  ``clarification_days`` and counted from the 补正告知's date, or as a date, which is kept as
  typed (it was chosen as a date and is not counted in working days).

The dates stored on the rows are what letters and pages show. They follow the calendar: a
notice or a corrected day recomputes them in its own transaction (``services.recompute_deadlines``
through ``workdays.signals.calendar_changed``). The close-on-expiry checks use ``*_deadline``:
the later of the stored date and the date counted now, so neither a stale stored date nor a
stale calendar shortens the time the applicant or the party was given.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from gongkai.foi.models import Consultation, FeeNotice, InfoRequest, Letter
from gongkai.workdays.calendar import WorkCalendar


def _delivered_on(**letter: object) -> dt.date | None:
    return (
        Letter.objects.filter(delivered_on__isnull=False, **letter)
        .order_by("-pk")
        .values_list("delivered_on", flat=True)
        .first()
    )


def fee_pay_due_on(notice: FeeNotice, *, calendar: WorkCalendar) -> dt.date:
    """Count the payment deadline: N working days after the notice's date or its delivery."""
    start = _delivered_on(fee=notice) or notice.sent_on
    return calendar.add_working_days(start, settings.GONGKAI_FOI_FEE_PAYMENT_DAYS).date


def consultation_answer_due_on(consultation: Consultation, *, calendar: WorkCalendar) -> dt.date:
    """Count the party's answer deadline: N working days after the letter's date or delivery."""
    start = _delivered_on(consultation=consultation) or consultation.sent_on
    return calendar.add_working_days(start, settings.GONGKAI_FOI_CONSULTATION_DAYS).date


def clarification_due_on(request: InfoRequest, *, calendar: WorkCalendar) -> dt.date | None:
    """Count the 补正 deadline given in working days; ``None`` for a typed date (or none)."""
    if request.clarification_days is None or request.clarification_sent_on is None:
        return None
    return calendar.add_working_days(request.clarification_sent_on, request.clarification_days).date


def fee_deadline(notice: FeeNotice, *, calendar: WorkCalendar) -> dt.date:
    """Return the last day to pay: the later of the stored and the newly counted date."""
    return max(notice.pay_due_on, fee_pay_due_on(notice, calendar=calendar))


def consultation_deadline(consultation: Consultation, *, calendar: WorkCalendar) -> dt.date:
    """Return the last day to answer: the later of the stored and the newly counted date."""
    return max(
        consultation.answer_due_on, consultation_answer_due_on(consultation, calendar=calendar)
    )


def clarification_deadline(request: InfoRequest, *, calendar: WorkCalendar) -> dt.date | None:
    """Return the last day to correct: a typed date as typed; a period in working days as the
    later of the stored and the newly counted date."""
    stored = request.clarification_due_on
    counted = clarification_due_on(request, calendar=calendar)
    if counted is None or stored is None:
        return counted or stored
    return max(stored, counted)
