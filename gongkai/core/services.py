"""Writes of the core app: the life of an import job (progress and per-row errors), and the
recovery of background tasks whose worker died."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.models import ImportJob, ImportRowError


@transaction.atomic
def create_import_job(
    organ: Organ,
    *,
    actor: Any,
    kind: str,
    source_name: str = "",
    total: int = 0,
    result: dict[str, Any] | None = None,
) -> ImportJob:
    """Register an import before it runs, so its progress can be watched; ``result`` keeps what
    a later step needs (a parsed plan awaiting its preview)."""
    require(actor, Action.VIEW, organ=organ)
    job = ImportJob.objects.create(
        organ=organ,
        created_by=actor,
        kind=kind,
        source_name=source_name[:255],
        total=total,
        result=result or {},
    )
    record_event(
        "core.import.created",
        actor=actor,
        obj=job,
        changes={"kind": kind, "source": source_name, "total": total},
    )
    return job


def start_import_job(job: ImportJob, *, total: int | None = None) -> ImportJob:
    """Mark the job running (called by the job itself, outside the caller's transaction)."""
    job.status = ImportJob.Status.RUNNING
    job.started_at = timezone.now()
    fields = ["status", "started_at"]
    if total is not None:
        job.total = total
        fields.append("total")
    job.save(update_fields=fields)
    return job


def advance_import_job(job: ImportJob, *, by: int = 1) -> None:
    """Count ``by`` more rows processed; committed at once so watchers see progress."""
    ImportJob.objects.filter(pk=job.pk).update(processed=F("processed") + by)
    job.processed += by


def add_import_row_error(
    job: ImportJob, *, row: int, message: str, column: str = "", raw: str = ""
) -> ImportRowError:
    """Keep one problem found in one source row for the person who fixes the source."""
    return ImportRowError.objects.create(
        job=job, row=row, column=column[:100], message=message[:500], raw=raw
    )


@transaction.atomic
def finish_import_job(
    job: ImportJob, *, actor: Any, result: dict[str, Any] | None = None, error: str = ""
) -> ImportJob:
    """Close the job as succeeded, or as failed with ``error``; audited either way."""
    job.status = ImportJob.Status.FAILED if error else ImportJob.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.message = error[:500]
    job.result = result or {}
    if not error and job.total:
        job.processed = job.total
    job.save(update_fields=["status", "finished_at", "message", "result", "processed"])
    record_event(
        "core.import.failed" if error else "core.import.finished",
        actor=actor,
        obj=job,
        changes={"status": job.status, "processed": job.processed, "error": error},
    )
    return job


class WorkerLost(Exception):
    """Named as the error of a task given up because its worker died on every attempt."""


@dataclass
class Reclaimed:
    retried: list[str] = field(default_factory=list)  # task result ids
    abandoned: list[str] = field(default_factory=list)


def reclaim_stale_tasks(*, actor: Any, now: dt.datetime | None = None) -> Reclaimed:
    """Run again the tasks a worker claimed and never finished (database backend).

    A worker killed mid-task (SIGKILL, the OOM killer, a power cut) leaves its task RUNNING
    forever: the library's workers take only READY tasks and nothing times a claim out. A task
    RUNNING for longer than ``GONGKAI_TASK_STALE_MINUTES`` is therefore put back to READY,
    keeping the ids of the workers that claimed it (its attempts), and run again — tasks take
    ids and are idempotent, so running one twice is safe, and the timeout must exceed the
    longest task. After ``GONGKAI_TASK_MAX_ATTEMPTS`` claims it is marked FAILED instead, so a
    task that kills its worker every time does not loop. Each row changes only if it is still
    as read (another worker may reclaim or finish it meanwhile); each change is audited.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    minutes = int(settings.GONGKAI_TASK_STALE_MINUTES)
    stale_after = dt.timedelta(minutes=minutes)
    limit = int(settings.GONGKAI_TASK_MAX_ATTEMPTS)
    done = Reclaimed()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after
    ).values_list("pk", "started_at", "worker_ids", "task_path")
    for pk, started_at, worker_ids, task_path in list(stale):
        attempts = len(worker_ids or [])
        given_up = attempts >= limit
        with transaction.atomic():
            still = DBTaskResult.objects.filter(
                pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
            )
            if given_up:
                changed = still.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=_(
                        "执行该任务的后台进程中断了 %(n)d 次（每次超过 %(m)d 分钟未完成），"
                        "已不再重试。请查明原因后重新提交。"
                    )
                    % {"n": attempts, "m": minutes},
                )
            else:
                changed = still.update(status=TaskResultStatus.READY, started_at=None)
            if not changed:
                continue
            record_event(
                "core.task.abandoned" if given_up else "core.task.reclaimed",
                actor=actor,
                object_type="django_tasks_db.dbtaskresult",
                object_id=str(pk),
                object_repr=task_path.rsplit(".", 1)[-1][:200],
                changes={
                    "task_path": task_path,
                    "attempts": attempts,
                    "started_at": started_at,
                    "worker": (worker_ids or [""])[-1],
                },
            )
        (done.abandoned if given_up else done.retried).append(str(pk))
    return done
