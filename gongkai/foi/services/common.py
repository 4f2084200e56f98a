"""What every step of an information request shares: the request's row lock, its
queue columns, its clock events, who may handle it, and the rule that no step
lengthens a period that has run out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils.translation import gettext as _

from gongkai.accounts.permissions import Action, require
from gongkai.core.errors import InvalidInput
from gongkai.core.time import today_local
from gongkai.foi import letters
from gongkai.foi.choices import (
    LetterKind,
    RequestStatus,
)
from gongkai.foi.models import (
    NO_DUE_DATE,
    InfoRequest,
)
from gongkai.workdays import services as clocks
from gongkai.workdays.selectors import get_clock_status

BASIS_REPLY = "《中华人民共和国政府信息公开条例》第三十三条"


BASIS_CLARIFY = "《中华人民共和国政府信息公开条例》第三十条"


BASIS_THIRD = "《中华人民共和国政府信息公开条例》第三十二条、第三十三条"


BASIS_ORGAN = "《中华人民共和国政府信息公开条例》第三十三条、第三十四条"


BASIS_FEE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


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


def _locked(request: InfoRequest) -> InfoRequest:
    return (
        InfoRequest.objects.select_for_update(of=("self",))
        .select_related("organ", "clock")
        .get(pk=request.pk)
    )


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


def _close(
    request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, label: str, basis: str
) -> None:
    """Stop the clock and close with an 其他处理 outcome and its termination letter."""
    _clock_event(request, actor=actor, kind="stop", on=on, label=label, basis=basis)
    request.outcome, request.status, request.replied_on = outcome, RequestStatus.CLOSED, on
    save_request(request, ["outcome", "status", "replied_on"])
    letters.issue(request, actor=actor, kind=LetterKind.TERMINATION, key=f"reply:{outcome}", on=on)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None
