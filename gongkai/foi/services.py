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
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts import throttle
from gongkai.accounts.choices import RemedyMode
from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require, require_different_person
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.core.time import today_local
from gongkai.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, UploadPolicy
from gongkai.foi import deadlines, fees, letters
from gongkai.foi.choices import (
    ApplicantType,
    AttachmentPurpose,
    Channel,
    ConsultationKind,
    Delivery,
    DeliveryMethod,
    FeeMethod,
    IdType,
    LetterKind,
    Opinion,
    Outcome,
    ProvisionForm,
    Recipient,
    ReplyStage,
    RequestStatus,
)
from gongkai.foi.errors import TooManyRequests, WrongRequestState
from gongkai.foi.models import (
    NO_DUE_DATE,
    Consultation,
    FeeNotice,
    InfoRequest,
    Letter,
    LetterSettings,
    LetterTemplate,
    ReplyDraft,
    RequestAttachment,
)
from gongkai.foi.validators import validate_resident_id
from gongkai.workdays import services as clocks
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.selectors import get_calendar, get_clock_status

BASIS_REPLY = "《中华人民共和国政府信息公开条例》第三十三条"
BASIS_CLARIFY = "《中华人民共和国政府信息公开条例》第三十条"
BASIS_THIRD = "《中华人民共和国政府信息公开条例》第三十二条、第三十三条"
BASIS_ORGAN = "《中华人民共和国政府信息公开条例》第三十三条、第三十四条"
BASIS_FEE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
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


OPEN_STATUSES = frozenset(
    {
        RequestStatus.AWAITING_RECEIPT,
        RequestStatus.PROCESSING,
        RequestStatus.CLARIFYING,
        RequestStatus.CONSULTING,
        RequestStatus.AWAITING_PAYMENT,
        RequestStatus.REVIEWING,
    }
)


PAUSED_STATUSES = frozenset(
    {RequestStatus.CLARIFYING, RequestStatus.CONSULTING, RequestStatus.AWAITING_PAYMENT}
)


def queue_fields(request: InfoRequest) -> None:
    """Copy status and clock into the queue's columns (is_open, due date, provisional)."""
    request.is_open = request.status in OPEN_STATUSES
    clock = request.clock
    due = clock.due_on if clock is not None else None
    request.queue_due_on = due if due is not None else NO_DUE_DATE
    request.queue_provisional = bool(clock is not None and clock.provisional)


def save_request(request: InfoRequest, fields: list[str]) -> None:
    """Save the named fields and keep the queue's copy of status and clock current."""
    queue_fields(request)
    request.save(update_fields=[*fields, "is_open", "queue_due_on", "queue_provisional"])


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _lookup_rules() -> tuple[throttle.Rule, throttle.Rule]:
    window = dt.timedelta(minutes=settings.GONGKAI_FOI_LOOKUP_WINDOW_MINUTES)
    return (
        throttle.Rule(settings.GONGKAI_FOI_LOOKUP_MAX_FAILURES, window, window),
        throttle.Rule(settings.GONGKAI_FOI_LOOKUP_IP_MAX_FAILURES, window, window),
    )


