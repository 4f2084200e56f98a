"""Staff pages of the work-plan tracker."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Organ
from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.core import services as core_services
from gongkai.core.errors import DomainError, InvalidInput
from gongkai.core.models import ImportJob
from gongkai.core.selectors import get_import_job
from gongkai.core.time import today_local
from gongkai.lib.documents import UnreadableDocument
from gongkai.workplan import exports, indicators, services
from gongkai.workplan.forms import (
    MappingForm,
    PlanUploadForm,
    ReasonForm,
    ReportForm,
    ReviewForm,
    SplitForm,
    TaskForm,
    parse_target,
)
from gongkai.workplan.importing import import_plan, resolve_names
from gongkai.workplan.models import Evidence, Notification, ProgressReport
from gongkai.workplan.parsing.plan import ParsedPlan, parse_plan
from gongkai.workplan.parsing.sources import blocks_text, read_blocks
from gongkai.workplan.selectors import (
    current_cycle,
    get_dashboard,
    get_plan,
    get_task,
    list_my_tasks,
    list_plans,
    list_reports,
    list_task_rows,
    reporting_units,
    task_status,
)

MAX_PLAN_BYTES = 20 * 1024 * 1024


def _organ(request: HttpRequest) -> Organ:
    organ = current_organ(request)
    if organ is None:
        raise Http404
    return organ


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


@login_required
def plans_view(request: HttpRequest) -> HttpResponse:
    organ = _organ(request)
    plans = list_plans(request.user, organ=organ, year=_year(request), include_supervised=True)
    return render(
        request,
        "workplan/plans.html",
        {
            "organ": organ,
            "plans": plans,
            "can_import": can(request.user, Action.COORDINATE, organ=organ),
        },
    )


@login_required
def import_upload_view(request: HttpRequest) -> HttpResponse:
    """Step 1: upload or paste a plan; it is parsed and kept for the preview."""
    organ = _organ(request)
    if not can(request.user, Action.COORDINATE, organ=organ):
        raise Http404
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                if (upload.size or 0) > MAX_PLAN_BYTES:
                    raise UnreadableDocument(_("文件过大，上限为 20 MB。"))
                data, name = upload.read(), upload.name or "plan"
            else:
                data, name = form.cleaned_data["text"].encode("utf-8"), _("粘贴的文本")
            blocks = read_blocks(data)
        except UnreadableDocument as exc:
            form.add_error("file", str(exc))
        else:
            parsed = parse_plan(blocks)
            job = core_services.create_import_job(
                organ,
                actor=request.user,
                kind="plan",
                source_name=name,
                total=len(parsed.tasks),
                result={"parsed": parsed.as_json(), "source_text": blocks_text(blocks)},
            )
            return redirect("workplan:import_preview", pk=job.pk)
    return render(
        request, "workplan/import_upload.html", {"form": form}, status=400 if form.errors else 200
    )


def _preview_job(request: HttpRequest, pk: int) -> tuple[ImportJob, ParsedPlan]:
    job = get_import_job(request.user, pk)
    if job is None or job.kind != "plan" or "parsed" not in job.result:
        raise Http404
    if not can(request.user, Action.COORDINATE, organ=job.organ):
        raise Http404
    return job, ParsedPlan.from_json(job.result["parsed"])


@login_required
def import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: the table, the warnings and the unit mapping; confirm to save."""
    job, parsed = _preview_job(request, pk)
    organ = job.organ
    resolved = resolve_names(organ, parsed)
    unknown = [n for n, t in resolved.items() if t is None]
    form = MappingForm(request.POST or None, organ=organ, names=unknown)
    if job.status == ImportJob.Status.SUCCEEDED and job.result.get("plan_id"):
        return redirect("workplan:plan", pk=job.result["plan_id"])
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping(organ)
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.status != ImportJob.Status.PENDING:
                    return redirect("workplan:plans")  # confirmed twice: the first one saved
                core_services.start_import_job(job)
                plan = import_plan(
                    organ,
                    parsed,
                    actor=request.user,
                    source_name=job.source_name,
                    source_text=job.result.get("source_text", ""),
                    mapping=mapping,
                    cycle_kind=form.cleaned_data["cycle_kind"],
                )
                job.result["plan_id"] = plan.pk
                core_services.finish_import_job(job, actor=request.user, result=job.result)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("已导入“%(title)s”：%(n)d 项任务。")
                % {"title": plan.title, "n": len(parsed.tasks)},
            )
            return redirect("workplan:plan", pk=plan.pk)
    titles = {c.seq: c.title for c in parsed.categories}
    return render(
        request,
        "workplan/import_preview.html",
        {
            "job": job,
            "parsed": parsed,
            "form": form,
            "titles": titles,
            "resolved": {n: t for n, t in resolved.items() if t is not None},
        },
        status=400 if form.errors else 200,
    )


