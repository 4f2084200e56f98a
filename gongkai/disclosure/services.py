"""The life of a disclosure item: draft, 保密审查, approval, publication, revision, withdrawal.

Every transition is a service that checks who may do it, changes the item in one transaction,
and appends an audit record. Publication allocates a gap-free index number (索引号) per organ and
year under a row lock, so concurrent publications never share or skip a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import DomainError, InvalidInput
from gongkai.core.publishable import announce
from gongkai.core.time import today_local
from gongkai.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, MEDIA_TYPES, UploadPolicy
from gongkai.disclosure.checks import require_publishable
from gongkai.disclosure.choices import (
    InterpretationForm,
    ItemKind,
    ItemStatus,
    ReviewDecision,
    Validity,
)
from gongkai.disclosure.errors import WrongState
from gongkai.disclosure.models import (
    Attachment,
    CatalogueNode,
    DisclosureItem,
    DisclosureSettings,
    IndexCounter,
    ItemVersion,
)
from gongkai.disclosure.permissions import Step, require_may_return, require_separation
from gongkai.disclosure.structured import DETAIL_FIELDS, clean_details

ATTACHMENT_POLICY = UploadPolicy(allowed={**DOCUMENT_TYPES, **IMAGE_TYPES, **MEDIA_TYPES})
EDITABLE_FIELDS = (
    "title",
    "doc_number",
    "subject_words",
    "summary",
    "body",
    "written_on",
    "formed_on",
    "changed_on",
    "topic",
    "node",
    "kind",
    "needs_interpretation",
    "interprets",
    "unit",
    "interpretation_form",
    "qa_pairs",
    "details",
)
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "blockquote",
    "span",
    "sub",
    "sup",
    "img",
}


def sanitize(html: str) -> str:
    """Keep only safe markup in a rich-text body (no scripts, styles or event handlers)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt"},
            "td": {"colspan", "rowspan"},
            "th": {"colspan", "rowspan"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _snapshot(item: DisclosureItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "doc_number": item.doc_number,
        "subject_words": item.subject_words,
        "summary": item.summary,
        "body": item.body,
        "written_on": item.written_on.isoformat() if item.written_on else None,
        "formed_on": item.formed_on.isoformat(),
        "changed_on": item.changed_on.isoformat() if item.changed_on else None,
        "topic": item.topic,
        "node": item.node_id,
        "unit": item.unit_id,
        "unit_name": item.unit.name,
        "node_name": item.node.name,
        "kind": item.kind,
        "validity": item.validity,
        "details": item.details,
        "qa_pairs": item.qa_pairs,
        "interpretation_form": item.interpretation_form,
        "index_no": item.index_no,
        "attachments": [
            {"id": a.pk, "name": a.original_name, "type": a.media_type, "size": a.size}
            for a in item.attachments.filter(is_removed=False)
        ],
    }


def _check_fields(organ: Organ, fields: dict[str, Any], *, kind: str = ItemKind.GENERAL) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    if "title" in fields and not str(fields["title"]).strip():
        raise InvalidInput(_("请填写名称。"), details={"field": "title"})
    node = fields.get("node")
    if node is not None and node.organ_id != organ.pk:
        raise InvalidInput(_("目录栏目不属于本机关。"), details={"field": "node"})
    unit = fields.get("unit")
    if unit is not None and unit.organ_id != organ.pk:
        raise InvalidInput(_("发布机构必须是本机关的单位。"), details={"field": "unit"})
    if "body" in fields:
        fields["body"] = sanitize(str(fields["body"]))
    target = fields.get("interprets")
    if target is not None and (target.organ_id != organ.pk or target.kind != ItemKind.POLICY):
        raise InvalidInput(_("所解读的必须是本机关的政策文件。"), details={"field": "interprets"})
    form = fields.get("interpretation_form", "")
    if form and form not in InterpretationForm.values:
        raise InvalidInput(_("解读形式无效。"), details={"field": "interpretation_form"})
    kind = fields.get("kind", kind)
    if kind in DETAIL_FIELDS or "details" in fields:
        fields["details"] = clean_details(kind, fields.get("details") or {})


def _check_change_date(
    *, version: int, formed_on: dt.date, changed_on: dt.date | None, field: str = "changed_on"
) -> None:
    """A revision's 信息变更日期 lies between the information's formed date and today; a first
    publication has none (its time runs from the formed date) — 条例 第二十六条 (RULES §2.3)."""
    if changed_on is None:
        return
    if version == 0:
        raise InvalidInput(
            _("首次发布的信息无需填写信息变更日期，公开时限自信息形成日期起算。"),
            details={"field": "changed_on"},
        )
    if changed_on < formed_on:
        raise InvalidInput(_("信息变更日期不能早于信息形成日期。"), details={"field": field})
    if changed_on > today_local():
        raise InvalidInput(_("信息变更日期不能晚于今天。"), details={"field": "changed_on"})


def _add_author(item: DisclosureItem, actor: Any) -> None:
    """Count ``actor`` among the authors of the item's current draft (separation of duties)."""
    if getattr(actor, "pk", None) is not None:
        item.authors.add(actor)


@transaction.atomic
def create_draft(
    organ: Organ,
    *,
    actor: Any,
    unit: Unit,
    node: CatalogueNode,
    title: str,
    formed_on: dt.date,
    **fields: Any,
) -> DisclosureItem:
    """Start a draft for ``unit`` (the editor must act for it)."""
    require(actor, Action.ACT_FOR_UNIT, organ=organ, unit=unit)
    if not unit.is_active:
        raise InvalidInput(_("该单位已停用。"), details={"field": "unit"})
    all_fields = {"unit": unit, "node": node, "title": title, "formed_on": formed_on, **fields}
    _check_fields(organ, all_fields, kind=fields.get("kind", ItemKind.GENERAL))
    _check_change_date(version=0, formed_on=formed_on, changed_on=fields.get("changed_on"))
    item = DisclosureItem.objects.create(organ=organ, created_by=actor, **all_fields)
    _add_author(item, actor)
    record_event(
        "disclosure.item.created",
        actor=actor,
        obj=item,
        changes={"title": item.title, "unit": unit.pk, "node": node.pk},
    )
    return item


def _require_editable(item: DisclosureItem, actor: Any) -> None:
    require(actor, Action.ACT_FOR_UNIT, organ=item.organ, unit=item.unit)
    if item.status not in (ItemStatus.DRAFT, ItemStatus.REFUSED):
        raise WrongState(_("只有草稿可以修改；已发布的信息请先“修订”。"))


@transaction.atomic
def update_draft(item: DisclosureItem, *, actor: Any, **fields: Any) -> DisclosureItem:
    """Change a draft's fields."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    _require_editable(item, actor)
    if "unit" in fields:
        require(actor, Action.ACT_FOR_UNIT, organ=item.organ, unit=fields["unit"])
    _check_fields(item.organ, fields, kind=item.kind)
    _check_change_date(
        version=item.version,
        formed_on=fields.get("formed_on", item.formed_on),
        changed_on=fields.get("changed_on", item.changed_on),
        field="changed_on" if "changed_on" in fields else "formed_on",
    )
    before = {
        k: getattr(item, k + "_id" if k in ("node", "unit", "interprets") else k) for k in fields
    }
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    _add_author(item, actor)
    after = {
        k: getattr(item, k + "_id" if k in ("node", "unit", "interprets") else k) for k in fields
    }
    record_event(
        "disclosure.item.updated",
        actor=actor,
        obj=item,
        changes={k: [before[k], after[k]] for k in fields if before[k] != after[k]},
    )
    return item


@transaction.atomic
def add_attachment(
    item: DisclosureItem, *, actor: Any, upload: UploadedFile[Any], alt_text: str = ""
) -> Attachment:
    """Attach a file to a draft; its type is checked by content, its stored name is random."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    _require_editable(item, actor)
    try:
        detected = ATTACHMENT_POLICY.check(upload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "file"}) from None
    if detected.extension in IMAGE_TYPES and not alt_text.strip():
        raise InvalidInput(
            _("图片须填写替代文本（供读屏软件朗读）。"), details={"field": "alt_text"}
        )
    attachment = Attachment(
        item=item,
        original_name=(upload.name or "file")[:255],
        media_type=detected.media_type,
        size=detected.size,
        alt_text=alt_text.strip()[:200],
    )
    attachment._detected_extension = detected.extension  # type: ignore[attr-defined]
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    _add_author(item, actor)
    record_event(
        "disclosure.attachment.added",
        actor=actor,
        obj=item,
        changes={
            "name": attachment.original_name,
            "type": detected.media_type,
            "size": detected.size,
        },
    )
    return attachment


