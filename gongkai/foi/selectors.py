"""Reads of information requests: the staff queue and the applicant's status lookup."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.core.models import AuditEvent
from gongkai.foi.choices import LetterKind, Opinion, Outcome, RequestStatus
from gongkai.foi.models import InfoRequest

OPEN = (
    RequestStatus.AWAITING_RECEIPT,
    RequestStatus.PROCESSING,
    RequestStatus.CLARIFYING,
    RequestStatus.CONSULTING,
    RequestStatus.AWAITING_PAYMENT,
    RequestStatus.REVIEWING,
)
PAUSED = (RequestStatus.CLARIFYING, RequestStatus.CONSULTING, RequestStatus.AWAITING_PAYMENT)

CLOSED = tuple(s for s in RequestStatus if s not in OPEN)


def _visible(user: Any, organ: Organ) -> QuerySet[InfoRequest]:
    """Coordinators, reviewers (保密审查 of replies), leaders and auditors see all; editors the
    requests of their units."""
    if not can(user, Action.VIEW, organ=organ):
        return InfoRequest.objects.none()
    requests = InfoRequest.objects.filter(organ=organ).select_related("handling_unit")
    if not (
        can(user, Action.COORDINATE, organ=organ)
        or can(user, Action.REVIEW, organ=organ)
        or can(user, Action.APPROVE, organ=organ)
        or can(user, Action.VIEW_AUDIT, organ=organ)
    ):
        units = list(list_actable_units(organ, user=user).values_list("pk", flat=True))
        requests = requests.filter(handling_unit_id__in=units)
    return requests


def _overdue(requests: QuerySet[InfoRequest], today: dt.date) -> QuerySet[InfoRequest]:
    """Open and past the due date. A clock paused before its due date has none, so only a
    request still counting, or one paused after the deadline had passed, is overdue."""
    return requests.filter(is_open=True, queue_due_on__lt=today)


def _due_within(
    requests: QuerySet[InfoRequest], today: dt.date, days: int
) -> QuerySet[InfoRequest]:
    from gongkai.workdays.selectors import get_calendar

    horizon = get_calendar().add_working_days(today, days).date
    return requests.filter(is_open=True, queue_due_on__gte=today, queue_due_on__lte=horizon)


def list_requests(
    user: Any, *, organ: Organ, view: str = "open", today: dt.date
) -> QuerySet[InfoRequest]:
    """The queue: open, due soon (≤ 5 working days), overdue, paused, provisional, closed.

    Coordinators see all; a unit's editors see the requests assigned to their units. Every open
    view reads the queue columns along the index (organ, is_open, due date), earliest due first;
    requests still without a due date come last.
    """
    requests = _visible(user, organ)
    if view == "closed":
        return requests.filter(is_open=False).order_by("-pk")
    requests = requests.filter(is_open=True)
    if view == "overdue":
        requests = _overdue(requests, today)
    elif view == "due_soon":
        requests = _due_within(requests, today, 5)
    elif view == "paused":
        requests = requests.filter(status__in=PAUSED)
    elif view == "reviewing":
        requests = requests.filter(status=RequestStatus.REVIEWING)
    elif view == "provisional":
        requests = requests.filter(queue_provisional=True)
    return requests.order_by("queue_due_on", "pk")


def filter_queue(
    user: Any,
    *,
    organ: Organ,
    today: dt.date,
    status: str = "open",
    overdue: bool = False,
    due_within: int | None = None,
    unit_id: int | None = None,
) -> QuerySet[InfoRequest]:
    """The queue with the API's filters combined: open/closed/all, overdue, due within N
    working days, handling unit; ordered by due date (closed ones newest first)."""
    requests = _visible(user, organ)
    if status == "open" or overdue or due_within is not None:
        requests = requests.filter(is_open=True)
    elif status == "closed":
        requests = requests.filter(is_open=False)
    if overdue:
        requests = _overdue(requests, today)
    if due_within is not None:
        requests = _due_within(requests, today, due_within)
    if unit_id is not None:
        requests = requests.filter(handling_unit_id=unit_id)
    if status == "closed" and not (overdue or due_within is not None):
        return requests.order_by("-pk")
    return requests.order_by("queue_due_on", "pk")


def get_request(user: Any, request_id: int) -> InfoRequest | None:
    organ_id = InfoRequest.objects.filter(pk=request_id).values_list("organ_id", flat=True).first()
    organ = Organ.objects.filter(pk=organ_id).first() if organ_id is not None else None
    if organ is None:
        return None
    return _visible(user, organ).select_related("organ", "clock").filter(pk=request_id).first()


# The 流转 of a request in words: what each audited step was (RULES §2.5, 第四十五条: 登记、审核、
# 办理、答复、归档 procedures). Views of the applicant's identity are audited but are not steps.
HISTORY_ACTIONS: dict[str, Any] = {
    "foi.request.received": _("登记申请"),
    "foi.request.receipt_confirmed": _("确认收到申请"),
    "foi.request.assigned": _("交办承办单位"),
    "foi.request.clarification_requested": _("发出补正告知"),
    "foi.request.clarified": _("收到补正"),
    "foi.request.consultation_started": _("征求意见"),
    "foi.request.consultation_ended": _("结束征求意见"),
    "foi.request.extended": _("批准延期答复"),
    "foi.request.fee_notice": _("发出收费通知"),
    "foi.request.fee_paid": _("登记缴费"),
    "foi.request.fee_unpaid": _("逾期未缴费，终止办理"),
    "foi.reply.submitted": _("拟写答复，提交保密审查"),
    "foi.reply.reviewed": _("保密审查通过，提交签发"),
    "foi.reply.returned": _("退回答复"),
    "foi.reply.signed": _("签发答复"),
    "foi.request.replied": _("答复并办结"),
    "foi.request.abandoned": _("逾期未补正，终止办理"),
    "foi.request.withdrawn": _("申请人撤回申请"),
    "foi.letter.issued": _("生成文书"),
    "foi.letter.delivered": _("登记文书送达"),
}
_DETAIL_LABELS: dict[str, Any] = {
    "on": _("日期"),
    "due_on": _("期限"),
    "receipt_on": _("收到申请之日"),
    "party": _("对象"),
    "days": _("工作日"),
    "reason": _("理由"),
    "opinion": _("意见"),
    "amount": _("金额（元）"),
    "late_reason": _("未当日确认的原因"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    what: str
    details: str


def _detail(action: str, changes: dict[str, Any]) -> str:
    parts = []
    if "outcome" in changes and changes["outcome"] in Outcome.values:
        parts.append(str(Outcome(changes["outcome"]).label))
    if action == "foi.letter.issued" and changes.get("kind") in LetterKind.values:
        parts.append(str(LetterKind(changes["kind"]).label))
    if action == "foi.request.consultation_ended" and changes.get("opinion") in Opinion.values:
        parts.append(str(Opinion(changes["opinion"]).label))
        changes = {k: v for k, v in changes.items() if k != "opinion"}
    for key, label in _DETAIL_LABELS.items():
        value = changes.get(key)
        if value not in (None, ""):
            parts.append(f"{label}：{value}")
    return "；".join(parts)


def request_history(request: InfoRequest) -> list[HistoryEntry]:
    """Who did what to ``request``, when and with which decision and reason, oldest first,
    read from the audit trail (one indexed query)."""
    events = AuditEvent.objects.filter(
        object_type=InfoRequest._meta.label_lower,
        object_id=str(request.pk),
        action__in=list(HISTORY_ACTIONS),
    ).order_by("seq")
    entries = []
    for event in events:
        try:
            changes = json.loads(event.changes or "{}")
        except ValueError:
            changes = {}
        entries.append(
            HistoryEntry(
                at=event.created_at,
                actor=event.actor_label or str(_("系统")),
                what=str(HISTORY_ACTIONS[event.action]),
                details=_detail(event.action, changes if isinstance(changes, dict) else {}),
            )
        )
    return entries