@login_required
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request.user, pk)
    if plan is None:
        raise Http404
    today = today_local()
    rows = list_task_rows(plan, today=today)
    coordinator = can(request.user, Action.COORDINATE, organ=plan.organ)
    add_form = TaskForm(prefix="add", plan=plan) if coordinator else None
    parent_choices = (
        list_plans(request.user, organ=plan.organ.supervisor, year=plan.year)
        if plan.organ.supervisor
        else []
    )
    return render(
        request,
        "workplan/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "cycles": plan.cycles.all(),
            "coordinator": coordinator,
            "current": current_cycle(plan, today=today),
            "add_form": add_form,
            "child_plans": [
                c
                for c in plan.child_plans.select_related("organ")
                if can(request.user, Action.VIEW, organ=c.organ)
            ],
            "parent_choices": parent_choices,
        },
    )


@login_required
@require_POST
def plan_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task, copy the plan to next year, or link it to the plan it carries out."""
    plan = get_plan(request.user, pk)
    if plan is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "add":
            form = TaskForm(request.POST, prefix="add", plan=plan)
            if not form.is_valid():
                messages.error(request, _("新增任务失败：请填写具体要求。"))
                return redirect("workplan:plan", pk=plan.pk)
            data = form.cleaned_data
            lead = [t for v in data["lead"] if (t := parse_target(v, plan.organ))]
            co = [t for v in data["co"] if (t := parse_target(v, plan.organ))]
            task = services.add_task(
                plan,
                actor=request.user,
                requirement=data["requirement"],
                category=data["category"],
                title=data["title"],
                deadline_text=data["deadline_text"],
                lead=lead,
                co=co,
            )
            messages.success(request, _("已新增任务 %(seq)d。") % {"seq": task.seq})
        elif action == "copy":
            copy = services.copy_plan_to_year(plan, actor=request.user, year=plan.year + 1)
            messages.success(request, _("已复制为 %(year)d 年方案。") % {"year": copy.year})
            return redirect("workplan:plan", pk=copy.pk)
        elif action == "link":
            parent_id = request.POST.get("parent", "")
            parent = get_plan(request.user, int(parent_id)) if parent_id.isdigit() else None
            services.link_plan(plan, actor=request.user, parent=parent)
            messages.success(request, _("已更新所落实的上级方案。"))
        elif action == "merge":
            seqs = [
                int(s)
                for s in re.split(r"[，,、\s]+", request.POST.get("seqs", ""))
                if s.isdigit() and len(s) <= 4
            ]
            if len(seqs) != len(set(seqs)):
                raise InvalidInput(_("合并的任务序号不能重复。"))
            matching = list(plan.tasks.active().filter(seq__in=seqs))
            if len(matching) != len({t.seq for t in matching}):
                raise InvalidInput(_("方案中有重复的序号，请在任务页面逐项处理。"))
            by_seq = {t.seq: t for t in matching}
            if len(by_seq) != len(set(seqs)):
                raise InvalidInput(
                    _("找不到序号为 %(s)s 的有效任务。")
                    % {"s": "、".join(str(s) for s in seqs if s not in by_seq)}
                )
            merged = services.merge_tasks([by_seq[s] for s in seqs], actor=request.user)
            messages.success(request, _("已合并至任务 %(seq)d。") % {"seq": merged.seq})
        elif action == "cycles":
            custom = _parse_custom_cycles(request.POST.get("custom", ""))
            services.set_cycles(
                plan, actor=request.user, kind=request.POST.get("kind", ""), custom=custom
            )
            messages.success(request, _("报送周期已更新。"))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("workplan:plan", pk=plan.pk)


def _parse_custom_cycles(text: str) -> list[tuple[str, dt.date, dt.date]]:
    """Read lines ``名称,开始日期,截止日期`` (dates YYYY-MM-DD)."""
    cycles = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[，,\t]", line)]
        try:
            title, start, close = (
                parts[0],
                dt.date.fromisoformat(parts[1]),
                dt.date.fromisoformat(parts[2]),
            )
        except (IndexError, ValueError):
            raise InvalidInput(
                _(
                    "第 %(n)d 行格式应为：名称,开始日期,截止日期（如 第一次,2026-01-01,"
                    "2026-03-31）。"
                )
                % {"n": number},
                details={"field": "custom"},
            ) from None
        cycles.append((title, start, close))
    return cycles


@login_required
def export_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = get_plan(request.user, pk)
    if plan is None:
        raise Http404
    rows = list_task_rows(plan, today=today_local())
    reports: dict[int, list[ProgressReport]] = {}
    for report in (
        ProgressReport.objects.filter(task__plan=plan)
        .select_related("unit")
        .order_by("-submitted_at", "-pk")
    ):
        reports.setdefault(report.task_id, []).append(report)
    for row in rows:
        row.task._prefetched_objects_cache["reports"] = reports.get(row.task.pk, [])  # type: ignore[attr-defined]
    makers = {
        "progress.xlsx": (exports.progress_xlsx, "xlsx"),
        "progress.docx": (exports.progress_docx, "docx"),
        "plan.xlsx": (exports.plan_xlsx, "xlsx"),
    }
    if kind not in makers:
        raise Http404
    maker, ext = makers[kind]
    content_types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = HttpResponse(maker(plan, rows), content_type=content_types[ext])
    filename = f"plan-{plan.pk}-{kind.replace('.', '-')}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def task_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A task: requirement, units, deadline, indicators, report history, report and review."""
    task = get_task(request.user, pk)
    if task is None:
        raise Http404
    plan = task.plan
    today = today_local()
    units = reporting_units(task, request.user)
    coordinator = can(request.user, Action.COORDINATE, organ=plan.organ)
    report_form = None
    if units and task.withdrawn_at is None:
        cycle = current_cycle(plan, today=today)
        report_form = ReportForm(
            request.POST or None,
            request.FILES or None,
            units=units,
            plan=plan,
            initial={"cycle": cycle},
        )
        if (
            request.method == "POST"
            and request.POST.get("form") == "report"
            and report_form.is_valid()
        ):
            data = report_form.cleaned_data
            unit = next(u for u in units if str(u.pk) == data["unit"])
            try:
                services.submit_report(
                    task,
                    actor=request.user,
                    unit=unit,
                    cycle=data["cycle"],
                    status=data["status"],
                    text=data["text"],
                    urls=data["urls"],
                    files=data["attachments"],
                )
            except DomainError as error:
                report_form.add_domain_error(error)
            else:
                messages.success(request, _("进展已报送，等待公开办审核。"))
                return redirect("workplan:task", pk=task.pk)
    edit_form = None
    if coordinator:
        assignments = list(task.assignments.all())
        initial: dict[str, Any] = {
            "category": task.category,
            "title": task.title,
            "requirement": task.requirement,
            "deadline_text": task.deadline_text,
            "lead": [
                f"unit:{a.unit_id}" if a.unit_id else f"group:{a.group_id}"
                for a in assignments
                if a.role == "lead"
            ],
            "co": [
                f"unit:{a.unit_id}" if a.unit_id else f"group:{a.group_id}"
                for a in assignments
                if a.role == "co"
            ],
        }
        edit_form = TaskForm(
            request.POST if request.POST.get("form") == "edit" else None, plan=plan, initial=initial
        )
        if request.method == "POST" and request.POST.get("form") == "edit" and edit_form.is_valid():
            data = edit_form.cleaned_data
            try:
                with transaction.atomic():
                    services.update_task(
                        task,
                        actor=request.user,
                        category=data["category"],
                        title=data["title"],
                        requirement=data["requirement"],
                        deadline_text=data["deadline_text"],
                    )
                    lead = [t for v in data["lead"] if (t := parse_target(v, plan.organ))]
                    co = [t for v in data["co"] if (t := parse_target(v, plan.organ))]
                    services.set_task_units(task, actor=request.user, lead=lead, co=co)
            except DomainError as error:
                edit_form.add_domain_error(error)
            else:
                messages.success(request, _("任务已更新。"))
                return redirect("workplan:task", pk=task.pk)
    assignments = list(task.assignments.select_related("unit", "group"))
    status = task_status(assignments)
    invalid = bool((report_form and report_form.errors) or (edit_form and edit_form.errors))
    return render(
        request,
        "workplan/task.html",
        {
            "task": task,
            "plan": plan,
            "assignments": assignments,
            "status": status,
            "reports": list_reports(task),
            "report_form": report_form,
            "edit_form": edit_form,
            "coordinator": coordinator,
            "review_form": ReviewForm(),
            "indicator_values": indicators.values_for(task, today=today),
            "available_indicators": indicators.available(),
            "split_form": SplitForm(),
            "reason_form": ReasonForm(),
            "children": [
                c
                for c in task.child_tasks.select_related("plan__organ")
                if can(request.user, Action.VIEW, organ=c.plan.organ)
            ],
            "parent_tasks": task.plan.parent_plan.tasks.active() if task.plan.parent_plan else [],
        },
        status=400 if invalid else 200,
    )


