"""Reads of the work-plan tracker: plans, tasks with their status, dashboards, my tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from gongkai.accounts.models import Organ, Unit, UnitGroup
from gongkai.accounts.permissions import Action, can, supervised_organ_ids
from gongkai.accounts.selectors import list_actable_units, list_organs_visible_to
from gongkai.workplan.choices import DeadlineKind, ReportStatus, UnitRole
from gongkai.workplan.models import Cycle, Plan, ProgressReport, Task, TaskUnit

DONE = ReportStatus.DONE


def list_plans(
    user: Any, *, organ: Organ, year: int | None = None, include_supervised: bool = False
) -> QuerySet[Plan]:
    """Return the organ's plans (and supervised organs' plans for a supervising coordinator)."""
    if not can(user, Action.VIEW, organ=organ):
        return Plan.objects.none()
    organ_ids = {organ.pk}
    if include_supervised and can(user, Action.COORDINATE, organ=organ):
        visible = set(list_organs_visible_to(user).values_list("pk", flat=True))
        organ_ids |= supervised_organ_ids({organ.pk}) & visible
    plans = Plan.objects.filter(organ_id__in=organ_ids).select_related("organ", "parent_plan")
    return plans.filter(year=year) if year else plans


def get_plan(user: Any, plan_id: int) -> Plan | None:
    """Return a plan if the user may see its organ (or supervises it)."""
    plan = Plan.objects.select_related("organ", "parent_plan").filter(pk=plan_id).first()
    if plan is None or not can(user, Action.VIEW, organ=plan.organ):
        return None
    return plan


def get_task(user: Any, task_id: int) -> Task | None:
    task = (
        Task.objects.select_related("plan__organ", "category", "parent_task__plan")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not can(user, Action.VIEW, organ=task.plan.organ):
        return None
    return task


@dataclass
class TaskRow:
    task: Task
    lead: list[TaskUnit]
    co: list[TaskUnit]
    status: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)


def combine_statuses(statuses: list[str]) -> str:
    """Combine lead units' statuses: done when all are done, else the most worrying one."""
    if not statuses:
        return ReportStatus.NOT_STARTED
    if all(s == DONE for s in statuses):
        return DONE
    for worst in (ReportStatus.CANNOT, ReportStatus.BEHIND, ReportStatus.IN_PROGRESS):
        if worst in statuses:
            return worst
    return ReportStatus.IN_PROGRESS if DONE in statuses else ReportStatus.NOT_STARTED


def task_status(assignments: list[TaskUnit], *, accepted: bool = True) -> str:
    """Combine the lead units' statuses into the task's status.

    By default only what the coordinator accepted counts; ``accepted=False`` uses the latest
    reports as submitted.
    """
    return combine_statuses(
        [
            a.accepted_status if accepted else a.status
            for a in assignments
            if a.role == UnitRole.LEAD
        ]
    )


def is_overdue(task: Task, status: str, *, today: dt.date) -> bool:
    """Overdue is derived, never stored: past the due date and not done."""
    return (
        task.deadline_kind == DeadlineKind.DATE
        and task.due_on is not None
        and task.due_on < today
        and status != DONE
    )


def list_task_rows(plan: Plan, *, today: dt.date) -> list[TaskRow]:
    """Return the plan's tasks with units and derived status, in two queries."""
    tasks = (
        plan.tasks.select_related("category")
        .prefetch_related(
            Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit", "group"))
        )
        .order_by("sort_order", "seq")
    )
    rows = []
    for task in tasks:
        assignments = list(task.assignments.all())
        status = task_status(assignments)
        rows.append(
            TaskRow(
                task,
                [a for a in assignments if a.role == UnitRole.LEAD],
                [a for a in assignments if a.role == UnitRole.CO],
                status,
                is_overdue(task, status, today=today) and task.withdrawn_at is None,
            )
        )
    return rows


def list_reports(task: Task) -> QuerySet[ProgressReport]:
    """Return a task's whole report history, newest first, with evidence."""
    return task.reports.select_related(
        "unit", "cycle", "submitted_by", "reviewed_by"
    ).prefetch_related("evidence")


def current_cycle(plan: Plan, *, today: dt.date) -> Cycle | None:
    """Return the cycle open today, else the next one, else the last."""
    cycles = list(plan.cycles.all())
    for cycle in cycles:
        if cycle.starts_on <= today <= cycle.closes_on:
            return cycle
    upcoming = [c for c in cycles if c.starts_on > today]
    return upcoming[0] if upcoming else (cycles[-1] if cycles else None)


def reporting_units(task: Task, user: Any) -> list[Unit]:
    """Return the units the user may report for on this task."""
    actable = {u.pk: u for u in list_actable_units(task.plan.organ, user=user)}
    units: dict[int, Unit] = {}
    for assignment in task.assignments.all():
        if assignment.unit_id and assignment.unit_id in actable:
            units[assignment.unit_id] = actable[assignment.unit_id]
        elif assignment.group is not None:
            for unit in assignment.group.resolve():
                if unit.pk in actable:
                    units[unit.pk] = unit
    return list(units.values())


@dataclass
class Completion:
    label: str
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


