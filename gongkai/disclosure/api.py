"""API of proactive disclosure: list and create drafts, read and edit, workflow transitions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongkai.accounts.models import Unit
from gongkai.accounts.selectors import list_organs_visible_to
from gongkai.core.api import InSchema
from gongkai.core.apitypes import Id, Limit, Offset, Year
from gongkai.core.errors import InvalidInput, NotFound
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import CatalogueNode, DisclosureItem
from gongkai.disclosure.selectors import ItemFilter, get_item, list_items, timeliness

router = Router(tags=["disclosure"])


class TimelinessOut(Schema):
    measured_from: dt.date = Field(
        description="信息形成日期，修订时为信息变更日期（条例第二十六条）"
    )
    due_on: dt.date
    late_days: int
    published: bool
    provisional: bool
    label: str


class ItemOut(Schema):
    id: int
    organ_id: Id
    unit_id: Id
    node_id: Id
    kind: str
    title: str
    doc_number: str
    topic: str
    subject_words: str
    summary: str
    body: str
    written_on: dt.date | None
    formed_on: dt.date
    changed_on: dt.date | None
    validity: str
    status: str
    version: int
    index_no: str
    published_on: dt.date | None
    needs_interpretation: bool
    interprets_id: Id | None
    interpretation_form: str
    timeliness: TimelinessOut


class ItemIn(InSchema):
    organ_id: Id
    unit_id: Id
    node_code: str = Field(description="目录栏目代码，如 s01、policies")
    title: str = Field(min_length=1, max_length=300)
    formed_on: dt.date
    kind: Literal["general", "policy", "interpretation"] = "general"
    doc_number: str = Field("", max_length=100)
    topic: str = Field("", max_length=100)
    subject_words: str = Field("", max_length=200)
    summary: str = ""
    body: str = ""
    written_on: dt.date | None = None
    needs_interpretation: bool = False
    interprets_id: Id | None = None
    interpretation_form: str = Field(
        "", description="解读形式：text、graphic、media、qa、press、h5（政策解读时填写）"
    )


class ItemPatch(InSchema):
    title: str | None = Field(None, min_length=1, max_length=300)
    doc_number: str | None = Field(None, max_length=100)
    topic: str | None = Field(None, max_length=100)
    subject_words: str | None = Field(None, max_length=200)
    summary: str | None = None
    body: str | None = None
    written_on: dt.date | None = None
    formed_on: dt.date | None = None
    changed_on: dt.date | None = Field(None, description="信息变更日期（修订时必填）")
    needs_interpretation: bool | None = None
    interpretation_form: str | None = Field(None, description="解读形式（同新建）")


class TransitionIn(InSchema):
    action: Literal["submit", "review", "approve", "publish", "revise", "withdraw", "return"]
    decision: Literal["disclose", "partial", "withhold"] | None = None
    basis: str = ""
    reason: str = ""


def _out(item: DisclosureItem) -> ItemOut:
    t = timeliness(item)
    return ItemOut(
        id=item.pk,
        organ_id=item.organ_id,
        unit_id=item.unit_id,
        node_id=item.node_id,
        kind=item.kind,
        title=item.title,
        doc_number=item.doc_number,
        topic=item.topic,
        subject_words=item.subject_words,
        summary=item.summary,
        body=item.body,
        written_on=item.written_on,
        formed_on=item.formed_on,
        changed_on=item.changed_on,
        validity=item.validity,
        status=item.status,
        version=item.version,
        index_no=item.index_no,
        published_on=item.published_on,
        needs_interpretation=item.needs_interpretation,
        interprets_id=item.interprets_id,
        interpretation_form=item.interpretation_form,
        timeliness=TimelinessOut(
            measured_from=t.measured_from,
            due_on=t.due_on,
            late_days=t.late_days,
            published=t.published,
            provisional=t.provisional,
            label=t.label,
        ),
    )


def _item(request: HttpRequest, item_id: Id) -> DisclosureItem:
    item = get_item(request.user, item_id)
    if item is None:
        raise NotFound
    return item


@router.get("/disclosures", response=list[ItemOut], summary="主动公开信息列表")
def list_disclosures(
    request: HttpRequest,
    organ_id: Id,
    q: str = "",
    status: str = "",
    kind: str = "",
    year: Year | None = None,
    sort: str = "updated",
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ItemOut]:
    organ = list_organs_visible_to(request.user).filter(pk=organ_id).first()
    if organ is None:
        raise NotFound
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    if year is not None and not 1900 <= year <= 2100:
        year = None
    items = list_items(
        request.user,
        organ=organ,
        flt=ItemFilter(q=q, status=status, kind=kind, year=year, sort=sort),
    )
    return [_out(i) for i in items[offset : offset + limit]]


@router.post("/disclosures", response={201: ItemOut}, summary="新建草稿")
def create_disclosure(request: HttpRequest, payload: ItemIn) -> Status[ItemOut]:
    organ = list_organs_visible_to(request.user).filter(pk=payload.organ_id).first()
    if organ is None:
        raise NotFound
    ensure_catalogue(organ)
    unit = Unit.objects.filter(organ=organ, pk=payload.unit_id).first()
    node = CatalogueNode.objects.filter(organ=organ, code=payload.node_code).first()
    if unit is None or node is None:
        raise InvalidInput(details={"field": "unit_id" if unit is None else "node_code"})
    interprets = get_item(request.user, payload.interprets_id) if payload.interprets_id else None
    if payload.interprets_id and interprets is None:
        raise InvalidInput(details={"field": "interprets_id"})
    data: dict[str, Any] = payload.dict(
        exclude={"organ_id", "unit_id", "node_code", "title", "formed_on", "interprets_id"}
    )
    item = services.create_draft(
        organ,
        actor=request.user,
        unit=unit,
        node=node,
        title=payload.title,
        formed_on=payload.formed_on,
        interprets=interprets,
        **data,
    )
    return Status(201, _out(item))


@router.get("/disclosures/{item_id}", response=ItemOut, summary="读取信息")
def read_disclosure(request: HttpRequest, item_id: Id) -> ItemOut:
    return _out(_item(request, item_id))


@router.patch("/disclosures/{item_id}", response=ItemOut, summary="修改草稿")
def edit_disclosure(request: HttpRequest, item_id: Id, payload: ItemPatch) -> ItemOut:
    item = _item(request, item_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _out(services.update_draft(item, actor=request.user, **fields))


@router.post("/disclosures/{item_id}/transitions", response=ItemOut, summary="办理流程")
def transition(request: HttpRequest, item_id: Id, payload: TransitionIn) -> ItemOut:
    item = _item(request, item_id)
    user = request.user
    action = payload.action
    if action == "submit":
        item = services.submit_item(item, actor=user)
    elif action == "review":
        if payload.decision is None:
            raise InvalidInput(details={"field": "decision"})
        item = services.review_item(
            item, actor=user, decision=payload.decision, basis=payload.basis
        )
    elif action == "approve":
        item = services.approve_item(item, actor=user)
    elif action == "publish":
        item = services.publish_item(item, actor=user)
    elif action == "revise":
        item = services.start_revision(item, actor=user)
    elif action == "withdraw":
        item = services.withdraw_item(item, actor=user, reason=payload.reason)
    else:
        item = services.return_item(item, actor=user, reason=payload.reason)
    return _out(item)
