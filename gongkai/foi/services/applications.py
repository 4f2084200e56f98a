"""Applications in: the public form and staff intake by channel, the day of
receipt (条例 第三十一条), staged attachments, assignment, and the applicant's
throttled lookup.
"""

from __future__ import annotations

import datetime as dt
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
from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.core.time import today_local
from gongkai.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, UploadPolicy
from gongkai.foi import letters
from gongkai.foi.choices import (
    ApplicantType,
    AttachmentPurpose,
    Channel,
    Delivery,
    IdType,
    LetterKind,
    ProvisionForm,
    RequestStatus,
)
from gongkai.foi.errors import TooManyRequests, WrongRequestState
from gongkai.foi.models import (
    InfoRequest,
    RequestAttachment,
)
from gongkai.foi.services.common import BASIS_REPLY, _locked, hash_code, save_request
from gongkai.foi.validators import validate_resident_id
from gongkai.workdays import services as clocks

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