def _transition(
    item: DisclosureItem,
    *,
    actor: Any,
    to: str,
    action: str,
    fields: Sequence[str] = (),
    changes: dict[str, Any] | None = None,
) -> None:
    before = item.status
    item.status = to
    item.save(update_fields=["status", "updated_at", *fields])
    record_event(
        f"disclosure.item.{action}",
        actor=actor,
        obj=item,
        changes={"status": [before, to], **(changes or {})},
    )


@transaction.atomic
def submit_item(item: DisclosureItem, *, actor: Any) -> DisclosureItem:
    """Send a draft to 保密审查 — only one that could be published as it stands
    (``checks.publication_problems``)."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    _require_editable(item, actor)
    require_publishable(item)
    _add_author(item, actor)
    _transition(item, actor=actor, to=ItemStatus.SUBMITTED, action="submitted")
    return item


@transaction.atomic
def review_item(item: DisclosureItem, *, actor: Any, decision: str, basis: str) -> DisclosureItem:
    """Record the 保密审查 decision with its legal basis; 不予公开 stops the item. None of the
    item's authors reviews it (separation of duties, ``disclosure.permissions``); an item that
    could not be published is not let through (``checks.publication_problems``)."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.REVIEW, organ=item.organ)
    if item.status != ItemStatus.SUBMITTED:
        raise WrongState
    require_separation(item, actor, Step.REVIEW)
    if decision not in ReviewDecision.values:
        raise InvalidInput(_("审查意见无效。"), details={"field": "decision"})
    if decision != ReviewDecision.DISCLOSE and not basis.strip():
        raise InvalidInput(
            _("部分公开或不予公开时须写明法律依据（如条例第十四条）。"), details={"field": "basis"}
        )
    if decision != ReviewDecision.WITHHOLD:  # it would go on towards publication
        require_publishable(item)
    item.review_decision, item.review_basis, item.reviewed_by = decision, basis.strip(), actor
    to = ItemStatus.REFUSED if decision == ReviewDecision.WITHHOLD else ItemStatus.REVIEWED
    _transition(
        item,
        actor=actor,
        to=to,
        action="reviewed",
        fields=["review_decision", "review_basis", "reviewed_by"],
        changes={"decision": decision, "basis": item.review_basis},
    )
    return item


