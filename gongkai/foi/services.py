"""Writes of information requests: intake by channel, the statutory clock, the reply.

The clock (workdays) starts on the day of receipt, which depends on the channel (条例 第三十一条):
the day of submission in person, the day of signing for registered mail, the confirmation day for
plain letters, online applications and faxes. A 补正 notice (第三十条, once, within 7 working days)
pauses the clock; the corrected application restarts it. Third-party consultation time is
excluded (第三十三条 ¶3). An extension needs a leader (at most 20 working days).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.core.time import today_local
from gongkai.foi.choices import (
    ApplicantType,
    Channel,
    Delivery,
    IdType,
    Outcome,
    ProvisionForm,
    RequestStatus,
)
from gongkai.foi.errors import TooManyRequests, WrongRequestState
from gongkai.foi.models import InfoRequest
from gongkai.foi.validators import validate_resident_id
from gongkai.workdays import services as clocks
from gongkai.workdays.selectors import get_calendar

BASIS_REPLY = "《中华人民共和国政府信息公开条例》第三十三条"
BASIS_CLARIFY = "《中华人民共和国政府信息公开条例》第三十条"
BASIS_THIRD = "《中华人民共和国政府信息公开条例》第三十二条、第三十三条"
APPLICANT_FIELDS = (
    "applicant_type",
    "name",
    "id_type",
    "id_number",
    "phone",
    "email",
    "address",
    "info_title",
    "info_doc_number",
    "info_description",
    "provision_form",
    "delivery",
)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _check_applicant(fields: dict[str, Any]) -> None:
    for name in ("name", "id_number", "phone", "info_title"):
        if not str(fields.get(name, "")).strip():
            raise InvalidInput(_("此项为必填项。"), details={"field": name})
    for name, choices in (
        ("applicant_type", ApplicantType),
        ("id_type", IdType),
        ("provision_form", ProvisionForm),
        ("delivery", Delivery),
    ):
        if fields.get(name) not in choices.values:
            raise InvalidInput(_("请从列表中选择。"), details={"field": name})
    natural = fields["applicant_type"] == ApplicantType.NATURAL
    id_type, number = fields["id_type"], str(fields["id_number"]).strip().upper()
    if natural and id_type == IdType.CREDIT_CODE:
        raise InvalidInput(_("自然人请填写身份证件。"), details={"field": "id_type"})
    if not natural and id_type != IdType.CREDIT_CODE:
        raise InvalidInput(
            _("法人或其他组织请填写统一社会信用代码。"), details={"field": "id_type"}
        )
    try:
        if id_type == IdType.RESIDENT_ID:
            validate_resident_id(number)
        elif id_type == IdType.CREDIT_CODE:
            validate_credit_code(number)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "id_number"}) from None
    fields["id_number"] = number


NUMBER_ATTEMPTS = 5


def _new_number(organ: Organ) -> str:
    today = today_local()
    return f"YSQ{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _create(
    organ: Organ,
    *,
    channel: str,
    arrived_at: dt.datetime,
    actor: Any,
    fields: dict[str, Any],
    submit_token: str | None = None,
    submit_ip: str = "",
) -> tuple[InfoRequest, str]:
    _check_applicant(fields)
    code = secrets.token_hex(4).upper()
    request = InfoRequest.objects.create(
        organ=organ,
        number=_new_number(organ),
        query_code_hash=hash_code(code),
        submit_token=submit_token,
        submit_ip=submit_ip,
        channel=channel,
        arrived_at=arrived_at,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{k: fields.get(k, "") for k in APPLICANT_FIELDS},
    )
    record_event(
        "foi.request.received",
        actor=actor,
        obj=request,
        organ_id=organ.pk,
        changes={
            "number": request.number,
            "channel": channel,
            "applicant_type": request.applicant_type,
        },
    )
    return request, code


def submit_online(
    organ: Organ, *, submit_token: str, ip: str, **fields: Any
) -> tuple[InfoRequest, str | None]:
    """A public online application; a resubmitted form (same token) returns the first one.

    Returns the request and its query code (``None`` when the token was already used: the code
    was shown the first time and is stored only as a hash).
    """
    existing = InfoRequest.objects.filter(submit_token=submit_token).first()
    if existing is not None:
        return existing, None
    since = timezone.now() - dt.timedelta(hours=1)
    if ip and InfoRequest.objects.filter(submit_ip=ip, created_at__gte=since).count() >= (
        settings.GONGKAI_FOI_SUBMISSIONS_PER_HOUR
    ):
        raise TooManyRequests
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return _create(
                    organ,
                    channel=Channel.ONLINE,
                    arrived_at=timezone.now(),
                    actor=SYSTEM,
                    fields=dict(fields),
                    submit_token=submit_token,
                    submit_ip=ip,
                )
        except IntegrityError:
            existing = InfoRequest.objects.filter(submit_token=submit_token).first()
            if existing is not None:  # the same form, sent twice at once
                return existing, None
            # otherwise two applications drew the same number: draw again
    raise IntegrityError("no free application number")


def _start_clock(request: InfoRequest, *, actor: Any, receipt_on: dt.date) -> None:
    request.receipt_on = receipt_on
    request.clock = clocks.start_clock(
        request.organ,
        actor=actor,
        purpose=_("答复政府信息公开申请 %(n)s") % {"n": request.number},
        start_on=receipt_on,
        limit_days=settings.GONGKAI_FOI_REPLY_DAYS,
        basis=BASIS_REPLY,
        max_extension_days=settings.GONGKAI_FOI_MAX_EXTENSION_DAYS,
        subject=request,
        label=_("收到申请"),
    )
    request.status = RequestStatus.PROCESSING
    request.save(update_fields=["receipt_on", "clock", "status"])


@transaction.atomic
def intake(
    organ: Organ,
    *,
    actor: Any,
    channel: str,
    arrived_on: dt.date,
    receipt_on: dt.date | None = None,
    **fields: Any,
) -> tuple[InfoRequest, str]:
    """Register an application that came in person, by post or by fax (条例 第三十一条).

    In person: received that day. Registered post: the day it was signed for (``receipt_on``).
    Plain letters and faxes: received when confirmed with the applicant (``receipt_on``, or
    later through ``confirm_receipt``).
    """
    require(actor, Action.COORDINATE, organ=organ)
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise InvalidInput(_("申请渠道无效。"), details={"field": "channel"})
    arrived_at = timezone.make_aware(dt.datetime.combine(arrived_on, dt.time(9)))
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a drawn number already taken is retried
                request, code = _create(
                    organ, channel=channel, arrived_at=arrived_at, actor=actor, fields=dict(fields)
                )
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    if channel == Channel.IN_PERSON:
        _start_clock(request, actor=actor, receipt_on=arrived_on)
    elif receipt_on is not None:
        if receipt_on < arrived_on:
            raise InvalidInput(_("收到日期不能早于到达日期。"), details={"field": "receipt_on"})
        _start_clock(request, actor=actor, receipt_on=receipt_on)
    return request, code


def _locked(request: InfoRequest) -> InfoRequest:
    return (
        InfoRequest.objects.select_for_update(of=("self",))
        .select_related("organ", "clock")
        .get(pk=request.pk)
    )


@transaction.atomic
def confirm_receipt(request: InfoRequest, *, actor: Any, confirmed_on: dt.date) -> InfoRequest:
    """Record the day both sides confirmed an online, fax or plain-letter application."""
    request = _locked(request)
    require(actor, Action.COORDINATE, organ=request.organ)
    if request.status != RequestStatus.AWAITING_RECEIPT:
        raise WrongRequestState
    if confirmed_on < timezone.localtime(request.arrived_at).date():
        raise InvalidInput(_("确认日期不能早于到达日期。"), details={"field": "confirmed_on"})
    _start_clock(request, actor=actor, receipt_on=confirmed_on)
    record_event(
        "foi.request.receipt_confirmed",
        actor=actor,
        obj=request,
        changes={"receipt_on": confirmed_on},
    )
    return request


@transaction.atomic
def assign(request: InfoRequest, *, actor: Any, unit: Unit) -> InfoRequest:
    request = _locked(request)
    require(actor, Action.COORDINATE, organ=request.organ)
    if unit.organ_id != request.organ_id:
        raise InvalidInput(details={"field": "unit"})
    request.handling_unit = unit
    request.save(update_fields=["handling_unit"])
    record_event("foi.request.assigned", actor=actor, obj=request, changes={"unit": unit.pk})
    return request


def _clock_event(
    request: InfoRequest,
    *,
    actor: Any,
    kind: str,
    on: dt.date,
    label: str,
    basis: str = "",
    days: int = 0,
) -> None:
    """Add one event to the request's clock (every handling step past receipt has one)."""
    assert request.clock is not None  # noqa: S101
    request.clock = clocks.add_clock_event(
        request.clock, actor=actor, kind=kind, on=on, days=days, label=label, basis=basis
    )


