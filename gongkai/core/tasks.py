"""Background tasks of the core app."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event, verify_chain


@task()
def verify_audit_task() -> dict[str, Any]:
    """Verify the audit chain in the background and record the outcome in the chain itself."""
    report = verify_chain()
    outcome: dict[str, Any] = {"checked": report.checked, "ok": report.ok}
    if report.problem is not None:
        outcome.update(seq=report.problem.seq, reason=report.problem.reason)
    with transaction.atomic():
        record_event(
            "core.audit.verified" if report.ok else "core.audit.verification_failed",
            actor=SYSTEM,
            changes=outcome,
        )
    return outcome
