"""Reads of information requests: the staff queue and the applicant's status lookup."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db.models import QuerySet

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.foi.choices import RequestStatus
from gongkai.foi.models import InfoRequest
from gongkai.foi.services import hash_code

OPEN = (
    RequestStatus.AWAITING_RECEIPT,
    RequestStatus.PROCESSING,
    RequestStatus.CLARIFYING,
    RequestStatus.CONSULTING,
    RequestStatus.AWAITING_PAYMENT,
)
PAUSED = (RequestStatus.CLARIFYING, RequestStatus.CONSULTING, RequestStatus.AWAITING_PAYMENT)

CLOSED = tuple(s for s in RequestStatus if s not in OPEN)


def _visible(user: Any, organ: Organ) -> QuerySet[InfoRequest]:
    """Coordinators, leaders and auditors see all; editors the requests of their units."""
    if not can(user, Action.VIEW, organ=organ):
        return InfoRequest.objects.none()
    requests = InfoRequest.objects.filter(organ=organ).select_related("handling_unit")
    if not (
        can(user, Action.COORDINATE, organ=organ)
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


def lookup(number: str, code: str) -> InfoRequest | None:
    """The applicant's view: the request with this number, if the query code matches."""
    request = (
        InfoRequest.objects.select_related("clock", "organ")
        .filter(number=number.strip().upper())
        .first()
    )
    if request is None or not secrets.compare_digest(request.query_code_hash, hash_code(code)):
        return None
    return request