@transaction.atomic
def return_item(item: DisclosureItem, *, actor: Any, reason: str) -> DisclosureItem:
    """Send an item not yet published (submitted, reviewed or approved) back to its unit as a
    draft, with a reason, by whoever acts on it at that stage (``disclosure.permissions``) — the
    way out for an item that can no longer be published as it stands. Its review is void."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require_may_return(item, actor)
    if not reason.strip():
        raise InvalidInput(_("请填写退回原因。"), details={"field": "reason"})
    item.review_decision, item.review_basis = "", ""
    _transition(
        item,
        actor=actor,
        to=ItemStatus.DRAFT,
        action="returned",
        fields=["review_decision", "review_basis"],
        changes={"reason": reason.strip()},
    )
    return item


@transaction.atomic
def approve_item(item: DisclosureItem, *, actor: Any) -> DisclosureItem:
    """The leader's approval after a positive 保密审查, by someone who neither wrote the item nor
    (where three people are required) reviewed it (``disclosure.permissions``)."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.APPROVE, organ=item.organ)
    if item.status != ItemStatus.REVIEWED:
        raise WrongState
    require_separation(item, actor, Step.APPROVE)
    require_publishable(item)
    item.approved_by = actor
    _transition(
        item, actor=actor, to=ItemStatus.APPROVED, action="approved", fields=["approved_by"]
    )
    return item


def format_index_no(organ: Organ, year: int, serial: int) -> str:
    """Render an index number with GONGKAI_INDEX_FORMAT ({code}/{year}-{serial:05d})."""
    return str(settings.GONGKAI_INDEX_FORMAT).format(
        code=organ.index_code, year=year, serial=serial
    )


def allocate_index_no(organ: Organ, year: int) -> str:
    """Take the organ's next serial for ``year`` under a row lock (call inside a transaction)."""
    IndexCounter.objects.get_or_create(organ=organ, year=year)
    counter = IndexCounter.objects.select_for_update().get(organ=organ, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return format_index_no(organ, year, counter.last_serial)


@transaction.atomic
def publish_item(item: DisclosureItem, *, actor: Any) -> DisclosureItem:
    """Publish an approved item: index number (first time), version, date; then announce it.

    It must pass ``checks.publication_problems`` (among them: a revision needs its 信息变更日期,
    kept in its version's snapshot, 条例 第二十六条, RULES §2.3; a 需解读 policy waits for its
    interpretation, 三同步, RULES §7.1); one that no longer does is returned (``return_item``)."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.COORDINATE, organ=item.organ)
    if item.status != ItemStatus.APPROVED:
        raise WrongState(_("只有审批通过的信息才能发布。"))
    require_publishable(item)
    now = timezone.now()
    today = today_local()
    revised = item.version > 0
    if not item.index_no:
        item.index_no = allocate_index_no(item.organ, today.year)
    item.version += 1
    item.published_at = now
    if not revised:
        item.published_on = today
    item.withdrawn_at, item.withdrawn_reason = None, ""
    _transition(
        item,
        actor=actor,
        to=ItemStatus.PUBLISHED,
        action="revised" if revised else "published",
        fields=[
            "index_no",
            "version",
            "published_at",
            "published_on",
            "withdrawn_at",
            "withdrawn_reason",
        ],
        changes={"index_no": item.index_no, "version": item.version},
    )
    ItemVersion.objects.create(
        item=item,
        version=item.version,
        snapshot=_snapshot(item),
        published_at=now,
        published_by=actor,
    )
    announce("revised" if revised else "published", item)
    return item


@transaction.atomic
def start_revision(item: DisclosureItem, *, actor: Any) -> DisclosureItem:
    """Open a published item for revision: a new draft; the published version stays online.

    The last revision's 信息变更日期 stays in its version; this one needs its own (条例
    第二十六条, RULES §2.3), so the item's is cleared."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.ACT_FOR_UNIT, organ=item.organ, unit=item.unit)
    if item.status != ItemStatus.PUBLISHED:
        raise WrongState
    item.review_decision, item.review_basis, item.changed_on = "", "", None
    # A revision is a new piece of writing: its authors are whoever starts and edits it.
    item.authors.clear()
    _add_author(item, actor)
    _transition(
        item,
        actor=actor,
        to=ItemStatus.DRAFT,
        action="revision_started",
        fields=["review_decision", "review_basis", "changed_on"],
    )
    return item


