"""What the work-plan services share: a task's assignment to its units and who is
told of a change.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import Membership, Organ, Unit, User
from gongkai.workplan.choices import ReportStatus, ReviewStatus, UnitRole
from gongkai.workplan.models import (
    Notification,
    ProgressReport,
    Task,
    TaskUnit,
)


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
