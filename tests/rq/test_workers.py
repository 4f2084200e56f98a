"""The scale-out install's task path: Redis, RQ and two ``gongkai worker`` processes.

A publication and a reminder run are carried out by a worker process (named in the task's
result); a worker killed mid-task, with its work horse, leaves the job to the other worker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.rq.conftest import NAMES, Workers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _finished(task: Any, result_id: str) -> Any:
    """The task's result once it has finished (successfully or not), else None."""
    from django_tasks import TaskResultStatus

    result = task.get_result(result_id)
    if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        return result
    return None


def test_a_publication_is_written_by_a_worker_process(rq_tasks: Workers, world: Any) -> None:
    from django.conf import settings
    from django_tasks import TaskResultStatus
    from django_tasks.signals import task_enqueued

    from gongkai.disclosure.catalogue import ensure_catalogue
    from gongkai.disclosure.tests.test_workflow import _draft, _through
    from gongkai.publishing.tasks import publish_item_task

    enqueued: list[Any] = []

    def remember(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result)

    task_enqueued.connect(remember)
    try:
        nodes = {n.code: n for n in ensure_catalogue(world.organ)}
        item = _through(_draft(world, nodes, title="关于公布2026年权责清单的通知"), world)
    finally:
        task_enqueued.disconnect(remember)

    [queued] = [r for r in enqueued if r.task.name == publish_item_task.name]
    assert queued.args == [item.pk]
    page = Path(settings.GONGKAI_SITE_ROOT) / "xxgk" / "items" / f"{item.pk}.html"
    result = wait_for(
        "the publication",
        lambda: _finished(publish_item_task, queued.id),
        seconds=60,
        logs=rq_tasks.logs,
    )
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value > 0  # files written
    assert len(result.worker_ids) == 1
    assert result.worker_ids[0] in NAMES
    assert "关于公布2026年权责清单的通知" in page.read_text(encoding="utf-8")


def test_a_reminder_run_is_recorded_by_a_worker_process(rq_tasks: Workers, demo_data: Any) -> None:
    from django_tasks import TaskResultStatus

    from gongkai.core.time import today_local
    from gongkai.workplan import services
    from gongkai.workplan.models import Notification, Plan
    from gongkai.workplan.tasks import send_reminders_task

    today = today_local()
    plan = Plan.objects.get()
    services.set_cycles(
        plan,
        actor=demo_data.users["coordinator"],
        kind="custom",
        custom=[("本期", today - dt.timedelta(days=20), today + dt.timedelta(days=1))],
    )
    assert not Notification.objects.filter(kind="reminder").exists()

    queued = send_reminders_task.enqueue()
    result = wait_for(
        "the reminder run",
        lambda: _finished(send_reminders_task, queued.id),
        seconds=60,
        logs=rq_tasks.logs,
    )
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value["reminders"] > 0
    assert result.worker_ids[0] in NAMES
    assert Notification.objects.filter(kind="reminder").count() == result.return_value["reminders"]
