"""The clock's handling steps: 补正 (第三十条), consultation of third parties and other
organs (第三十二条、第三十四条), extension (第三十三条), and the applicant's own withdrawal or
correction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.permissions import Action, require
from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.core.time import today_local
from gongkai.foi import deadlines, letters
from gongkai.foi.choices import (
    ConsultationKind,
    LetterKind,
    Opinion,
    Outcome,
    Recipient,
    ReplyStage,
    RequestStatus,
)
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.models import (
    Consultation,
    InfoRequest,
)
from gongkai.foi.services.common import (
    BASIS_CLARIFY,
    BASIS_ORGAN,
    BASIS_REPLY,
    BASIS_THIRD,
    PAUSED_STATUSES,
    _clock_event,
    _close,
    _locked,
    _may_handle,
    _require_period_running,
    hash_code,
    save_request,
)
from gongkai.workdays.selectors import get_calendar


@transaction.atomic
def request_clarification(
    request: InfoRequest,
    *,
    actor: Any,
    on: dt.date,
    what: str,
    due_on: dt.date | None = None,
    days: int | None = None,
) -> InfoRequest:
    """The one 补正 notice: within 7 working days of receipt; the clock stops until corrected.

    The period (第三十条: reasonable) is a date (``due_on``, kept as typed) or a number of
    working days counted from ``on`` (``days``, stored: the date then follows the calendar,
    see ``deadlines``) — one of the two.
    """
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING or request.receipt_on is None:
        raise WrongRequestState
    if request.clarification_sent_on is not None:
        raise WrongRequestState(_("补正只能一次性告知。"))
    limit = (
        get_calendar()
        .add_working_days(request.receipt_on, settings.GONGKAI_FOI_CLARIFICATION_NOTICE_DAYS)
        .date
    )
    if on > limit:
        raise InvalidInput(
            _("补正告知应在收到申请后 %(n)d 个工作日内（%(d)s 前）发出。")
            % {"n": settings.GONGKAI_FOI_CLARIFICATION_NOTICE_DAYS, "d": limit.isoformat()},
            details={"field": "on"},
        )
    if on < request.receipt_on:
        raise InvalidInput(_("告知日期不能早于收到申请之日。"), details={"field": "on"})
    if not what.strip():
        raise InvalidInput(_("请写明需要补正的内容。"), details={"field": "what"})
    if due_on is None and days is None:
        raise InvalidInput(
            _("请填写补正期限（日期或工作日数，填写其一）。"), details={"field": "due_on"}
        )
    if due_on is not None and days is not None:
        raise InvalidInput(_("补正期限请填写日期或工作日数其中一项。"), details={"field": "days"})
    if days is not None:
        if days <= 0:
            raise InvalidInput(_("补正期限必须大于 0 个工作日。"), details={"field": "days"})
        due_on = get_calendar().add_working_days(on, days).date
    assert due_on is not None  # noqa: S101 - one of the two was given
    if due_on <= on:
        raise InvalidInput(_("补正期限应晚于告知日期。"), details={"field": "due_on"})
    _require_period_running(request, on=on, what=_("告知补正"))
    _clock_event(
        request, actor=actor, kind="pause", on=on, label=_("发出补正告知"), basis=BASIS_CLARIFY
    )
    request.clarification_sent_on, request.clarification_due_on = on, due_on
    request.clarification_days = days
    request.clarification_request, request.status = what.strip(), RequestStatus.CLARIFYING
    save_request(
        request,
        [
            "clarification_sent_on",
            "clarification_due_on",
            "clarification_days",
            "clarification_request",
            "status",
        ],
    )
    record_event(
        "foi.request.clarification_requested",
        actor=actor,
        obj=request,
        changes={"on": on, "due_on": due_on, "days": days},
    )
    letters.issue(
        request, actor=actor, kind=LetterKind.CLARIFICATION, key=LetterKind.CLARIFICATION, on=on
    )
    return request


@transaction.atomic
def receive_clarification(
    request: InfoRequest, *, actor: Any, on: dt.date, text: str
) -> InfoRequest:
    """Staff record the correction that came in (by post, in person …)."""
    request = _locked(request)
    _may_handle(actor, request)
    return _clarified(request, actor=actor, on=on, text=text)


def _clarified(request: InfoRequest, *, actor: Any, on: dt.date, text: str) -> InfoRequest:
    """The corrected application arrived: counting starts again from that day (第三十条).

    ``request`` is locked by the caller, which has also checked who may record it.
    """
    if request.status != RequestStatus.CLARIFYING:
        raise WrongRequestState
    if not text.strip():
        raise InvalidInput(_("请填写补正内容。"), details={"field": "text"})
    if request.clarification_sent_on is not None and on < request.clarification_sent_on:
        raise InvalidInput(_("收到补正的日期不能早于补正告知日期。"), details={"field": "on"})
    _clock_event(
        request, actor=actor, kind="resume", on=on, label=_("收到补正"), basis=BASIS_CLARIFY
    )
    _clock_event(
        request,
        actor=actor,
        kind="restart",
        on=on,
        label=_("补正后重新计算答复期限"),
        basis=BASIS_CLARIFY,
    )
    request.clarification_text, request.status = text.strip(), RequestStatus.PROCESSING
    save_request(request, ["clarification_text", "status"])
    record_event("foi.request.clarified", actor=actor, obj=request, changes={"on": on})
    return request


@transaction.atomic
def start_consultation(
    request: InfoRequest,
    *,
    actor: Any,
    on: dt.date,
    party: str,
    kind: str = ConsultationKind.THIRD_PARTY,
    question: str = "",
    party_address: str = "",
) -> Consultation:
    """Consult a third party (第三十二条) or another organ (第三十四条) in writing; the clock
    stops meanwhile (第三十三条 ¶3), and the letter gives the party 15 working days."""
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING:
        raise WrongRequestState
    if kind not in ConsultationKind.values:
        raise InvalidInput(_("请从列表中选择。"), details={"field": "kind"})
    if not party.strip():
        raise InvalidInput(_("请填写征求意见对象。"), details={"field": "party"})
    if request.receipt_on is not None and on < request.receipt_on:
        raise InvalidInput(_("发出日期不能早于收到申请之日。"), details={"field": "on"})
    _require_period_running(request, on=on, what=_("征求意见"))
    days = settings.GONGKAI_FOI_CONSULTATION_DAYS
    answer_due = get_calendar().add_working_days(on, days).date
    consultation = Consultation.objects.create(
        request=request,
        kind=kind,
        party=party.strip(),
        party_address=party_address.strip(),
        question=question.strip() or request.info_title,
        sent_on=on,
        answer_due_on=answer_due,
    )
    _clock_event(
        request,
        actor=actor,
        kind="pause",
        on=on,
        label=_("征求%(p)s意见") % {"p": consultation.party},
        basis=BASIS_THIRD if kind == ConsultationKind.THIRD_PARTY else BASIS_ORGAN,
    )
    request.status = RequestStatus.CONSULTING
    save_request(request, ["status"])
    record_event(
        "foi.request.consultation_started",
        actor=actor,
        obj=request,
        changes={"on": on, "party": consultation.party, "kind": kind, "due_on": answer_due},
    )
    letter_kind = (
        LetterKind.THIRD_PARTY if kind == ConsultationKind.THIRD_PARTY else LetterKind.ORGAN
    )
    letters.issue(
        request,
        actor=actor,
        kind=letter_kind,
        key=letter_kind,
        on=on,
        recipient=Recipient.THIRD_PARTY
        if kind == ConsultationKind.THIRD_PARTY
        else Recipient.ORGAN,
        recipient_name=consultation.party,
        consultation=consultation,
        extra={
            "受送达人": consultation.party,
            "征求内容": consultation.question,
            "意见期限": letters.chinese_date(answer_due),
            "意见天数": str(days),
        },
    )
    return consultation


@transaction.atomic
def end_consultation(
    request: InfoRequest, *, actor: Any, on: dt.date, opinion: str = "", text: str = ""
) -> InfoRequest:
    """The party answered, or its 15 working days passed: the clock runs again.

    Without an answer, another organ is deemed to consent (第三十四条) and for a third party the
    organ decides (第三十二条); either is recorded only once the period is over.
    """
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.CONSULTING:
        raise WrongRequestState
    consultation = request.consultations.filter(answered_on__isnull=True).last()
    if consultation is not None:
        if on < consultation.sent_on:
            raise InvalidInput(_("日期不能早于征求意见的发出日期。"), details={"field": "on"})
        # Counted again with today's calendar: a stale stored date never cuts the period short.
        answer_due = deadlines.consultation_deadline(consultation, calendar=get_calendar())
        if opinion in ("", Opinion.NONE, Opinion.DEEMED_CONSENT):
            if on <= answer_due:
                raise InvalidInput(
                    _("征求意见期限（%(d)s）尚未届满，请登记对方的意见。")
                    % {"d": answer_due.isoformat()},
                    details={"field": "opinion"},
                )
            opinion = (
                Opinion.DEEMED_CONSENT
                if consultation.kind == ConsultationKind.ORGAN
                else Opinion.NONE
            )
        elif opinion not in Opinion.values:
            raise InvalidInput(_("请从列表中选择。"), details={"field": "opinion"})
        consultation.answered_on, consultation.opinion = on, opinion
        consultation.opinion_text = text.strip()
        consultation.save(update_fields=["answered_on", "opinion", "opinion_text"])
        if opinion in (Opinion.NONE, Opinion.DEEMED_CONSENT):
            # Only the consultation period is excluded (第三十三条 ¶3): after silence the count
            # runs again from the end of the period, not from the day it was recorded.
            on = answer_due
    _clock_event(
        request, actor=actor, kind="resume", on=on, label=_("收到意见或期满"), basis=BASIS_THIRD
    )
    request.status = RequestStatus.PROCESSING
    save_request(request, ["status"])
    record_event(
        "foi.request.consultation_ended",
        actor=actor,
        obj=request,
        changes={"on": on, "opinion": opinion},
    )
    return request


@transaction.atomic
def extend(request: InfoRequest, *, actor: Any, on: dt.date, days: int, reason: str) -> InfoRequest:
    """Extend the reply deadline with a leader's approval (≤ 20 working days, 第三十三条);
    the applicant is told by a 延期答复告知书."""
    request = _locked(request)
    require(actor, Action.APPROVE, organ=request.organ)
    if request.status not in (RequestStatus.PROCESSING, RequestStatus.REVIEWING):
        raise WrongRequestState(
            _("只能在计时中的申请上批准延期（征求意见、补正或缴费期间请先结束）。")
        )
    if not reason.strip():
        raise InvalidInput(_("请填写延期理由。"), details={"field": "reason"})
    _require_period_running(request, on=on, what=_("延期"))
    _clock_event(
        request,
        actor=actor,
        kind="extend",
        on=on,
        days=days,
        label=reason.strip()[:200],
        basis=BASIS_REPLY,
    )
    save_request(request, [])
    record_event(
        "foi.request.extended", actor=actor, obj=request, changes={"days": days, "reason": reason}
    )
    letters.issue(
        request,
        actor=actor,
        kind=LetterKind.EXTENSION,
        key=LetterKind.EXTENSION,
        on=on,
        extra={"延长天数": str(days), "延期理由": reason.strip()},
    )
    return request


@transaction.atomic
def close_unclarified(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """No correction by the deadline: the application is deemed abandoned (其他处理 1)."""
    request = _locked(request)
    _may_handle(actor, request)
    due = deadlines.clarification_deadline(request, calendar=get_calendar())
    if request.status != RequestStatus.CLARIFYING or due is None:
        raise WrongRequestState
    if on <= due:
        raise InvalidInput(
            _("补正期限（%(d)s）尚未届满。") % {"d": due.isoformat()}, details={"field": "on"}
        )
    _close(
        request,
        actor=actor,
        on=on,
        outcome=Outcome.OTHER_NO_CLARIFICATION,
        label=_("逾期未补正，视为放弃申请"),
        basis=BASIS_CLARIFY,
    )
    record_event("foi.request.abandoned", actor=actor, obj=request, changes={"on": on})
    return request


@transaction.atomic
def withdraw_by_applicant(request: InfoRequest, *, code: str) -> InfoRequest:
    """The applicant withdraws with the query code (其他处理 3)."""
    request = _locked(request)
    if not secrets.compare_digest(request.query_code_hash, hash_code(code)):
        raise NotPermitted(_("查询码不正确。"))
    if request.status in (RequestStatus.REPLIED, RequestStatus.CLOSED):
        raise WrongRequestState
    today = today_local()
    request.consultations.filter(answered_on__isnull=True).update(answered_on=today)
    request.fees.filter(paid_on__isnull=True, lapsed_on__isnull=True).update(lapsed_on=today)
    request.drafts.filter(stage__in=[ReplyStage.REVIEW, ReplyStage.SIGN]).update(
        stage=ReplyStage.RETURNED, return_reason=_("申请人撤回申请")
    )
    if request.clock is not None:
        if request.status in PAUSED_STATUSES:
            _clock_event(request, actor=SYSTEM, kind="resume", on=today, label=_("申请人撤回"))
        _clock_event(request, actor=SYSTEM, kind="stop", on=today, label=_("申请人撤回申请"))
    request.outcome, request.status, request.replied_on = Outcome.OTHER, RequestStatus.CLOSED, today
    save_request(request, ["outcome", "status", "replied_on"])
    record_event("foi.request.withdrawn", actor=SYSTEM, obj=request, changes={"on": today})
    return request


@transaction.atomic
def clarify_by_applicant(request: InfoRequest, *, code: str, text: str) -> InfoRequest:
    """The applicant supplies the 补正 online (with the query code)."""
    request = _locked(request)
    if not secrets.compare_digest(request.query_code_hash, hash_code(code)):
        raise NotPermitted(_("查询码不正确。"))
    return _clarified(request, actor=SYSTEM, on=today_local(), text=text)
