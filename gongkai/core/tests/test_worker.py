"""`gongkai worker` runs queued tasks from the database backend, and runs again a task that a
killed worker left RUNNING once it is older than ``GONGKAI_TASK_STALE_MINUTES``."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from gongkai.core.models import AuditEvent

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_task(world: Any) -> None:
    from django_tasks import TaskResultStatus

    from gongkai.core.tasks import verify_audit_task

    with override_settings(TASKS=DB_TASKS, GONGKAI_TASK_BACKEND="db"):
        result = verify_audit_task.enqueue()
        assert result.status == TaskResultStatus.READY
        assert not AuditEvent.objects.filter(action="core.audit.verified").exists()
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value["ok"] is True
    assert AuditEvent.objects.filter(action="core.audit.verified").count() == 1


def _claimed_by_a_dead_worker(result: Any, *, started: dt.datetime, attempts: int = 1) -> Any:
    """The task row as a worker killed mid-task leaves it: claimed (status RUNNING, its start
    time, the worker's id appended — ``DBTaskResult.claim``) and never finished."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(pk=result.id)
    for attempt in range(attempts):
        row.claim(f"killed-worker-{attempt}")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=started)
    return row


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_killed_worker_is_run_again(world: Any) -> None:
    from django_tasks import TaskResultStatus

    from gongkai.core.tasks import verify_audit_task

    with override_settings(
        TASKS=DB_TASKS, GONGKAI_TASK_BACKEND="db", GONGKAI_TASK_STALE_MINUTES=15
    ):
        result = verify_audit_task.enqueue()
        _claimed_by_a_dead_worker(result, started=timezone.now() - dt.timedelta(minutes=16))
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
    assert AuditEvent.objects.filter(action="core.audit.verified").count() == 1
    reclaimed = AuditEvent.objects.get(action="core.task.reclaimed")
    assert reclaimed.changes_data["attempts"] == 1
    assert reclaimed.object_id == str(result.id)


@pytest.mark.django_db(transaction=True)
def test_a_task_running_within_the_timeout_is_left_to_its_worker(world: Any) -> None:
    from django_tasks import TaskResultStatus

    from gongkai.core.tasks import verify_audit_task

    with override_settings(
        TASKS=DB_TASKS, GONGKAI_TASK_BACKEND="db", GONGKAI_TASK_STALE_MINUTES=15
    ):
        result = verify_audit_task.enqueue()
        _claimed_by_a_dead_worker(result, started=timezone.now() - dt.timedelta(minutes=14))
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
        result.refresh()
        assert result.status == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action="core.task.reclaimed").exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_that_keeps_killing_its_worker_fails_after_the_last_attempt(world: Any) -> None:
    from django_tasks import TaskResultStatus

    from gongkai.core.tasks import verify_audit_task

    with override_settings(TASKS=DB_TASKS, GONGKAI_TASK_BACKEND="db", GONGKAI_TASK_MAX_ATTEMPTS=3):
        result = verify_audit_task.enqueue()
        started = timezone.now() - dt.timedelta(hours=2)
        _claimed_by_a_dead_worker(result, started=started, attempts=3)
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
        result.refresh()
        assert result.status == TaskResultStatus.FAILED
        assert "3" in result.errors[0].traceback
    assert not AuditEvent.objects.filter(action="core.audit.verified").exists()
    failed = AuditEvent.objects.get(action="core.task.abandoned")
    assert failed.changes_data["attempts"] == 3