def check_lookup(number: str, code: str, *, organ_id: int, ip: str | None) -> InfoRequest | None:
    """The applicant's lookup with number and query code, throttled per number and per client
    address (等保 2.0): wrong codes for one number, or failed lookups from one address, past
    their limits within the window make further lookups wait for the window, whatever the code.
    Returns the request, or None when number or code is wrong; raises ``TooManyRequests``."""
    now = timezone.now()
    number = number.strip().upper()
    number_key, ip_key = f"foi-number:{number}", f"foi-ip:{ip}" if ip else ""
    per_number, per_ip = _lookup_rules()
    found: InfoRequest | None = None
    with transaction.atomic():
        blocked = [
            u for k in (number_key, ip_key) if k and (u := throttle.blocked_until(k, now=now))
        ]
        if not blocked:
            found = (
                InfoRequest.objects.select_related("clock", "organ")
                .filter(number=number, organ_id=organ_id)
                .first()
            )
            if found is None or not secrets.compare_digest(found.query_code_hash, hash_code(code)):
                found = None
                throttle.fail(number_key, per_number, now=now)
                if ip_key:
                    throttle.fail(ip_key, per_ip, now=now)
                record_event(
                    "foi.lookup.failed",
                    actor=SYSTEM,
                    object_type="foi.inforequest",
                    object_repr=number[:30],
                    organ_id=organ_id,
                    changes={"ip": ip or ""},
                )
            else:
                throttle.clear(number_key)
    if blocked:
        raise TooManyRequests(
            _("查询失败次数过多，请于 %(t)s 后再试。")
            % {"t": timezone.localtime(max(blocked)).strftime("%H:%M")}
        )
    return found


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
ATTACHMENT_TYPES = ("pdf", "jpg", "png", "ofd")


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
    if submit_token:
        RequestAttachment.objects.filter(request=None, submit_token=submit_token).update(
            request=request
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


ATTACHMENT_POLICY = UploadPolicy(
    allowed={k: v for k, v in {**DOCUMENT_TYPES, **IMAGE_TYPES}.items() if k in ATTACHMENT_TYPES},
    max_bytes=10 * 1024 * 1024,
)


STAGED_MAX_AGE = dt.timedelta(hours=24)


def _discard(rows: Any) -> None:
    """Delete staged files nobody submitted (never part of an application, never published)."""
    storage = RequestAttachment._meta.get_field("file").storage
    for row in list(rows[:200]):
        name = row.file.name
        row.delete()
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def stage_attachment(
    *, submit_token: str, purpose: str, upload: UploadedFile[Any], ip: str = ""
) -> RequestAttachment:
    """Keep a file uploaded with the public form until the application is submitted.

    One file per purpose and form: uploading again replaces the staged one. The type is decided
    by the content (upload policy); a bad file raises ``InvalidInput`` for that field. Uploads
    per IP address and hour are limited like submissions (three files per application), and
    files never submitted are deleted after a day.
    """
    if purpose not in AttachmentPurpose.values or not submit_token or len(submit_token) > 64:
        raise InvalidInput(details={"field": purpose})
    since = timezone.now() - dt.timedelta(hours=1)
    limit = settings.GONGKAI_FOI_SUBMISSIONS_PER_HOUR * len(AttachmentPurpose.values)
    if (
        ip
        and RequestAttachment.objects.filter(submit_ip=ip, created_at__gte=since).count() >= limit
    ):
        raise InvalidInput(_("上传过于频繁，请稍后再试。"), details={"field": purpose})
    try:
        detected = ATTACHMENT_POLICY.check(upload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": purpose}) from None
    _discard(
        RequestAttachment.objects.filter(
            request=None, created_at__lt=timezone.now() - STAGED_MAX_AGE
        )
    )
    _discard(
        RequestAttachment.objects.filter(request=None, submit_token=submit_token, purpose=purpose)
    )
    attachment = RequestAttachment(
        submit_token=submit_token,
        submit_ip=ip,
        purpose=purpose,
        original_name=(upload.name or "")[-255:],
        media_type=detected.media_type,
        size=detected.size,
    )
    attachment._detected_extension = detected.extension  # type: ignore[attr-defined]
    attachment.file.save(upload.name or "upload", upload, save=False)
    attachment.save()
    record_event(
        "foi.attachment.staged",
        actor=SYSTEM,
        obj=attachment,
        changes={"purpose": purpose, "size": detected.size, "type": detected.extension, "ip": ip},
    )
    return attachment


def staged_attachments(submit_token: str) -> list[RequestAttachment]:
    if not submit_token:
        return []
    return list(RequestAttachment.objects.filter(request=None, submit_token=submit_token))


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
    save_request(request, ["receipt_on", "clock", "status"])
    letters.issue(
        request, actor=actor, kind=LetterKind.RECEIPT, key=LetterKind.RECEIPT, on=receipt_on
    )


@transaction.atomic
def intake(
    organ: Organ,
    *,
    actor: Any,
    channel: str,
    arrived_on: dt.date,
    receipt_on: dt.date | None = None,
    receipt_reason: str = "",
    **fields: Any,
) -> tuple[InfoRequest, str]:
    """Register an application that came in person, by post or by fax (条例 第三十一条).

    In person: received that day. Registered post: the day it was signed for (``receipt_on``).
    Plain letters and faxes: received when confirmed with the applicant (``receipt_on``, or
    later through ``confirm_receipt``); a plain letter confirmed after the day it arrived needs
    ``receipt_reason`` and counts from the day it arrived (``_receipt_day``).
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
        if channel == Channel.POST_SIGNED:
            if receipt_on < arrived_on:
                raise InvalidInput(_("收到日期不能早于到达日期。"), details={"field": "receipt_on"})
            start_on = receipt_on
        else:
            start_on = _receipt_day(
                request,
                confirmed_on=receipt_on,
                arrived_on=arrived_on,
                reason=receipt_reason,
                field="receipt_on",
            )
            request.receipt_confirmed_on = receipt_on
            save_request(request, ["receipt_confirmed_on", "receipt_late_reason"])
        _start_clock(request, actor=actor, receipt_on=start_on)
    return request, code


def _locked(request: InfoRequest) -> InfoRequest:
    return (
        InfoRequest.objects.select_for_update(of=("self",))
        .select_related("organ", "clock")
        .get(pk=request.pk)
    )


def _receipt_day(
    request: InfoRequest, *, confirmed_on: dt.date, arrived_on: dt.date, reason: str, field: str
) -> dt.date:
    """The day of receipt a confirmation gives (条例 第三十一条; RULES §2.5).

    Online and fax: the day both sides confirm. A 平常信函 must be confirmed with the applicant
    on the day it arrives (第三十一条第（二）项): a later confirmation needs its reason recorded,
    and the day of receipt stays the day of arrival, so the organ's delay never lengthens its
    own reply period at the applicant's expense.
    """
    if confirmed_on < arrived_on:
        raise InvalidInput(_("确认日期不能早于到达日期。"), details={"field": field})
    if request.channel != Channel.POST_PLAIN or confirmed_on == arrived_on:
        return confirmed_on
    if not reason.strip():
        raise InvalidInput(
            _(
                "平常信函应当在收到当日与申请人确认（条例第三十一条）。晚于到达日（%(d)s）确认的，"
                "请填写未当日确认的原因；收到申请之日仍按到达日计算。"
            )
            % {"d": arrived_on.isoformat()},
            details={"field": "reason"},
        )
    request.receipt_late_reason = reason.strip()[:300]
    return arrived_on


@transaction.atomic
def confirm_receipt(
    request: InfoRequest, *, actor: Any, confirmed_on: dt.date, reason: str = ""
) -> InfoRequest:
    """Record the day both sides confirmed an online, fax or plain-letter application
    (第三十一条); for a plain letter the clock starts on the day it arrived."""
    request = _locked(request)
    require(actor, Action.COORDINATE, organ=request.organ)
    if request.status != RequestStatus.AWAITING_RECEIPT:
        raise WrongRequestState
    arrived_on = timezone.localtime(request.arrived_at).date()
    receipt_on = _receipt_day(
        request, confirmed_on=confirmed_on, arrived_on=arrived_on, reason=reason, field="on"
    )
    request.receipt_confirmed_on = confirmed_on
    save_request(request, ["receipt_confirmed_on", "receipt_late_reason"])
    _start_clock(request, actor=actor, receipt_on=receipt_on)
    record_event(
        "foi.request.receipt_confirmed",
        actor=actor,
        obj=request,
        changes={
            "confirmed_on": confirmed_on,
            "receipt_on": receipt_on,
            "late_reason": request.receipt_late_reason,
        },
    )
    return request


@transaction.atomic
def assign(request: InfoRequest, *, actor: Any, unit: Unit) -> InfoRequest:
    request = _locked(request)
    require(actor, Action.COORDINATE, organ=request.organ)
    if unit.organ_id != request.organ_id:
        raise InvalidInput(details={"field": "unit"})
    request.handling_unit = unit
    save_request(request, ["handling_unit"])
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


def _require_period_running(request: InfoRequest, *, on: dt.date, what: str) -> None:
    """Refuse a step that would stop or lengthen the reply period once it has run out.

    An extension (条例 第三十三条第二款), a consultation (第三十三条第三款), a 补正 (第三十条) and a
    fee notice (国办函〔2020〕109号, within the processing period; RULES §4) are only possible while
    the period runs: dated after the deadline, or recorded after it (backdated), each would make
    an overdue request look on time. An overdue request stays overdue, whatever is recorded later.
    """
    if request.clock is None:
        return
    status = get_clock_status(request.clock)
    due = status.due_on
    if due is None:
        return
    today = today_local()
    if on > due or today > due:
        raise InvalidInput(
            _("答复期限已于 %(d)s 届满，不能再%(w)s；逾期的申请仍按逾期处理，请尽快答复。")
            % {"d": due.isoformat(), "w": what},
            details={"field": "on"},
        )


def _may_handle(actor: Any, request: InfoRequest) -> None:
    if request.handling_unit is not None:
        require(actor, Action.ACT_FOR_UNIT, organ=request.organ, unit=request.handling_unit)
    else:
        require(actor, Action.COORDINATE, organ=request.organ)


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


def _close(
    request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, label: str, basis: str
) -> None:
    """Stop the clock and close with an 其他处理 outcome and its termination letter."""
    _clock_event(request, actor=actor, kind="stop", on=on, label=label, basis=basis)
    request.outcome, request.status, request.replied_on = outcome, RequestStatus.CLOSED, on
    save_request(request, ["outcome", "status", "replied_on"])
    letters.issue(request, actor=actor, kind=LetterKind.TERMINATION, key=f"reply:{outcome}", on=on)


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


# 条例 第十七条: information is reviewed (保密审查) before it is disclosed. A reply that discloses
# goes through review and the leader's sign-off (审核/签发), as proactive items do (RULES §2.2).
REVIEWED_OUTCOMES = frozenset({Outcome.DISCLOSED, Outcome.PARTIAL})


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


@transaction.atomic
def reply(request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, text: str) -> InfoRequest:
    """Answer with exactly one outcome from the national list.

    A reply that discloses information (公开, 部分公开) becomes a draft for 保密审查 and 签发
    (条例 第十七条; ``review_reply``, ``sign_reply``): the clock runs on until it is signed. Any
    other outcome stops the clock now and its 答复告知书 is generated.
    """
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING:
        raise WrongRequestState(_("请先结束征求意见（或补正、缴费）再答复。"))
    if outcome not in Outcome.values:
        raise InvalidInput(_("办理结果无效。"), details={"field": "outcome"})
    if outcome in (Outcome.OTHER_NO_CLARIFICATION, Outcome.OTHER_FEE_UNPAID):
        raise InvalidInput(
            _("此结果由“逾期未补正”或“逾期未缴费”的终止办理记录。"), details={"field": "outcome"}
        )
    if not text.strip():
        raise InvalidInput(_("请填写答复内容。"), details={"field": "text"})
    if request.receipt_on is not None and on < request.receipt_on:
        raise InvalidInput(_("答复日期不能早于收到申请之日。"), details={"field": "on"})
    if outcome in REVIEWED_OUTCOMES:
        draft = ReplyDraft.objects.create(
            request=request,
            outcome=outcome,
            text=text.strip(),
            drafted_by=_user_or_none(actor),
            drafted_on=on,
        )
        request.status = RequestStatus.REVIEWING
        save_request(request, ["status"])
        record_event(
            "foi.reply.submitted",
            actor=actor,
            obj=request,
            changes={"draft": draft.pk, "outcome": outcome, "on": on},
        )
        return request
    return _send_reply(request, actor=actor, on=on, outcome=outcome, text=text.strip())


def _send_reply(
    request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, text: str
) -> InfoRequest:
    """Stop the clock, record the outcome and generate its 答复告知书 (the request is locked)."""
    _clock_event(request, actor=actor, kind="stop", on=on, label=_("答复"), basis=BASIS_REPLY)
    request.outcome, request.reply_text, request.replied_on = outcome, text, on
    request.status = RequestStatus.REPLIED
    save_request(request, ["outcome", "reply_text", "replied_on", "status"])
    record_event(
        "foi.request.replied", actor=actor, obj=request, changes={"outcome": outcome, "on": on}
    )
    letters.issue(request, actor=actor, kind=LetterKind.REPLY, key=f"reply:{outcome}", on=on)
    return request


def _pending_draft(request: InfoRequest, stage: str) -> ReplyDraft:
    draft = request.drafts.filter(stage__in=[ReplyStage.REVIEW, ReplyStage.SIGN]).last()
    if request.status != RequestStatus.REVIEWING or draft is None or draft.stage != stage:
        raise WrongRequestState(
            _("该申请没有处于“%(s)s”环节的答复。") % {"s": ReplyStage(stage).label}
        )
    return draft


def _not_the_same(actor: Any, *user_ids: int | None) -> None:
    """Separation of duties: whoever drafted (or reviewed) a reply does not check it again."""
    require_different_person(actor, *user_ids, message=_("拟稿、保密审查和签发应由不同的人完成。"))


@transaction.atomic
def review_reply(request: InfoRequest, *, actor: Any, opinion: str) -> ReplyDraft:
    """保密审查 of a reply that discloses (条例 第十七条): a reviewer other than its drafter finds
    nothing in it that may not be disclosed; the draft goes to the leader for 签发."""
    request = _locked(request)
    require(actor, Action.REVIEW, organ=request.organ)
    draft = _pending_draft(request, ReplyStage.REVIEW)
    _not_the_same(actor, draft.drafted_by_id)
    if not opinion.strip():
        raise InvalidInput(_("请填写保密审查意见。"), details={"field": "opinion"})
    draft.stage, draft.reviewed_by = ReplyStage.SIGN, _user_or_none(actor)
    draft.reviewed_at, draft.review_opinion = timezone.now(), opinion.strip()
    draft.save(update_fields=["stage", "reviewed_by", "reviewed_at", "review_opinion"])
    record_event(
        "foi.reply.reviewed",
        actor=actor,
        obj=request,
        changes={"draft": draft.pk, "opinion": draft.review_opinion},
    )
    return draft


@transaction.atomic
def sign_reply(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """签发: a leader other than the drafter and the reviewer signs the reviewed reply; it is
    sent with its letter dated ``on`` and the clock stops that day (条例 第十七条、第三十三条)."""
    request = _locked(request)
    require(actor, Action.APPROVE, organ=request.organ)
    draft = _pending_draft(request, ReplyStage.SIGN)
    _not_the_same(actor, draft.drafted_by_id, draft.reviewed_by_id)
    if on < draft.drafted_on:
        raise InvalidInput(
            _("签发日期不能早于拟稿日期（%(d)s）。") % {"d": draft.drafted_on.isoformat()},
            details={"field": "on"},
        )
    draft.stage, draft.signed_by, draft.signed_at = (
        ReplyStage.SENT,
        _user_or_none(actor),
        timezone.now(),
    )
    draft.save(update_fields=["stage", "signed_by", "signed_at"])
    record_event("foi.reply.signed", actor=actor, obj=request, changes={"draft": draft.pk})
    return _send_reply(request, actor=actor, on=on, outcome=draft.outcome, text=draft.text)


@transaction.atomic
def return_reply(request: InfoRequest, *, actor: Any, reason: str) -> InfoRequest:
    """Return a draft reply with a reason — the reviewer at 保密审查, the leader at 签发; the
    handler answers again, and the returned draft is kept."""
    request = _locked(request)
    draft = request.drafts.filter(stage__in=[ReplyStage.REVIEW, ReplyStage.SIGN]).last()
    if request.status != RequestStatus.REVIEWING or draft is None:
        raise WrongRequestState
    needed = Action.REVIEW if draft.stage == ReplyStage.REVIEW else Action.APPROVE
    require(actor, needed, organ=request.organ)
    if not reason.strip():
        raise InvalidInput(_("请填写退回理由。"), details={"field": "reason"})
    at = draft.stage
    draft.stage, draft.returned_by = ReplyStage.RETURNED, _user_or_none(actor)
    draft.return_reason = reason.strip()
    draft.save(update_fields=["stage", "returned_by", "return_reason"])
    request.status = RequestStatus.PROCESSING
    save_request(request, ["status"])
    record_event(
        "foi.reply.returned",
        actor=actor,
        obj=request,
        changes={"draft": draft.pk, "stage": at, "reason": draft.return_reason},
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


@transaction.atomic
def record_delivery(
    letter: Letter,
    *,
    actor: Any,
    method: str,
    sent_on: dt.date,
    delivered_on: dt.date | None = None,
    reference: str = "",
) -> Letter:
    """Record how and when a letter was sent and, when known, delivered (送达)."""
    letter = Letter.objects.select_for_update().select_related("request__organ").get(pk=letter.pk)
    _may_handle(actor, letter.request)
    if method not in DeliveryMethod.values:
        raise InvalidInput(_("请从列表中选择。"), details={"field": "method"})
    if sent_on < letter.issued_on:
        raise InvalidInput(_("发出日期不能早于落款日期。"), details={"field": "sent_on"})
    if delivered_on is not None and delivered_on < sent_on:
        raise InvalidInput(_("送达日期不能早于发出日期。"), details={"field": "delivered_on"})
    letter.delivery_method, letter.sent_on = method, sent_on
    letter.delivered_on, letter.delivery_ref = delivered_on, reference.strip()[:200]
    letter.save(update_fields=["delivery_method", "sent_on", "delivered_on", "delivery_ref"])
    if delivered_on is not None:
        _count_from_delivery(letter, delivered_on)
    record_event(
        "foi.letter.delivered",
        actor=actor,
        obj=letter.request,
        changes={
            "letter": letter.pk,
            "method": method,
            "sent_on": sent_on,
            "delivered_on": delivered_on,
        },
    )
    return letter


@transaction.atomic
def save_letter_template(organ: Organ, *, actor: Any, key: str, title: str, body: str) -> None:
    """An organ's own wording of one letter; placeholders must be ones the letters know."""
    require(actor, Action.COORDINATE, organ=organ)
    try:
        letters.default_template(key)
    except KeyError:
        raise InvalidInput(details={"field": "key"}) from None
    for field, text in (("title", title), ("body", body)):
        if not text.strip():
            raise InvalidInput(_("此项为必填项。"), details={"field": field})
        unknown = letters.unknown_placeholders(text, key)
        if unknown:
            raise InvalidInput(
                _("此文书不能使用的占位符：%(p)s。")
                % {"p": "、".join("{" + u + "}" for u in unknown)},
                details={"field": field},
            )
    template, created = LetterTemplate.objects.select_for_update().get_or_create(
        organ=organ, key=key, defaults={"title": title.strip(), "body": body.strip()}
    )
    before = {} if created else {"title": template.title, "body": template.body}
    template.title, template.body = title.strip(), body.strip()
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.save()
    record_event(
        "foi.letter_template.saved",
        actor=actor,
        obj=template,
        organ_id=organ.pk,
        changes={
            "key": key,
            "before": before,
            "after": {"title": template.title, "body": template.body},
        },
    )


@transaction.atomic
def save_letter_settings(organ: Organ, *, actor: Any, **fields: str) -> LetterSettings:
    require(actor, Action.COORDINATE, organ=organ)
    allowed = {"office", "address", "phone", "court", "payment_method"}
    options, _created = LetterSettings.objects.select_for_update().get_or_create(organ=organ)
    changes = {}
    for name, value in fields.items():
        if name not in allowed:
            raise InvalidInput(details={"field": name})
        if getattr(options, name) != value.strip():
            changes[name] = value.strip()
            setattr(options, name, value.strip())
    options.updated_by = actor if getattr(actor, "pk", None) else None
    options.save()
    record_event(
        "foi.letter_settings.saved", actor=actor, obj=options, organ_id=organ.pk, changes=changes
    )
    return options


@transaction.atomic
def set_remedy_mode(organ: Organ, *, actor: Any, outcome: str, mode: str) -> LetterSettings:
    """Choose how the letter of one outcome states the remedies: reconsideration first, or the
    choice of reconsideration or court (行政复议法 第二十三条第一款第（四）项; RULES §2.5 — where
    commentators differ on 无法提供 / 不予处理, the organ decides)."""
    require(actor, Action.COORDINATE, organ=organ)
    if outcome not in Outcome.values:
        raise InvalidInput(details={"field": "outcome"})
    if mode not in RemedyMode.values:
        raise InvalidInput(_("请从列表中选择。"), details={"field": "mode"})
    options, _created = LetterSettings.objects.select_for_update().get_or_create(organ=organ)
    before = letters.remedy_mode(f"reply:{outcome}", options)
    modes = dict(options.remedy_modes or {})
    if mode == letters.DEFAULT_REMEDY_MODES[outcome]:
        modes.pop(outcome, None)
    else:
        modes[outcome] = mode
    options.remedy_modes = modes
    options.updated_by = actor if getattr(actor, "pk", None) else None
    options.save(update_fields=["remedy_modes", "updated_by"])
    record_event(
        "foi.remedy_mode.saved",
        actor=actor,
        obj=options,
        organ_id=organ.pk,
        changes={"outcome": outcome, "before": before, "after": mode},
    )
    return options
