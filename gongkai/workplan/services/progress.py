"""Progress reports with evidence and their review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.choices import Role
from gongkai.accounts.models import Unit
from gongkai.accounts.permissions import Action, can, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, UploadPolicy
from gongkai.workplan.choices import EvidenceKind, ReportStatus, ReviewStatus
from gongkai.workplan.errors import NotAssigned
from gongkai.workplan.models import (
    Cycle,
    Evidence,
    Plan,
    ProgressReport,
    Task,
)
from gongkai.workplan.services.common import (
    _notify,
    _users_with_role,
    assignment_for,
    refresh_assignment,
)

EVIDENCE_POLICY = UploadPolicy(allowed={**DOCUMENT_TYPES, **IMAGE_TYPES})


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


def can_review(user: Any, plan: Plan) -> bool:
    return can(user, Action.COORDINATE, organ=plan.organ)