@transaction.atomic
def withdraw_item(item: DisclosureItem, *, actor: Any, reason: str) -> DisclosureItem:
    """Take a published item offline with a reason; it is kept, marked, with all versions."""
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.COORDINATE, organ=item.organ)
    if item.status != ItemStatus.PUBLISHED:
        raise WrongState(_("只有已发布的信息才能撤回；修订中的信息请先完成或退回修订。"))
    if not reason.strip():
        raise InvalidInput(_("请填写撤回原因。"), details={"field": "reason"})
    item.withdrawn_at, item.withdrawn_reason = timezone.now(), reason.strip()[:300]
    _transition(
        item,
        actor=actor,
        to=ItemStatus.WITHDRAWN,
        action="withdrawn",
        fields=["withdrawn_at", "withdrawn_reason"],
        changes={"reason": reason},
    )
    announce("withdrawn", item)
    return item


@transaction.atomic
def set_validity(
    item: DisclosureItem, *, actor: Any, validity: str, replaced_by: DisclosureItem | None = None
) -> DisclosureItem:
    """Mark a published document 失效/废止/已修改 (with the replacing document) or 有效."""
    require(actor, Action.COORDINATE, organ=item.organ)
    if validity not in Validity.values:
        raise InvalidInput(_("有效性无效。"), details={"field": "validity"})
    if replaced_by is not None and (
        replaced_by.organ_id != item.organ_id or replaced_by.pk == item.pk
    ):
        raise InvalidInput(_("替代文件无效。"), details={"field": "replaced_by"})
    before = [item.validity, item.replaced_by_id]
    item.validity, item.replaced_by = validity, replaced_by
    item.save(update_fields=["validity", "replaced_by", "updated_at"])
    record_event(
        "disclosure.item.validity_changed",
        actor=actor,
        obj=item,
        changes={
            "validity": [before[0], validity],
            "replaced_by": [before[1], item.replaced_by_id],
        },
    )
    if item.status == ItemStatus.PUBLISHED:
        announce("revised", item)
    return item


@transaction.atomic
def update_disclosure_settings(
    organ: Organ, *, actor: Any, is_other_form_required: bool
) -> DisclosureSettings:
    """Set the organ's own disclosure rules: whether a policy needs, beside text, an
    interpretation in another form before publication (RULES §7.1). Coordinators only."""
    require(actor, Action.COORDINATE, organ=organ)
    row, _created = DisclosureSettings.objects.select_for_update().get_or_create(organ=organ)
    before = row.is_other_form_required
    row.is_other_form_required = is_other_form_required
    row.save(update_fields=["is_other_form_required", "updated_at"])
    record_event(
        "disclosure.settings.updated",
        actor=actor,
        obj=row,
        organ_id=organ.pk,
        changes={"is_other_form_required": [before, is_other_form_required]},
    )
    return row


def bulk_review(
    items: Sequence[DisclosureItem], *, actor: Any, decision: str, basis: str
) -> list[DisclosureItem]:
    """Record the same 保密审查 decision for several submitted items (each audited), each under
    the rules of ``review_item`` — separation of duties included; one refusal, naming its item,
    refuses them all."""
    reviewed = []
    with transaction.atomic():
        for item in items:
            try:
                reviewed.append(review_item(item, actor=actor, decision=decision, basis=basis))
            except DomainError as refused:
                message = _("“%(title)s”：%(reason)s") % {
                    "title": item.title,
                    "reason": refused.message,
                }
                raise type(refused)(
                    message, code=refused.code, details={**refused.details, "item": item.pk}
                ) from None
    return reviewed
