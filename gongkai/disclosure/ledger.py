"""The 规范性文件台账: register, status changes, expiry (reminders, and the daily lapse by date),
yearly counts, export.

The validity period and the reminder lead time are settings (RULES §10 ❓: 一般不超过5年 and a
review about six months before expiry are recalled, not verified). A ledger entry's status is
its published item's 有效性 (条例 第二十条(一)): a change of one is a change of the other, and the
item's page and search entry are rewritten.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.disclosure.choices import Validity
from gongkai.disclosure.models import DisclosureItem, NormativeDocument
from gongkai.lib.spreadsheet import append_row

STATUSES = ("valid", "repealed", "expired", "amended")
IN_FORCE = ("valid", "amended")  # an amended document stays in force, as amended
# A ledger status as its item's 有效性.
ITEM_VALIDITY = {
    "valid": Validity.VALID,
    "repealed": Validity.REPEALED,
    "expired": Validity.EXPIRED,
    "amended": Validity.AMENDED,
}


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def register_document(
    organ: Organ,
    *,
    actor: Any,
    title: str,
    doc_number: str,
    drafting_unit: Unit,
    issued_on: dt.date,
    effective_on: dt.date,
    expires_on: dt.date | None = None,
    registration_no: str = "",
    gazette_issue: str = "",
    legality_review: str = "",
    item: DisclosureItem | None = None,
) -> NormativeDocument:
    """Enter a normative document in the ledger (validity defaults to the configured years)."""
    require(actor, Action.ACT_FOR_UNIT, organ=organ, unit=drafting_unit)
    if not title.strip() or not doc_number.strip():
        raise InvalidInput(
            _("请填写文件名称和文号。"),
            details={"field": "title" if not title.strip() else "doc_number"},
        )
    if effective_on < issued_on:
        raise InvalidInput(_("施行日期不能早于印发日期。"), details={"field": "effective_on"})
    expires_on = expires_on or _add_years(effective_on, settings.GONGKAI_NORMATIVE_VALIDITY_YEARS)
    if expires_on <= effective_on:
        raise InvalidInput(_("失效日期必须晚于施行日期。"), details={"field": "expires_on"})
    if NormativeDocument.objects.filter(organ=organ, doc_number=doc_number.strip()).exists():
        raise InvalidInput(_("台账中已有该文号。"), details={"field": "doc_number"})
    if item is not None and item.organ_id != organ.pk:
        raise InvalidInput(details={"field": "item"})
    doc = NormativeDocument.objects.create(
        organ=organ,
        title=title.strip(),
        doc_number=doc_number.strip(),
        drafting_unit=drafting_unit,
        issued_on=issued_on,
        effective_on=effective_on,
        expires_on=expires_on,
        registration_no=registration_no.strip(),
        gazette_issue=gazette_issue.strip(),
        legality_review=legality_review.strip(),
        item=item,
    )
    record_event(
        "disclosure.normative.registered",
        actor=actor,
        obj=doc,
        organ_id=organ.pk,
        changes={"doc_number": doc.doc_number, "expires_on": expires_on},
    )
    return doc


@transaction.atomic
def change_document_status(
    doc: NormativeDocument,
    *,
    actor: Any,
    status: str,
    on: dt.date,
    replaced_by: NormativeDocument | None = None,
) -> NormativeDocument:
    """Record 废止/失效/修改 (with the replacing document) on a date, and give the linked item
    the same 有效性 — republished and reindexed when it is online (条例 第二十条(一), RULES §10)."""
    from gongkai.disclosure.services import set_validity

    require(actor, Action.COORDINATE, organ=doc.organ)
    if status not in STATUSES:
        raise InvalidInput(_("状态无效。"), details={"field": "status"})
    if replaced_by is not None and (
        replaced_by.pk == doc.pk or replaced_by.organ_id != doc.organ_id
    ):
        raise InvalidInput(_("替代文件无效。"), details={"field": "replaced_by"})
    if on < doc.issued_on:
        raise InvalidInput(_("变更日期不能早于印发日期。"), details={"field": "on"})
    before = doc.status
    doc.status, doc.status_changed_on, doc.replaced_by = status, on, replaced_by
    doc.save(update_fields=["status", "status_changed_on", "replaced_by"])
    record_event(
        "disclosure.normative.status_changed",
        actor=actor,
        obj=doc,
        organ_id=doc.organ_id,
        changes={"status": [before, status], "on": on},
    )
    if doc.item is not None:
        set_validity(
            doc.item,
            actor=actor,
            validity=ITEM_VALIDITY[status],
            replaced_by=replaced_by.item if replaced_by is not None else None,
        )
    return doc


def expire_documents(*, today: dt.date, actor: Any) -> int:
    """Mark every document still in force whose 失效日期 has come as 已失效 on that date (the
    day it lapsed, however late this runs), each in its own transaction and audited, with its
    item's 有效性 (RULES §10: it lapses at expiry unless re-issued). Run daily; running it
    again changes nothing. Returns how many documents it marked."""
    due = NormativeDocument.objects.filter(status__in=IN_FORCE, expires_on__lte=today)
    marked = 0
    for pk in due.order_by("expires_on", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            doc = NormativeDocument.objects.select_for_update().get(pk=pk)
            if doc.status not in IN_FORCE or doc.expires_on is None or doc.expires_on > today:
                continue  # changed by someone meanwhile
            change_document_status(doc, actor=actor, status="expired", on=doc.expires_on)
            marked += 1
    return marked


def expiring_documents(organ: Organ, *, today: dt.date) -> list[NormativeDocument]:
    """Valid documents whose validity ends within the reminder period (or has ended)."""
    horizon = today + dt.timedelta(days=settings.GONGKAI_NORMATIVE_REMINDER_DAYS)
    return list(
        NormativeDocument.objects.filter(
            organ=organ, status__in=IN_FORCE, expires_on__lte=horizon
        ).order_by("expires_on")
    )


def lapse(
    issued_on: dt.date, expires_on: dt.date | None, status: str, changed_on: dt.date | None
) -> tuple[dt.date, str] | None:
    """Return the day a document stops being in force and why (``repealed`` or ``expired``), or None
    while it has no end: the earlier of its repeal or expiry (recorded with a date) and its
    失效日期 — which needs no status change. A status and a 失效日期 on the same day: the status
    says why. Never before its issue (a wrong earlier date would count it out unissued)."""
    ends = []
    if status in ("repealed", "expired") and changed_on is not None:
        ends.append((changed_on, 0, status))
    if expires_on is not None:
        ends.append((expires_on, 1, "expired"))
    if not ends:
        return None
    day, _order, why = min(ends)
    return max(day, issued_on), why


def yearly_counts(organ: Organ, year: int) -> dict[str, int]:
    """Count 现行有效 at the start of ``year``, 本年制发, 本年废止, 本年失效 and 现行有效 at its
    end, for the annual report (RULES §3.3). A document is in force from its 印发日期 to the
    day it lapses (``lapse``), so every year balances: start + issued − (repealed + expired)
    = end."""
    start, end = dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
    counts = dict.fromkeys(("current_at_start", "issued", "repealed", "expired", "current"), 0)
    rows = NormativeDocument.objects.filter(organ=organ).values_list(
        "issued_on", "expires_on", "status", "status_changed_on"
    )
    for issued_on, expires_on, status, changed_on in rows:
        ends = lapse(issued_on, expires_on, status, changed_on)
        for key, day in (("current_at_start", start), ("current", end)):
            if issued_on <= day and (ends is None or ends[0] > day):
                counts[key] += 1
        if issued_on.year == year:
            counts["issued"] += 1
        if ends is not None and ends[0].year == year:
            counts[ends[1]] += 1
    return counts


def ledger_xlsx(organ: Organ) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("规范性文件台账")
    append_row(
        sheet,
        [
            "文件名称",
            "文号",
            "登记号",
            "起草单位",
            "印发日期",
            "施行日期",
            "失效日期",
            "状态",
            "状态变更日期",
            "替代文件",
            "公报期号",
            "合法性审核编号",
        ],
    )
    labels = dict(NormativeDocument._meta.get_field("status").choices or [])
    for doc in NormativeDocument.objects.filter(organ=organ).select_related(
        "drafting_unit", "replaced_by"
    ):
        append_row(
            sheet,
            [
                doc.title,
                doc.doc_number,
                doc.registration_no,
                doc.drafting_unit.name,
                doc.issued_on,
                doc.effective_on,
                doc.expires_on,
                str(labels.get(doc.status, doc.status)),
                doc.status_changed_on,
                doc.replaced_by.doc_number if doc.replaced_by else "",
                doc.gazette_issue,
                doc.legality_review,
            ],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
