"""Writes of the core app: the life of an import job (progress and per-row errors)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.models import ImportJob, ImportRowError


@transaction.atomic
def create_import_job(
    organ: Organ, *, actor: Any, kind: str, source_name: str = "", total: int = 0
) -> ImportJob:
    """Register an import before it runs, so its progress can be watched."""
    require(actor, Action.VIEW, organ=organ)
    job = ImportJob.objects.create(
        organ=organ, created_by=actor, kind=kind, source_name=source_name[:255], total=total
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
