"""The scale-out install's task path: Redis, RQ and two ``gongkai worker`` processes.

A publication and a reminder run are carried out by a worker process (named in the task's
result); a worker killed mid-task, with its work horse, leaves the job to the other worker.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.rq.conftest import NAMES, RECOVERY_SECONDS, Workers, wait_for

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


def _started(marker: Path) -> list[tuple[str, int]]:
    """Who started the held task so far: (worker name, work horse pid), in order."""
    path = marker.with_suffix(".started")
    if not path.exists():
        return []
    return [(w, int(pid)) for w, pid in (line.split() for line in path.read_text().splitlines())]


def test_a_job_whose_worker_is_killed_is_finished_by_the_other_worker(
    rq_tasks: Workers, tmp_path: Path
) -> None:
    """The worker and its work horse are SIGKILLed mid-task, as when its machine stops: the job
    waits out its heartbeat, then the other worker's maintenance hands it over."""
    from django_tasks import TaskResultStatus

    from tests.rq.tasks import hold_task

    marker = tmp_path / "job"
    marker.with_suffix(".hold").touch()
    queued = hold_task.enqueue(str(marker))
    [(victim, horse)] = wait_for(
        "the held task to start", lambda: _started(marker), seconds=30, logs=rq_tasks.logs
    )
    [survivor] = set(NAMES) - {victim}
    rq_tasks.kill(victim, horse)
    marker.with_suffix(".hold").unlink()

    result = wait_for(
        "the other worker to finish the job",
        lambda: _finished(hold_task, queued.id),
        seconds=5 * RECOVERY_SECONDS,
        logs=rq_tasks.logs,
    )
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert [w for w, _ in _started(marker)] == [victim, survivor]
    assert marker.read_text() == survivor
    assert result.worker_ids == [survivor]


def test_a_job_whose_work_horse_is_killed_runs_again_a_bounded_number_of_times(
    rq_tasks: Workers, settings: Any, tmp_path: Path
) -> None:
    """The work horse alone is SIGKILLed (as by the OOM killer), again and again: its worker
    puts the job back each time, until the retries are spent; then the job has failed."""
    from django_tasks import TaskResultStatus

    from tests.rq.tasks import hold_task

    marker = tmp_path / "job"
    marker.with_suffix(".hold").touch()
    queued = hold_task.enqueue(str(marker))
    attempts = settings.GONGKAI_TASK_RETRIES + 1
    for attempt in range(1, attempts + 1):
        started = wait_for(
            f"attempt {attempt}",
            lambda n=attempt: len(_started(marker)) >= n and _started(marker),
            seconds=30,
            logs=rq_tasks.logs,
        )
        os.kill(started[-1][1], signal.SIGKILL)

    result = wait_for(
        "the job to fail", lambda: _finished(hold_task, queued.id), seconds=30, logs=rq_tasks.logs
    )
    assert result.status == TaskResultStatus.FAILED
    assert len(_started(marker)) == attempts
    assert not marker.exists()
    assert all(process.poll() is None for process in rq_tasks.processes.values())


def test_a_task_that_raises_is_not_run_again(rq_tasks: Workers, tmp_path: Path) -> None:
    """An exception is the task's result, as with the database backend: one run, failed."""
    from django_tasks import TaskResultStatus

    from tests.rq.tasks import failing_task

    runs = tmp_path / "runs"
    queued = failing_task.enqueue(str(runs))
    result = wait_for(
        "the task to fail",
        lambda: _finished(failing_task, queued.id),
        seconds=30,
        logs=rq_tasks.logs,
    )
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[-1].exception_class_path == "builtins.RuntimeError"
    assert runs.read_text().splitlines() == ["run"]
