"""信息处理费 (国办函〔2020〕109号, RULES §4): the applicant's month, the notice that pauses
the clock, payment, and closing when unpaid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.foi import deadlines, fees, letters
from gongkai.foi.choices import (
    FeeMethod,
    LetterKind,
    Outcome,
    RequestStatus,
)
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.models import (
    FeeNotice,
    InfoRequest,
)
from gongkai.foi.services.common import (
    BASIS_FEE,
    _clock_event,
    _close,
    _locked,
    _may_handle,
    _require_period_running,
    save_request,
)
from gongkai.workdays.selectors import get_calendar


def _month_count(request: InfoRequest) -> int:
    """The place of this application among the applicant's applications to the organ in the
    natural month it arrived (国办函〔2020〕109号 第四条: 同一申请人一个自然月内累计申请)."""
    arrived = timezone.localtime(request.arrived_at)
    start = arrived.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (
        InfoRequest.objects.filter(
            organ_id=request.organ_id,
            id_type=request.id_type,
            id_number=request.id_number,
            arrived_at__gte=start,
            arrived_at__lte=request.arrived_at,
        )
        .exclude(arrived_at=request.arrived_at, pk__gt=request.pk)
        .count()
    )


def quote_fee(request: InfoRequest, *, method: str, pages: int = 0) -> tuple[fees.Fee, int]:
    """What a fee notice would charge: (fee, the application's place in the month)."""
    count = _month_count(request)
    if method == FeeMethod.PER_ITEM:
        return fees.per_item_fee(
            fees.parse_tiers(settings.GONGKAI_FOI_FEE_ITEM_TIERS), count
        ), count
    if method == FeeMethod.PER_VOLUME:
        if pages <= 0:
            raise InvalidInput(_("请填写页数。"), details={"field": "pages"})
        return fees.per_volume_fee(
            fees.parse_tiers(settings.GONGKAI_FOI_FEE_PAGE_TIERS), pages
        ), count
    raise InvalidInput(_("请从列表中选择。"), details={"field": "method"})


@transaction.atomic
def issue_fee_notice(
    request: InfoRequest, *, actor: Any, on: dt.date, method: str, pages: int = 0
) -> FeeNotice:
    """A 收费通知 within the reply period; the clock stops until payment (RULES §4)."""
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING:
        raise WrongRequestState
    if request.fees.exists():
        raise WrongRequestState(_("本申请已发出过收费通知。"))
    if request.receipt_on is not None and on < request.receipt_on:
        raise InvalidInput(_("通知日期不能早于收到申请之日。"), details={"field": "on"})
    _require_period_running(request, on=on, what=_("发出收费通知"))
    fee, count = quote_fee(request, method=method, pages=pages)
    if fee.amount <= 0:
        raise InvalidInput(
            _("本申请未超过免费额度（%(b)s），不能收费。") % {"b": fee.breakdown},
            details={"field": "method"},
        )
    days = settings.GONGKAI_FOI_FEE_PAYMENT_DAYS
    pay_due = get_calendar().add_working_days(on, days).date
    options = letters.letter_settings(request.organ_id)
    notice = FeeNotice.objects.create(
        request=request,
        method=method,
        month_count=count,
        pages=pages,
        amount=fee.amount,
        breakdown=fee.breakdown,
        payment_method=options.payment_method,
        sent_on=on,
        pay_due_on=pay_due,
    )
    _clock_event(
        request, actor=actor, kind="pause", on=on, label=_("发出收费通知"), basis=BASIS_FEE
    )
    request.status = RequestStatus.AWAITING_PAYMENT
    save_request(request, ["status"])
    record_event(
        "foi.request.fee_notice",
        actor=actor,
        obj=request,
        changes={"amount": fee.amount, "method": method, "month_count": count, "due_on": pay_due},
    )
    letters.issue(
        request,
        actor=actor,
        kind=LetterKind.FEE,
        key=LetterKind.FEE,
        on=on,
        fee=notice,
        extra={
            "收费方式": str(FeeMethod(method).label),
            "计算过程": fee.breakdown,
            "收费金额": str(fee.amount),
            "缴费期限": letters.chinese_date(pay_due),
            "缴费天数": str(days),
        },
    )
    return notice


@transaction.atomic
def record_payment(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """The fee was paid: the clock runs again from the day of payment."""
    request = _locked(request)
    _may_handle(actor, request)
    notice = request.fees.filter(paid_on__isnull=True, lapsed_on__isnull=True).last()
    if request.status != RequestStatus.AWAITING_PAYMENT or notice is None:
        raise WrongRequestState
    if on < notice.sent_on:
        raise InvalidInput(_("缴费日期不能早于通知日期。"), details={"field": "on"})
    pay_due = deadlines.fee_deadline(notice, calendar=get_calendar())
    if on > pay_due:
        raise InvalidInput(
            _("缴费期限（%(d)s）已过，逾期缴费视为放弃申请。") % {"d": pay_due.isoformat()},
            details={"field": "on"},
        )
    notice.paid_on = on
    notice.save(update_fields=["paid_on"])
    _clock_event(request, actor=actor, kind="resume", on=on, label=_("缴纳费用"), basis=BASIS_FEE)
    request.status = RequestStatus.PROCESSING
    save_request(request, ["status"])
    record_event("foi.request.fee_paid", actor=actor, obj=request, changes={"on": on})
    return request


@transaction.atomic
def close_unpaid(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """Not paid by the deadline: deemed abandoned (其他处理 2)."""
    request = _locked(request)
    _may_handle(actor, request)
    notice = request.fees.filter(paid_on__isnull=True, lapsed_on__isnull=True).last()
    if request.status != RequestStatus.AWAITING_PAYMENT or notice is None:
        raise WrongRequestState
    # Counted again with today's calendar: a stale stored date never shortens the time to pay.
    pay_due = deadlines.fee_deadline(notice, calendar=get_calendar())
    if on <= pay_due:
        raise InvalidInput(
            _("缴费期限（%(d)s）尚未届满。") % {"d": pay_due.isoformat()},
            details={"field": "on"},
        )
    notice.lapsed_on = on
    notice.save(update_fields=["lapsed_on"])
    _clock_event(
        request, actor=actor, kind="resume", on=on, label=_("缴费期限届满"), basis=BASIS_FEE
    )
    _close(
        request,
        actor=actor,
        on=on,
        outcome=Outcome.OTHER_FEE_UNPAID,
        label=_("逾期未缴费，视为放弃申请"),
        basis=BASIS_FEE,
    )
    record_event("foi.request.fee_unpaid", actor=actor, obj=request, changes={"on": on})
    return request