@dataclass(frozen=True)
class OverdueItem:
    task_id: int
    seq: int
    requirement: str
    plan_title: str
    due_on: dt.date
    leads: list[str]


@dataclass
class Dashboard:
    plans: list[Plan]
    by_category: list[Completion] = field(default_factory=list)
    by_unit: list[Completion] = field(default_factory=list)
    heat: list[tuple[str, list[Completion | None]]] = field(default_factory=list)
    heat_columns: list[str] = field(default_factory=list)
    overdue: list[OverdueItem] = field(default_factory=list)
    overdue_total: int = 0
    totals: Completion = field(default_factory=lambda: Completion("全部"))
    status_counts: dict[str, int] = field(default_factory=dict)


OVERDUE_SHOWN = 100


def get_dashboard(
    user: Any, *, organ: Organ, today: dt.date, year: int | None = None, plan_id: int | None = None
) -> Dashboard:
    """Completion by category and unit, a unit × category heat map and the overdue list.

    A fixed number of queries whatever the number of plans, tasks, units or reports: the
    lead units' accepted statuses are kept on ``TaskUnit`` by the report services, and the
    figures are computed from plain rows, not model instances.
    """
    plans = list_plans(user, organ=organ, year=year, include_supervised=True)
    if plan_id:
        plans = plans.filter(pk=plan_id)
    plan_list = list(plans)
    rows = (
        TaskUnit.objects.filter(
            task__plan__in=plan_list, task__withdrawn_at__isnull=True, role=UnitRole.LEAD
        )
        .values_list(
            "task_id",
            "accepted_status",
            "unit__name",
            "group__name",
            "task__category__title",
            "task__due_on",
            "task__deadline_kind",
        )
        .order_by("task__plan_id", "task__sort_order", "task__seq")
    )
    board = Dashboard(plans=plan_list)
    categories: dict[str, Completion] = {}
    units: dict[str, Completion] = {}
    heat: dict[tuple[str, str], Completion] = {}
    tasks: dict[int, list[Any]] = {}
    for task_id, status, unit_name, group_name, category, due_on, kind in rows:
        entry = tasks.setdefault(task_id, [category or "（未分类）", due_on, kind, []])
        entry[3].append((unit_name or group_name or "", status))
    overdue_ids: list[int] = []
    for task_id, (category, due_on, kind, leads) in tasks.items():
        status = combine_statuses([s for _n, s in leads])
        overdue = (
            kind == DeadlineKind.DATE and due_on is not None and due_on < today and (status != DONE)
        )
        board.status_counts[status] = board.status_counts.get(status, 0) + 1
        for bucket in (board.totals, categories.setdefault(category, Completion(category))):
            bucket.total += 1
            bucket.done += status == DONE
            bucket.overdue += overdue
        for name, unit_status in leads:
            for bucket in (
                units.setdefault(name, Completion(name)),
                heat.setdefault((name, category), Completion(name)),
            ):
                bucket.total += 1
                bucket.done += unit_status == DONE
                bucket.overdue += overdue
        if overdue:
            overdue_ids.append(task_id)
    board.overdue_total = len(overdue_ids)
    shown = overdue_ids[:OVERDUE_SHOWN]
    details = {t.pk: t for t in Task.objects.filter(pk__in=shown).select_related("plan")}
    board.overdue = [
        OverdueItem(
            task_id,
            details[task_id].seq,
            details[task_id].requirement,
            details[task_id].plan.title,
            tasks[task_id][1],
            [n for n, _s in tasks[task_id][3]],
        )
        for task_id in shown
        if task_id in details
    ]
    board.by_category = list(categories.values())
    board.by_unit = sorted(units.values(), key=lambda c: (-c.overdue, c.percent, c.label))
    board.heat_columns = list(categories)
    board.heat = [
        (u.label, [heat.get((u.label, c)) for c in board.heat_columns]) for u in board.by_unit
    ]
    return board


def list_my_tasks(user: Any, *, organ: Organ, today: dt.date) -> list[TaskRow]:
    """Return the open tasks of the units the user acts for (directly or through a group)."""
    units = list(list_actable_units(organ, user=user))
    unit_ids = {u.pk for u in units}
    kinds = {u.kind for u in units}
    groups = UnitGroup.objects.filter(organ=organ, is_active=True).prefetch_related("members")
    group_ids = [
        g.pk
        for g in groups
        if set(g.member_kinds) & kinds or any(m.pk in unit_ids for m in g.members.all())
    ]
    tasks = (
        Task.objects.filter(plan__organ=organ, withdrawn_at__isnull=True)
        .filter(Q(assignments__unit_id__in=unit_ids) | Q(assignments__group_id__in=group_ids))
        .distinct()
        .select_related("plan", "category")
        .prefetch_related(
            Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit", "group"))
        )
        .order_by("-plan__year", "plan_id", "sort_order")
    )
    rows = []
    for task in tasks:
        assignments = list(task.assignments.all())
        status = task_status(assignments)
        rows.append(
            TaskRow(
                task,
                [a for a in assignments if a.role == UnitRole.LEAD],
                [a for a in assignments if a.role == UnitRole.CO],
                status,
                is_overdue(task, status, today=today),
            )
        )
    return rows
