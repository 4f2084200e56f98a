"""Writes of the work-plan tracker: progress reports, reviews, task edits,
reminders.
"""

from __future__ import annotations

from gongkai.workplan.services.common import (
    _notify,
    _users_with_role,
    assignment_for,
    refresh_assignment,
)
from gongkai.workplan.services.progress import (
    EVIDENCE_POLICY,
    can_review,
    review_report,
    submit_report,
)
from gongkai.workplan.services.reminders import (
    mark_notifications_read,
    send_reminders,
    set_cycles,
)
from gongkai.workplan.services.tasks import (
    TASK_FIELDS,
    _apply_deadline,
    _shift_year,
    _task_snapshot,
    add_task,
    add_task_indicator,
    copy_plan_to_year,
    link_plan,
    link_task,
    merge_tasks,
    move_task,
    set_task_units,
    split_task,
    update_task,
    withdraw_task,
)

__all__ = [
    "EVIDENCE_POLICY",
    "TASK_FIELDS",
    "_apply_deadline",
    "_notify",
    "_shift_year",
    "_task_snapshot",
    "_users_with_role",
    "add_task",
    "add_task_indicator",
    "assignment_for",
    "can_review",
    "copy_plan_to_year",
    "link_plan",
    "link_task",
    "mark_notifications_read",
    "merge_tasks",
    "move_task",
    "refresh_assignment",
    "review_report",
    "send_reminders",
    "set_cycles",
    "set_task_units",
    "split_task",
    "submit_report",
    "update_task",
    "withdraw_task",
]
