"""Background tasks of the workdays app."""

from __future__ import annotations

from django_tasks import task

from gongkai.core.actors import SYSTEM


@task()
def recompute_open_clocks_task() -> int:
    """Recompute every open clock's due date and state (after a calendar change; daily)."""
    from gongkai.workdays.services import recompute_open_clocks

    return recompute_open_clocks(actor=SYSTEM)