@login_required
@require_POST
def task_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinator actions on a task: review, withdraw, move, split, link, indicators."""
    task = get_task(request.user, pk)
    if task is None:
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action in ("accept", "return"):
            report_id = request.POST.get("report", "")
            if not report_id.isdigit():
                raise Http404
            report = get_object_or_404(ProgressReport, pk=int(report_id), task=task)
            services.review_report(
                report,
                actor=request.user,
                accept=action == "accept",
                comment=request.POST.get("comment", ""),
            )
        elif action == "withdraw":
            services.withdraw_task(task, actor=request.user, reason=request.POST.get("reason", ""))
        elif action in ("up", "down"):
            services.move_task(task, actor=request.user, up=action == "up")
            return redirect("workplan:plan", pk=task.plan_id)
        elif action == "split":
            parts = request.POST.get("parts", "").splitlines()
            services.split_task(task, actor=request.user, parts=parts)
            return redirect("workplan:plan", pk=task.plan_id)
        elif action == "link":
            parent_id = request.POST.get("parent", "")
            parent = get_task(request.user, int(parent_id)) if parent_id.isdigit() else None
            services.link_task(task, actor=request.user, parent=parent)
        elif action == "indicator":
            services.add_task_indicator(task, actor=request.user, key=request.POST.get("key", ""))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已完成。"))
    return redirect("workplan:task", pk=task.pk)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    organ = _organ(request)
    plan_id = request.GET.get("plan", "")
    board = get_dashboard(
        request.user,
        organ=organ,
        today=today_local(),
        year=_year(request),
        plan_id=int(plan_id) if plan_id.isdigit() else None,
    )
    years = sorted(
        {p.year for p in list_plans(request.user, organ=organ, include_supervised=True)},
        reverse=True,
    )
    return render(
        request,
        "workplan/dashboard.html",
        {
            "organ": organ,
            "board": board,
            "years": years,
            "year": _year(request),
            "plan_id": plan_id,
            "all_plans": list_plans(request.user, organ=organ, include_supervised=True),
        },
    )


@login_required
def my_tasks_view(request: HttpRequest) -> HttpResponse:
    organ = _organ(request)
    rows = list_my_tasks(request.user, organ=organ, today=today_local())
    return render(request, "workplan/my_tasks.html", {"organ": organ, "rows": rows})


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        services.mark_notifications_read(user)
        return redirect("workplan:notifications")
    notices = Notification.objects.filter(user=user)[:200]
    return render(request, "workplan/notifications.html", {"notices": notices})


@login_required
def evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    """Download an evidence attachment, for staff who may see the task's organ."""
    evidence = get_object_or_404(Evidence.objects.select_related("report__task"), pk=pk)
    if not evidence.file or get_task(request.user, evidence.report.task_id) is None:
        raise Http404
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or "evidence",
    )
