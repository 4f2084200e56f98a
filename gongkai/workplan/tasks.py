"""Background tasks of the work-plan tracker."""

from __future__ import annotations

from django_tasks import task

from gongkai.core.actors import SYSTEM
from gongkai.core.time import today_local


@task()
def send_reminders_task() -> dict[str, int]:
    """Send today's reminders and escalations (run daily by a timer or `gongkai send_reminders`)."""
    from gongkai.workplan.services import send_reminders

    return send_reminders(today=today_local(), actor=SYSTEM)
