"""`gongkai worker` runs queued tasks from the database backend."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

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
