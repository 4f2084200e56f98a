"""API of information requests: staff intake, reading a request with its events, handling events,
and the queue filtered by overdue / due within N working days / unit.

Identity numbers are masked here as in the staff lists; the full identity is on the handling page,
where every view is logged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from gongkai.accounts.models import Organ
from gongkai.accounts.selectors import list_organs_visible_to
from gongkai.core.api import InSchema
from gongkai.core.apitypes import Count, Id, Limit, Offset
from gongkai.core.errors import InvalidInput, NotFound
from gongkai.core.models import AuditEvent
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.choices import Outcome
from gongkai.foi.models import InfoRequest
from gongkai.foi.selectors import filter_queue, get_request

router = Router(tags=["foi"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HIDDEN_EVENTS = ("foi.identity.viewed",)


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str
    changes: dict[str, object]


class RequestOut(Schema):
    id: int
    organ_id: Id
    number: str
    channel: str
    applicant_type: str
    name: str
    id_type: str
    id_number_masked: str
    info_title: str
    status: str
    arrived_at: dt.datetime
    received_on: dt.date | None
    due_on: dt.date | None
    is_provisional: bool
    clock_state: str | None
    handling_unit_id: Id | None
    outcome: str
    replied_on: dt.date | None


class LetterOut(Schema):
    id: int
    kind: str
    title: str
    recipient: str
    recipient_name: str
    issued_on: dt.date
    delivery_method: str
    sent_on: dt.date | None
    delivered_on: dt.date | None
    download_url: str


class FeeOut(Schema):
    method: str
    month_count: int
    pages: int
    amount: int
    breakdown: str
    sent_on: dt.date
    pay_due_on: dt.date
    paid_on: dt.date | None
    lapsed_on: dt.date | None


class DraftOut(Schema):
    outcome: str
    stage: str = Field(description="review 待保密审查；sign 待签发；sent 已签发；returned 已退回")
    text: str
    drafted_on: dt.date
    review_opinion: str
    return_reason: str


class RequestDetailOut(RequestOut):
    events: list[EventOut]
    letters: list[LetterOut]
    fees: list[FeeOut]
    drafts: list[DraftOut] = Field(description="予以公开、部分公开的答复稿及其审签（条例第十七条）")


class ApplicantIn(InSchema):
    applicant_type: str = Field(
        description="natural 自然人；business/research/nonprofit/legal_service/other 法人或其他组织"
    )
    name: str = Field(min_length=1, max_length=200)
    id_type: str
    id_number: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=1, max_length=50)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)


class IntakeIn(InSchema):
    organ_id: Id
    channel: Literal["in_person", "post_signed", "post_plain", "fax"]
    arrived_on: dt.date
    received_on: dt.date | None = Field(
        None, description="收到申请之日；当面提交为当日，其他渠道为签收或双方确认之日"
    )
    receipt_reason: str = Field(
        "",
        max_length=300,
        description="平常信函晚于到达日确认时必填：未当日确认的原因（收到申请之日仍为到达日）",
    )
    applicant: ApplicantIn
    info_title: str = Field(min_length=1, max_length=300)
    info_doc_number: str = Field("", max_length=100)
    info_description: str = ""
    provision_form: str = "electronic"
    delivery: str = "email"


class IntakeOut(Schema):
    request: RequestOut
    query_code: str = Field(description="查询码，只在登记时返回一次，请告知申请人")


class EventIn(InSchema):
    type: Literal[
        "receipt_confirmed",
        "assigned",
        "clarification_requested",
        "clarification_received",
        "consultation_started",
        "consultation_ended",
        "extension",
        "fee_notice",
        "fee_paid",
        "closed_unpaid",
        "reply",
        "reply_reviewed",
        "reply_returned",
        "reply_signed",
        "closed_unclarified",
    ]
    on: dt.date | None = Field(None, description="事件日期，缺省为今天")
    unit_id: Id | None = None
    what: str = ""
    due_on: dt.date | None = Field(
        None, description="补正期限（日期，按填写保留）；与 days 填写其一"
    )
    text: str = ""
    party: str = ""
    consultation_kind: Literal["third_party", "organ"] = Field(
        "third_party", description="third_party 第三方（第三十二条）；organ 其他机关（第三十四条）"
    )
    question: str = Field("", description="征求意见的内容")
    opinion: str = Field(
        "",
        description="agree 同意公开；object 不同意公开；留空表示逾期未答复（须期满后）",
    )
    method: Literal["item", "volume"] = Field("item", description="item 按件；volume 按量")
    pages: Count = 0
    days: Count | None = Field(
        None,
        description="extension：延长的工作日数；clarification_requested：补正期限的工作日数，"
        "自告知之日起算，随工作日历变化（与 due_on 填写其一）",
    )
    reason: str = ""
    outcome: str = Field(
        "",
        description=(
            "答复结果代码（年度报告“办理结果”，如 1、2、3.4、6.1；1-1 已主动公开，4.1-5 不属于"
            "本机关负责公开）。1、2 先成为答复稿，经 reply_reviewed（text 为保密审查意见）和 "
            "reply_signed 后发出；reply_returned（reason）退回"
        ),
    )


def _out(request: InfoRequest) -> RequestOut:
    clock = request.clock
    return RequestOut(
        id=request.pk,
        organ_id=request.organ_id,
        number=request.number,
        channel=request.channel,
        applicant_type=request.applicant_type,
        name=request.masked_name,
        id_type=request.id_type,
        id_number_masked=request.masked_id,
        info_title=request.info_title,
        status=request.status,
        arrived_at=request.arrived_at,
        received_on=request.receipt_on,
        due_on=clock.due_on if clock else None,
        is_provisional=bool(clock and clock.provisional),
        clock_state=clock.state if clock else None,
        handling_unit_id=request.handling_unit_id,
        outcome=request.outcome,
        replied_on=request.replied_on,
    )


def _events(request: InfoRequest) -> list[EventOut]:
    rows = (
        AuditEvent.objects.filter(
            object_type=InfoRequest._meta.label_lower, object_id=str(request.pk)
        )
        .exclude(action__in=HIDDEN_EVENTS)
        .order_by("seq")
    )
    events = []
    for row in rows:
        try:
            changes = json.loads(row.changes or "{}")
        except ValueError:
            changes = {}
        events.append(
            EventOut(
                at=row.created_at,
                action=row.action,
                actor=row.actor_label,
                changes=changes if isinstance(changes, dict) else {},
            )
        )
    return events


def _letters(request: InfoRequest) -> list[LetterOut]:
    return [
        LetterOut(
            id=letter.pk,
            kind=letter.kind,
            title=letter.title,
            recipient=letter.recipient,
            recipient_name=letter.recipient_name,
            issued_on=letter.issued_on,
            delivery_method=letter.delivery_method,
            sent_on=letter.sent_on,
            delivered_on=letter.delivered_on,
            download_url=reverse(
                "api:foi_letter", kwargs={"request_id": request.pk, "letter_id": letter.pk}
            ),
        )
        for letter in request.letters.all()
    ]


def _detail(request: InfoRequest) -> RequestDetailOut:
    return RequestDetailOut(
        **_out(request).dict(),
        events=_events(request),
        letters=_letters(request),
        fees=[
            FeeOut(
                method=f.method,
                month_count=f.month_count,
                pages=f.pages,
                amount=f.amount,
                breakdown=f.breakdown,
                sent_on=f.sent_on,
                pay_due_on=f.pay_due_on,
                paid_on=f.paid_on,
                lapsed_on=f.lapsed_on,
            )
            for f in request.fees.all()
        ],
        drafts=[
            DraftOut(
                outcome=d.outcome,
                stage=d.stage,
                text=d.text,
                drafted_on=d.drafted_on,
                review_opinion=d.review_opinion,
                return_reason=d.return_reason,
            )
            for d in request.drafts.all()
        ],
    )


def _organ(request: HttpRequest, organ_id: Id) -> Organ:
    organ = list_organs_visible_to(request.user).filter(pk=organ_id).first()
    if organ is None:
        raise NotFound
    return organ


def _request(request: HttpRequest, request_id: Id) -> InfoRequest:
    found = get_request(request.user, request_id)
    if found is None:
        raise NotFound
    return found


@router.post("/foi/requests", response={201: IntakeOut}, summary="登记依申请公开申请")
def create_request(request: HttpRequest, payload: IntakeIn) -> Status[IntakeOut]:
    organ = _organ(request, payload.organ_id)
    created, code = services.intake(
        organ,
        actor=request.user,
        channel=payload.channel,
        arrived_on=payload.arrived_on,
        receipt_on=payload.received_on,
        receipt_reason=payload.receipt_reason,
        **payload.applicant.dict(),
        info_title=payload.info_title,
        info_doc_number=payload.info_doc_number,
        info_description=payload.info_description,
        provision_form=payload.provision_form,
        delivery=payload.delivery,
    )
    return Status(201, IntakeOut(request=_out(_request(request, created.pk)), query_code=code))


@router.get("/foi/requests", response=list[RequestOut], summary="申请办理队列")
def list_foi_requests(
    request: HttpRequest,
    organ_id: Id,
    overdue: bool = False,
    due_within: Annotated[int, Field(ge=0, le=60)] | None = None,
    unit_id: Id | None = None,
    status: Literal["open", "closed", "all"] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[RequestOut]:
    """``overdue=true``: past the due date and not paused; ``due_within=N``: due within N
    working days from today; ``unit_id``: assigned to that handling unit."""
    organ = _organ(request, organ_id)
    if due_within is not None and not 0 <= due_within <= 60:
        raise InvalidInput(
            _("到期天数应在 0 到 60 个工作日之间。"), details={"field": "due_within"}
        )
    rows = filter_queue(
        request.user,
        organ=organ,
        today=today_local(),
        status=status,
        overdue=overdue,
        due_within=due_within,
        unit_id=unit_id,
    )
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return [_out(r) for r in rows.select_related("clock")[offset : offset + limit]]


@router.get("/foi/requests/{request_id}", response=RequestDetailOut, summary="读取申请")
def read_request(request: HttpRequest, request_id: Id) -> RequestDetailOut:
    return _detail(_request(request, request_id))


@router.post("/foi/requests/{request_id}/events", response=RequestDetailOut, summary="记录办理事件")
def add_event(request: HttpRequest, request_id: Id, payload: EventIn) -> RequestDetailOut:
    target = _request(request, request_id)
    user, on = request.user, payload.on or today_local()
    kind = payload.type
    if kind == "receipt_confirmed":
        target = services.confirm_receipt(
            target, actor=user, confirmed_on=on, reason=payload.reason
        )
    elif kind == "assigned":
        unit = target.organ.units.filter(pk=payload.unit_id or 0).first()
        if unit is None:
            raise InvalidInput(details={"field": "unit_id"})
        target = services.assign(target, actor=user, unit=unit)
    elif kind == "clarification_requested":
        target = services.request_clarification(
            target, actor=user, on=on, what=payload.what, due_on=payload.due_on, days=payload.days
        )
    elif kind == "clarification_received":
        target = services.receive_clarification(target, actor=user, on=on, text=payload.text)
    elif kind == "consultation_started":
        services.start_consultation(
            target,
            actor=user,
            on=on,
            party=payload.party,
            kind=payload.consultation_kind,
            question=payload.question,
        )
        target = _request(request, request_id)
    elif kind == "consultation_ended":
        target = services.end_consultation(
            target, actor=user, on=on, opinion=payload.opinion, text=payload.text
        )
    elif kind == "fee_notice":
        services.issue_fee_notice(
            target, actor=user, on=on, method=payload.method, pages=payload.pages
        )
        target = _request(request, request_id)
    elif kind == "fee_paid":
        target = services.record_payment(target, actor=user, on=on)
    elif kind == "closed_unpaid":
        target = services.close_unpaid(target, actor=user, on=on)
    elif kind == "extension":
        target = services.extend(
            target, actor=user, on=on, days=payload.days or 0, reason=payload.reason
        )
    elif kind == "reply":
        if payload.outcome not in Outcome.values:
            raise InvalidInput(details={"field": "outcome"})
        target = services.reply(
            target, actor=user, on=on, outcome=payload.outcome, text=payload.text
        )
    elif kind == "reply_reviewed":
        services.review_reply(target, actor=user, opinion=payload.text)
    elif kind == "reply_returned":
        target = services.return_reply(target, actor=user, reason=payload.reason)
    elif kind == "reply_signed":
        target = services.sign_reply(target, actor=user, on=on)
    else:
        target = services.close_unclarified(target, actor=user, on=on)
    return _detail(target)


@router.get(
    "/foi/requests/{request_id}/letters/{letter_id}",
    response={200: None},
    url_name="foi_letter",
    summary="下载文书（.docx）",
)
def download_letter(request: HttpRequest, request_id: Id, letter_id: Id) -> FileResponse:
    target = _request(request, request_id)
    letter = target.letters.filter(pk=letter_id).first()
    if letter is None:
        raise NotFound
    response = FileResponse(
        letter.file.open("rb"), as_attachment=True, filename=letter.filename, content_type=DOCX
    )
    response["Cache-Control"] = "private, no-store"
    return response
