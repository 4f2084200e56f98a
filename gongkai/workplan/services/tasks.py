"""Editing a plan's tasks: fields, units, adding, withdrawing, moving, splitting,
merging; a plan copied to the next year; plans and tasks linked to their
source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import Unit, UnitGroup
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.workplan import indicators
from gongkai.workplan.choices import UnitRole
from gongkai.workplan.models import (
    Category,
    Cycle,
    Plan,
    Task,
    TaskIndicator,
    TaskUnit,
)
from gongkai.workplan.parsing.deadlines import parse_deadline

TASK_FIELDS = ("title", "requirement", "deadline_text", "category", "notes")


def _task_snapshot(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "requirement": task.requirement,
        "deadline_text": task.deadline_text,
        "due_on": task.due_on,
        "category": task.category_id,
        "notes": task.notes,
    }


def _apply_deadline(task: Task, text: str) -> None:
    deadline = parse_deadline(text, plan_year=task.plan.year)
    task.deadline_text, task.due_on, task.deadline_kind = (
        deadline.text,
        deadline.due_on,
        (deadline.kind),
    )


@transaction.atomic
def update_task(task: Task, *, actor: Any, **fields: Any) -> Task:
    """Change a task's text, category or deadline (时限 text is parsed again)."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    if "requirement" in fields and not str(fields["requirement"]).strip():
        raise InvalidInput(_("请填写具体要求。"), details={"field": "requirement"})
    category = fields.get("category")
    if category is not None and category.plan_id != task.plan_id:
        raise InvalidInput(_("类别不属于该方案。"), details={"field": "category"})
    before = _task_snapshot(task)
    for key, value in fields.items():
        if key == "deadline_text":
            _apply_deadline(task, str(value))
        else:
            setattr(task, key, value)
    task.save()
    after = _task_snapshot(task)
    record_event(
        "workplan.task.updated",
        actor=actor,
        obj=task,
        organ_id=task.plan.organ_id,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return task


@transaction.atomic
def set_task_units(
    task: Task, *, actor: Any, lead: Sequence[Unit | UnitGroup], co: Sequence[Unit | UnitGroup] = ()
) -> Task:
    """Replace a task's lead and co-units; reported progress of kept units is kept."""
    organ = task.plan.organ
    require(actor, Action.COORDINATE, organ=organ)
    if not lead:
        raise InvalidInput(_("至少需要一个牵头单位。"), details={"field": "lead"})
    wanted = [(UnitRole.LEAD, t) for t in lead] + [(UnitRole.CO, t) for t in co if t not in lead]
    if any(t.organ_id != organ.pk for _r, t in wanted):
        raise InvalidInput(_("单位必须属于本机关。"))
    existing = list(task.assignments.all())

    def key(role: str, target: Unit | UnitGroup) -> tuple[str, str, int]:
        return (role, "unit" if isinstance(target, Unit) else "group", target.pk)

    current = {
        (a.role, "unit" if a.unit_id else "group", a.unit_id or a.group_id): a for a in existing
    }
    keep = {key(r, t) for r, t in wanted}
    for k, assignment in current.items():
        if k not in keep:
            if assignment.reports.exists():
                raise InvalidInput(
                    _("“%(unit)s”已报送进展，不能移除。") % {"unit": assignment.label}
                )
            assignment.delete()
    for role, target in wanted:
        if key(role, target) not in current:
            TaskUnit.objects.create(
                task=task,
                role=role,
                written_as=target.name,
                unit=target if isinstance(target, Unit) else None,
                group=target if isinstance(target, UnitGroup) else None,
            )
    record_event(
        "workplan.task.units_changed",
        actor=actor,
        obj=task,
        organ_id=organ.pk,
        changes={"lead": [t.name for t in lead], "co": [t.name for t in co]},
    )
    return task


@transaction.atomic
def add_task(
    plan: Plan,
    *,
    actor: Any,
    requirement: str,
    category: Category | None = None,
    title: str = "",
    deadline_text: str = "",
    lead: Sequence[Unit | UnitGroup] = (),
    co: Sequence[Unit | UnitGroup] = (),
) -> Task:
    """Add a task at the end of the plan (or of its category)."""
    require(actor, Action.COORDINATE, organ=plan.organ)
    if not requirement.strip():
        raise InvalidInput(_("请填写具体要求。"), details={"field": "requirement"})
    top = plan.tasks.aggregate(seq=Max("seq"), order=Max("sort_order"))
    task = Task(
        plan=plan,
        category=category,
        title=title,
        requirement=requirement.strip(),
        seq=(top["seq"] or 0) + 1,
        sort_order=(top["order"] or 0) + 10,
    )
    _apply_deadline(task, deadline_text)
    task.save()
    if lead:
        set_task_units(task, actor=actor, lead=lead, co=co)
    record_event(
        "workplan.task.added",
        actor=actor,
        obj=task,
        organ_id=plan.organ_id,
        changes=_task_snapshot(task),
    )
    return task


@transaction.atomic
def withdraw_task(task: Task, *, actor: Any, reason: str) -> Task:
    """Withdraw a task with a reason; it stays in the plan, marked, with its reports."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    if not reason.strip():
        raise InvalidInput(_("请填写撤销原因。"), details={"field": "reason"})
    task.withdrawn_at = timezone.now()
    task.withdrawn_reason = reason.strip()[:200]
    task.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record_event(
        "workplan.task.withdrawn",
        actor=actor,
        obj=task,
        organ_id=task.plan.organ_id,
        changes={"reason": reason},
    )
    return task


@transaction.atomic
def move_task(task: Task, *, actor: Any, up: bool) -> Task:
    """Swap a task with its neighbour in the plan's order."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    siblings = list(task.plan.tasks.order_by("sort_order", "seq"))
    index = siblings.index(task)
    other_index = index - 1 if up else index + 1
    if 0 <= other_index < len(siblings):
        other = siblings[other_index]
        task.sort_order, other.sort_order = other.sort_order, task.sort_order
        if task.sort_order == other.sort_order:
            task.sort_order += -1 if up else 1
        Task.objects.bulk_update([task, other], ["sort_order"])
        record_event(
            "workplan.task.moved",
            actor=actor,
            obj=task,
            organ_id=task.plan.organ_id,
            changes={"up": up},
        )
    return task


@transaction.atomic
def split_task(task: Task, *, actor: Any, parts: Sequence[str]) -> list[Task]:
    """Split a task's requirement into several tasks with the same units; the original is
    withdrawn as 已拆分 and keeps its reports."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) < 2:
        raise InvalidInput(_("拆分至少需要两段内容。"), details={"field": "parts"})
    targets = [(a.role, a.unit or a.group) for a in task.assignments.all()]
    created = []
    for part in parts:
        new = add_task(
            task.plan,
            actor=actor,
            requirement=part,
            category=task.category,
            title=task.title,
            deadline_text=task.deadline_text,
        )
        leads = [t for r, t in targets if r == UnitRole.LEAD and t is not None]
        cos = [t for r, t in targets if r == UnitRole.CO and t is not None]
        if leads:
            set_task_units(new, actor=actor, lead=leads, co=cos)
        created.append(new)
    withdraw_task(
        task,
        actor=actor,
        reason=_("已拆分为任务 %(seqs)s") % {"seqs": "、".join(str(t.seq) for t in created)},
    )
    return created


@transaction.atomic
def merge_tasks(tasks: Sequence[Task], *, actor: Any) -> Task:
    """Merge tasks into the first: requirements joined, units united; the others withdrawn."""
    if (
        len(tasks) < 2
        or len({t.plan_id for t in tasks}) != 1
        or len({t.pk for t in tasks}) != len(tasks)
    ):
        raise InvalidInput(_("请选择同一方案中的至少两项不同的任务。"))
    if any(t.withdrawn_at is not None for t in tasks):
        raise InvalidInput(_("已撤销的任务不能合并。"))
    first, others = tasks[0], tasks[1:]
    require(actor, Action.COORDINATE, organ=first.plan.organ)
    update_task(
        first,
        actor=actor,
        requirement="\n".join([first.requirement, *(t.requirement for t in others)]),
    )
    leads: list[Unit | UnitGroup] = []
    cos: list[Unit | UnitGroup] = []
    for task in tasks:
        for a in task.assignments.all():
            target = a.unit or a.group
            bucket = leads if a.role == UnitRole.LEAD else cos
            if target is not None and target not in bucket:
                bucket.append(target)
    set_task_units(first, actor=actor, lead=leads, co=[c for c in cos if c not in leads])
    for task in others:
        withdraw_task(task, actor=actor, reason=_("已合并至任务 %(seq)d") % {"seq": first.seq})
    return first


@transaction.atomic
def copy_plan_to_year(plan: Plan, *, actor: Any, year: int) -> Plan:
    """Start next year's plan from this one: categories, tasks and units kept, progress reset."""
    from gongkai.workplan.importing import default_cycles

    require(actor, Action.COORDINATE, organ=plan.organ)
    title = plan.title.replace(str(plan.year), str(year))
    if title == plan.title:
        title = f"{year}年 {plan.title}"
    if Plan.objects.filter(organ=plan.organ, year=year, title=title[:200]).exists():
        raise InvalidInput(_("%(year)d 年已有同名方案。") % {"year": year})
    copy = Plan.objects.create(
        organ=plan.organ,
        year=year,
        title=title[:200],
        cycle_kind=plan.cycle_kind,
        parent_plan=None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    categories = {
        c.pk: Category.objects.create(plan=copy, seq=c.seq, title=c.title)
        for c in plan.categories.all()
    }
    for task in plan.tasks.active().prefetch_related("assignments"):
        new = Task.objects.create(
            plan=copy,
            category=categories.get(task.category_id) if task.category_id else None,
            seq=task.seq,
            sort_order=task.sort_order,
            title=task.title,
            requirement=task.requirement,
            deadline_kind=task.deadline_kind,
            deadline_text=task.deadline_text.replace(str(plan.year), str(year)),
            due_on=_shift_year(task.due_on, year - plan.year),
            notes=task.notes,
        )
        TaskUnit.objects.bulk_create(
            [
                TaskUnit(
                    task=new,
                    role=a.role,
                    unit_id=a.unit_id,
                    group_id=a.group_id,
                    written_as=a.written_as,
                    note=a.note,
                )
                for a in task.assignments.all()
            ]
        )
    for seq, spec in enumerate(default_cycles(copy.cycle_kind, year=year, start=None), start=1):
        Cycle.objects.create(
            plan=copy, seq=seq, title=spec.title, starts_on=spec.starts_on, closes_on=spec.closes_on
        )
    record_event(
        "workplan.plan.copied",
        actor=actor,
        obj=copy,
        organ_id=plan.organ_id,
        changes={"from_plan": plan.pk, "year": year},
    )
    return copy


def _shift_year(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def link_plan(plan: Plan, *, actor: Any, parent: Plan | None) -> Plan:
    """Record that ``plan`` carries out ``parent`` (e.g. the city's plan for its departments)."""
    require(actor, Action.COORDINATE, organ=plan.organ)
    if parent is not None:
        require(actor, Action.VIEW, organ=parent.organ)
        if parent.pk == plan.pk or parent.organ_id != plan.organ.supervisor_id:
            raise InvalidInput(_("上级方案必须是上级机关的方案。"), details={"field": "parent"})
    plan.parent_plan = parent
    plan.save(update_fields=["parent_plan"])
    record_event(
        "workplan.plan.linked",
        actor=actor,
        obj=plan,
        organ_id=plan.organ_id,
        changes={"parent_plan": parent.pk if parent else None},
    )
    return plan


@transaction.atomic
def link_task(task: Task, *, actor: Any, parent: Task | None) -> Task:
    """Record that ``task`` carries out a task of the parent plan."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    if parent is not None and task.plan.parent_plan_id != parent.plan_id:
        raise InvalidInput(_("上级任务必须属于本方案所落实的上级方案。"))
    task.parent_task = parent
    task.save(update_fields=["parent_task"])
    record_event(
        "workplan.task.linked",
        actor=actor,
        obj=task,
        organ_id=task.plan.organ_id,
        changes={"parent_task": parent.pk if parent else None},
    )
    return task


@transaction.atomic
def add_task_indicator(task: Task, *, actor: Any, key: str) -> TaskIndicator:
    """Show an automatic measure from the indicator registry on a task's page (coordinators)."""
    require(actor, Action.COORDINATE, organ=task.plan.organ)
    if indicators.get(key) is None:
        raise InvalidInput(_("没有这个指标。"), details={"field": "key"})
    indicator, created = TaskIndicator.objects.get_or_create(task=task, key=key)
    if created:
        record_event("workplan.task.indicator_added", actor=actor, obj=task, changes={"key": key})
    return indicator
