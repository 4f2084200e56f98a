"""Reads of information requests: the staff queue and the applicant's status lookup."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db.models import DateField, QuerySet, Value
from django.db.models.functions import Coalesce

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.foi.choices import RequestStatus
from gongkai.foi.models import InfoRequest
from gongkai.foi.services import hash_code
from gongkai.workdays.choices import ClockState

OPEN = (
    RequestStatus.AWAITING_RECEIPT,
    RequestStatus.PROCESSING,
    RequestStatus.CLARIFYING,
    RequestStatus.CONSULTING,
)

CLOSED = tuple(s for s in RequestStatus if s not in OPEN)


def _visible(user: Any, organ: Organ) -> QuerySet[InfoRequest]:
    """Coordinators, leaders and auditors see all; editors the requests of their units."""
    if not can(user, Action.VIEW, organ=organ):
        return InfoRequest.objects.none()
    requests = InfoRequest.objects.filter(organ=organ).select_related("clock", "handling_unit")
    if not (
        can(user, Action.COORDINATE, organ=organ)
        or can(user, Action.APPROVE, organ=organ)
        or can(user, Action.VIEW_AUDIT, organ=organ)
    ):
        units = list(list_actable_units(organ, user=user).values_list("pk", flat=True))
        requests = requests.filter(handling_unit_id__in=units)
    return requests


def _overdue(
    requests: QuerySet[InfoRequest], organ: Organ, today: dt.date
) -> QuerySet[InfoRequest]:
    """Past the due date with the clock counting (running, or already marked overdue).

    Filtering on the clock's organ and state lets the database start from the clock index
    (organ, state, due_on) instead of walking every closed request's old due date.
    """
    return requests.filter(
        clock__organ=organ,
        clock__state__in=[ClockState.RUNNING, ClockState.OVERDUE],
        clock__due_on__lt=today,
    )


def list_requests(
    user: Any, *, organ: Organ, view: str = "open", today: dt.date
) -> QuerySet[InfoRequest]:
    """The queue: open, due soon (≤ 5 working days), overdue, paused, provisional, closed.

    Coordinators see all; a unit's editors see the requests assigned to their units.
    """
    requests = _visible(user, organ)
    if view == "closed":
        return requests.filter(status__in=CLOSED).order_by("-pk")
    requests = requests.filter(status__in=OPEN)
    if view == "overdue":
        return _overdue(requests, organ, today)
    if view == "due_soon":
        from gongkai.workdays.selectors import get_calendar

        horizon = get_calendar().add_working_days(today, 5).date
        return requests.filter(clock__due_on__gte=today, clock__due_on__lte=horizon)
    if view == "paused":
        return requests.filter(status__in=[RequestStatus.CLARIFYING, RequestStatus.CONSULTING])
    if view == "provisional":
        return requests.filter(clock__provisional=True)
    return requests.order_by("clock__due_on", "arrived_at")


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
    working days, handling unit; ordered by due date."""
    requests = _visible(user, organ)
    if status == "open":
        requests = requests.filter(status__in=OPEN)
    elif status == "closed":
        requests = requests.filter(status__in=CLOSED)
    if overdue:
        requests = _overdue(requests.filter(status__in=OPEN), organ, today)
    if due_within is not None:
        from gongkai.workdays.selectors import get_calendar

        horizon = get_calendar().add_working_days(today, due_within).date
        requests = requests.filter(
            status__in=OPEN, clock__due_on__gte=today, clock__due_on__lte=horizon
        )
    if unit_id is not None:
        requests = requests.filter(handling_unit_id=unit_id)
    # An expression, not the bare column: the database should pick the filter's index (clock
    # organ/state/due date, or unit, or status) and sort the few rows, rather than walk the
    # due-date index through every closed request. Requests still without a clock go last.
    if status == "closed":  # newest registered first: walks the primary key, no sort
        return requests.order_by("-pk")
    due = Coalesce("clock__due_on", Value(dt.date.max), output_field=DateField())
    return requests.order_by(due, "arrived_at", "pk")


def get_request(user: Any, request_id: int) -> InfoRequest | None:
    organ_id = InfoRequest.objects.filter(pk=request_id).values_list("organ_id", flat=True).first()
    organ = Organ.objects.filter(pk=organ_id).first() if organ_id is not None else None
    if organ is None:
        return None
    return _visible(user, organ).select_related("organ").filter(pk=request_id).first()


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
