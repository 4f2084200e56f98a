"""Reminders before a reporting cycle closes and escalation after it (督办),
notifications, reporting cycles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.choices import Role
from gongkai.accounts.models import User
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.workplan.choices import ReportStatus, UnitRole
from gongkai.workplan.models import (
    Cycle,
    Notification,
    Plan,
    ProgressReport,
    TaskUnit,
)
from gongkai.workplan.services.common import _notify, _users_with_role


def send_reminders(*, today: dt.date, actor: Any) -> dict[str, int]:
    """Remind units whose report is due soon; escalate to leaders when a cycle closed unreported.

    A reminder goes out GONGKAI_REMINDER_WORKING_DAYS working days before a cycle closes, to the
    editors of each lead unit that has not reported for that cycle; after the cycle closes, the
    organ's leaders are told which units did not report. Each message is sent once.
    """
    from django.conf import settings

    from gongkai.workdays.selectors import get_calendar

    calendar = get_calendar()
    lead_days = settings.GONGKAI_REMINDER_WORKING_DAYS
    counts = {"reminders": 0, "escalations": 0}
    cycles = Cycle.objects.filter(
        closes_on__gte=today - dt.timedelta(days=31), starts_on__lte=today
    ).select_related("plan__organ")
    for cycle in cycles:
        organ = cycle.plan.organ
        closing_soon = (
            today <= cycle.closes_on
            and calendar.working_days_between(today, cycle.closes_on) <= lead_days
        )
        if not closing_soon and today <= cycle.closes_on:
            continue
        # Reported is per (assignment, unit): each member of a group reports for itself.
        reported = set(
            ProgressReport.objects.filter(cycle=cycle).values_list("assignment_id", "unit_id")
        )
        pending = (
            TaskUnit.objects.filter(
                task__plan=cycle.plan, role=UnitRole.LEAD, task__withdrawn_at__isnull=True
            )
            .exclude(status=ReportStatus.DONE)
            .select_related("task", "unit", "group")
        )
        for assignment in pending:
            units = (
                [assignment.unit]
                if assignment.unit
                else list(assignment.group.resolve())
                if assignment.group
                else []
            )
            for unit in units:
                if unit is None or (assignment.pk, unit.pk) in reported:
                    continue
                if closing_soon:
                    counts["reminders"] += _notify(
                        _users_with_role(organ, Role.EDITOR, unit),
                        organ=organ,
                        kind="reminder",
                        message=_("请于 %(date)s 前报送任务 %(seq)d（%(cycle)s）的进展。")
                        % {
                            "date": cycle.closes_on,
                            "seq": assignment.task.seq,
                            "cycle": cycle.title,
                        },
                        url=f"/staff/plans/tasks/{assignment.task_id}/",
                        dedupe_key=f"remind:{cycle.pk}:{assignment.pk}:{unit.pk}",
                        email=True,
                    )
                elif today > cycle.closes_on:
                    counts["escalations"] += _notify(
                        _users_with_role(organ, Role.LEADER),
                        organ=organ,
                        kind="escalation",
                        message=_("%(unit)s 未按时报送任务 %(seq)d（%(cycle)s）的进展。")
                        % {"unit": unit.name, "seq": assignment.task.seq, "cycle": cycle.title},
                        url=f"/staff/plans/tasks/{assignment.task_id}/",
                        dedupe_key=f"escalate:{cycle.pk}:{assignment.pk}:{unit.pk}",
                        email=True,
                    )
    if counts["reminders"] or counts["escalations"]:
        with transaction.atomic():
            record_event("workplan.reminders.sent", actor=actor, changes=counts)
    return counts


@transaction.atomic
def mark_notifications_read(user: User, *, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) read."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_cycles(
    plan: Plan, *, actor: Any, kind: str, custom: Sequence[tuple[str, dt.date, dt.date]] = ()
) -> list[Cycle]:
    """Replace the plan's reporting cycles: monthly, quarterly, or custom (name, start, close).

    Cycles that already have reports are kept; only the others are replaced.
    """
    from gongkai.workplan.choices import CycleKind
    from gongkai.workplan.importing import default_cycles

    require(actor, Action.COORDINATE, organ=plan.organ)
    if kind not in CycleKind.values:
        raise InvalidInput(_("报送周期类型无效。"), details={"field": "kind"})
    if kind == CycleKind.CUSTOM:
        if not custom:
            raise InvalidInput(_("请至少填写一个自定义周期。"), details={"field": "custom"})
        for title, start, close in custom:
            if close < start:
                raise InvalidInput(
                    _("周期“%(t)s”的截止日期早于开始日期。") % {"t": title},
                    details={"field": "custom"},
                )
        specs = [(title, start, close) for title, start, close in custom]
    else:
        specs = [
            (s.title, s.starts_on, s.closes_on)
            for s in default_cycles(kind, year=plan.year, start=plan.issued_on)
        ]
    kept = list(plan.cycles.filter(reports__isnull=False).distinct())
    plan.cycles.exclude(pk__in=[c.pk for c in kept]).delete()
    next_seq = max((c.seq for c in kept), default=0) + 1
    created = []
    for offset, (title, start, close) in enumerate(
        [s for s in specs if not any(c.starts_on == s[1] and c.closes_on == s[2] for c in kept)]
    ):
        created.append(
            Cycle.objects.create(
                plan=plan, seq=next_seq + offset, title=title[:50], starts_on=start, closes_on=close
            )
        )
    plan.cycle_kind = kind
    plan.save(update_fields=["cycle_kind"])
    record_event(
        "workplan.cycles.changed",
        actor=actor,
        obj=plan,
        organ_id=plan.organ_id,
        changes={
            "kind": kind,
            "cycles": [[t, s, c] for t, s, c in specs],
            "kept": [c.pk for c in kept],
        },
    )
    return kept + created
