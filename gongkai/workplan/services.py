"""Writes of the work-plan tracker: progress reports, reviews, task edits, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.choices import Role
from gongkai.accounts.models import Membership, Organ, Unit, UnitGroup, User
from gongkai.accounts.permissions import Action, can, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, UploadPolicy
from gongkai.workplan.choices import EvidenceKind, ReportStatus, ReviewStatus, UnitRole
from gongkai.workplan.errors import NotAssigned
from gongkai.workplan.models import (
    Category,
    Cycle,
    Evidence,
    Notification,
    Plan,
    ProgressReport,
    Task,
    TaskUnit,
)
from gongkai.workplan.parsing.deadlines import parse_deadline

EVIDENCE_POLICY = UploadPolicy(allowed={**DOCUMENT_TYPES, **IMAGE_TYPES})


def assignment_for(task: Task, unit: Unit) -> TaskUnit | None:
    """Return the task's assignment that ``unit`` reports under (directly or through a group)."""
    direct = [a for a in task.assignments.all() if a.unit_id == unit.pk]
    if direct:
        return sorted(direct, key=lambda a: a.role != UnitRole.LEAD)[0]
    for assignment in task.assignments.all():
        if assignment.group is not None and assignment.group.resolve().filter(pk=unit.pk).exists():
            return assignment
    return None


def refresh_assignment(assignment: TaskUnit) -> TaskUnit:
    """Recompute an assignment's statuses from its reports.

    For a unit group (业务科室 …) every member unit reports for itself: the group counts as done
    only when each member's latest accepted report says so, and as reported only when each
    member has reported.
    """
    from gongkai.workplan.selectors import combine_statuses

    reports = list(assignment.reports.order_by("-submitted_at", "-pk"))
    if assignment.group is not None:
        members = [u.pk for u in assignment.group.resolve()]
    else:
        members = [assignment.unit_id] if assignment.unit_id else []
    latest: dict[int, ProgressReport] = {}
    accepted: dict[int, ProgressReport] = {}
    for report in reports:
        latest.setdefault(report.unit_id, report)
        if report.review_status == ReviewStatus.ACCEPTED:
            accepted.setdefault(report.unit_id, report)
    not_started = ReportStatus.NOT_STARTED
    assignment.status = combine_statuses(
        [latest[m].status if m in latest else not_started for m in members]
    )
    assignment.accepted_status = combine_statuses(
        [accepted[m].status if m in accepted else not_started for m in members]
    )
    newest = reports[0] if reports else None
    assignment.review_status = newest.review_status if newest else ""
    assignment.reported_at = newest.submitted_at if newest else None
    assignment.save(update_fields=["status", "accepted_status", "review_status", "reported_at"])
    return assignment


def _notify(
    users: Sequence[User],
    *,
    organ: Organ,
    kind: str,
    message: str,
    url: str = "",
    dedupe_key: str = "",
    email: bool = False,
) -> int:
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user,
                    organ=organ,
                    kind=kind,
                    message=message,
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            continue  # already told
        sent += 1
        if email and user.email:
            send_mail(
                _("政务公开工作平台提醒"),
                f"{message}\n{url}",
                None,
                [user.email],
                fail_silently=True,
            )
    return sent


def _users_with_role(organ: Organ, role: str, unit: Unit | None = None) -> list[User]:
    memberships = Membership.objects.filter(organ=organ, role=role, user__is_active=True)
    if unit is not None:
        memberships = memberships.filter(units=unit)
    return list(User.objects.filter(memberships__in=memberships).distinct())


@transaction.atomic
def submit_report(
    task: Task,
    *,
    actor: Any,
    unit: Unit,
    cycle: Cycle,
    status: str,
    text: str,
    urls: Sequence[str] = (),
    files: Sequence[UploadedFile[Any]] = (),
) -> ProgressReport:
    """File a unit's progress on a task for a cycle, with evidence; it awaits review."""
    organ = task.plan.organ
    require(actor, Action.ACT_FOR_UNIT, organ=organ, unit=unit)
    if cycle.plan_id != task.plan_id:
        raise InvalidInput(_("报送周期不属于该方案。"), details={"field": "cycle"})
    if task.withdrawn_at is not None:
        raise InvalidInput(_("该任务已撤销，不能再报送进展。"))
    if status not in ReportStatus.values:
        raise InvalidInput(_("进展状态无效。"), details={"field": "status"})
    if not text.strip():
        raise InvalidInput(_("请填写进展情况。"), details={"field": "text"})
    assignment = assignment_for(task, unit)
    if assignment is None:
        raise NotAssigned
    checked = []
    for upload in files:
        try:
            checked.append((upload, EVIDENCE_POLICY.check(upload)))
        except ValidationError as exc:
            raise InvalidInput(
                f"{upload.name}：{exc.messages[0]}", details={"field": "files"}
            ) from None
    report = ProgressReport.objects.create(
        task=task,
        cycle=cycle,
        assignment=assignment,
        unit=unit,
        status=status,
        text=text.strip(),
        submitted_by=actor,
    )
    for url in urls:
        if url.strip():
            Evidence.objects.create(report=report, kind=EvidenceKind.URL, url=url.strip()[:500])
    for upload, detected in checked:
        evidence = Evidence(
            report=report,
            kind=EvidenceKind.FILE,
            original_name=(upload.name or "")[:255],
            label=(upload.name or "")[:200],
        )
        evidence._detected_extension = detected.extension  # type: ignore[attr-defined]
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
    refresh_assignment(assignment)
    record_event(
        "workplan.report.submitted",
        actor=actor,
        obj=report,
        organ_id=organ.pk,
        changes={
            "task": task.pk,
            "unit": unit.pk,
            "cycle": cycle.pk,
            "status": status,
            "evidence": len(urls) + len(checked),
        },
    )
    _notify(
        _users_with_role(organ, Role.COORDINATOR),
        organ=organ,
        kind="report_submitted",
        message=_("%(unit)s 报送了任务 %(seq)d 的进展，待审核。")
        % {"unit": unit.name, "seq": task.seq},
        url=f"/staff/plans/tasks/{task.pk}/",
        dedupe_key=f"report:{report.pk}",
    )
    return report


@transaction.atomic
def review_report(
    report: ProgressReport, *, actor: Any, accept: bool, comment: str = ""
) -> ProgressReport:
    """Accept a report, or return it to the unit with a comment (要求补充完善)."""
    organ = report.task.plan.organ
    require(actor, Action.COORDINATE, organ=organ)
    if not accept and not comment.strip():
        raise InvalidInput(_("退回时请填写意见。"), details={"field": "comment"})
    if report.review_status != ReviewStatus.SUBMITTED:
        raise InvalidInput(_("该报告已审核。"))
    report.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()[:500]
    report.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_comment"])
    refresh_assignment(report.assignment)
    record_event(
        "workplan.report.accepted" if accept else "workplan.report.returned",
        actor=actor,
        obj=report,
        organ_id=organ.pk,
        changes={"comment": report.review_comment},
    )
    if not accept:
        _notify(
            [report.submitted_by],
            organ=organ,
            kind="report_returned",
            message=_("任务 %(seq)d 的进展被退回：%(comment)s")
            % {"seq": report.task.seq, "comment": report.review_comment},
            url=f"/staff/plans/tasks/{report.task_id}/",
            dedupe_key=f"return:{report.pk}",
        )
    return report


# --- editing --------------------------------------------------------------------------------

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


# --- supervision (督办) ----------------------------------------------------------------------


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


def can_review(user: Any, plan: Plan) -> bool:
    return can(user, Action.COORDINATE, organ=plan.organ)


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