def _may_handle(actor: Any, request: InfoRequest) -> None:
    if request.handling_unit is not None:
        require(actor, Action.ACT_FOR_UNIT, organ=request.organ, unit=request.handling_unit)
    else:
        require(actor, Action.COORDINATE, organ=request.organ)


@transaction.atomic
def request_clarification(
    request: InfoRequest, *, actor: Any, on: dt.date, what: str, due_on: dt.date
) -> InfoRequest:
    """The one 补正 notice: within 7 working days of receipt; the clock stops until corrected."""
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
    if not what.strip():
        raise InvalidInput(_("请写明需要补正的内容。"), details={"field": "what"})
    if due_on <= on:
        raise InvalidInput(_("补正期限应晚于告知日期。"), details={"field": "due_on"})
    _clock_event(
        request, actor=actor, kind="pause", on=on, label=_("发出补正告知"), basis=BASIS_CLARIFY
    )
    request.clarification_sent_on, request.clarification_due_on = on, due_on
    request.clarification_request, request.status = what.strip(), RequestStatus.CLARIFYING
    request.save(
        update_fields=[
            "clarification_sent_on",
            "clarification_due_on",
            "clarification_request",
            "status",
        ]
    )
    record_event(
        "foi.request.clarification_requested",
        actor=actor,
        obj=request,
        changes={"on": on, "due_on": due_on},
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
    request.save(update_fields=["clarification_text", "status"])
    record_event("foi.request.clarified", actor=actor, obj=request, changes={"on": on})
    return request


@transaction.atomic
def start_consultation(request: InfoRequest, *, actor: Any, on: dt.date, party: str) -> InfoRequest:
    """Consult a third party or another organ; the time is excluded from the clock."""
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING:
        raise WrongRequestState
    _clock_event(
        request,
        actor=actor,
        kind="pause",
        on=on,
        label=_("征求%(p)s意见") % {"p": party},
        basis=BASIS_THIRD,
    )
    request.status = RequestStatus.CONSULTING
    request.save(update_fields=["status"])
    record_event(
        "foi.request.consultation_started",
        actor=actor,
        obj=request,
        changes={"on": on, "party": party},
    )
    return request


@transaction.atomic
def end_consultation(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.CONSULTING:
        raise WrongRequestState
    _clock_event(
        request, actor=actor, kind="resume", on=on, label=_("收到意见或期满"), basis=BASIS_THIRD
    )
    request.status = RequestStatus.PROCESSING
    request.save(update_fields=["status"])
    record_event("foi.request.consultation_ended", actor=actor, obj=request, changes={"on": on})
    return request


@transaction.atomic
def extend(request: InfoRequest, *, actor: Any, on: dt.date, days: int, reason: str) -> InfoRequest:
    """Extend the reply deadline with a leader's approval (≤ 20 working days, 第三十三条)."""
    request = _locked(request)
    require(actor, Action.APPROVE, organ=request.organ)
    if request.status not in (RequestStatus.PROCESSING, RequestStatus.CONSULTING):
        raise WrongRequestState
    if not reason.strip():
        raise InvalidInput(_("请填写延期理由。"), details={"field": "reason"})
    _clock_event(
        request,
        actor=actor,
        kind="extend",
        on=on,
        days=days,
        label=reason.strip()[:200],
        basis=BASIS_REPLY,
    )
    record_event(
        "foi.request.extended", actor=actor, obj=request, changes={"days": days, "reason": reason}
    )
    return request


@transaction.atomic
def reply(request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, text: str) -> InfoRequest:
    """Answer with exactly one outcome from the national list; the clock stops."""
    request = _locked(request)
    _may_handle(actor, request)
    if request.status not in (RequestStatus.PROCESSING, RequestStatus.CONSULTING):
        raise WrongRequestState
    if outcome not in Outcome.values:
        raise InvalidInput(_("办理结果无效。"), details={"field": "outcome"})
    if not text.strip():
        raise InvalidInput(_("请填写答复内容。"), details={"field": "text"})
    if request.status == RequestStatus.CONSULTING:
        _clock_event(
            request, actor=actor, kind="resume", on=on, label=_("结束征求意见"), basis=BASIS_THIRD
        )
    _clock_event(request, actor=actor, kind="stop", on=on, label=_("答复"), basis=BASIS_REPLY)
    request.outcome, request.reply_text, request.replied_on = outcome, text.strip(), on
    request.status = RequestStatus.REPLIED
    request.save(update_fields=["outcome", "reply_text", "replied_on", "status"])
    record_event(
        "foi.request.replied", actor=actor, obj=request, changes={"outcome": outcome, "on": on}
    )
    return request


@transaction.atomic
def close_unclarified(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """No correction by the deadline: the application is deemed abandoned (其他处理 1)."""
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.CLARIFYING or request.clarification_due_on is None:
        raise WrongRequestState
    if on <= request.clarification_due_on:
        raise InvalidInput(_("补正期限尚未届满。"), details={"field": "on"})
    _clock_event(
        request,
        actor=actor,
        kind="stop",
        on=on,
        label=_("逾期未补正，视为放弃申请"),
        basis=BASIS_CLARIFY,
    )
    request.outcome, request.status = Outcome.OTHER_NO_CLARIFICATION, RequestStatus.CLOSED
    request.replied_on = on
    request.save(update_fields=["outcome", "status", "replied_on"])
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
    if request.clock is not None:
        if request.status in (RequestStatus.CLARIFYING, RequestStatus.CONSULTING):
            _clock_event(request, actor=SYSTEM, kind="resume", on=today, label=_("申请人撤回"))
        _clock_event(request, actor=SYSTEM, kind="stop", on=today, label=_("申请人撤回申请"))
    request.outcome, request.status, request.replied_on = Outcome.OTHER, RequestStatus.CLOSED, today
    request.save(update_fields=["outcome", "status", "replied_on"])
    record_event("foi.request.withdrawn", actor=SYSTEM, obj=request, changes={"on": today})
    return request


@transaction.atomic
def clarify_by_applicant(request: InfoRequest, *, code: str, text: str) -> InfoRequest:
    """The applicant supplies the 补正 online (with the query code)."""
    request = _locked(request)
    if not secrets.compare_digest(request.query_code_hash, hash_code(code)):
        raise NotPermitted(_("查询码不正确。"))
    return _clarified(request, actor=SYSTEM, on=today_local(), text=text)
