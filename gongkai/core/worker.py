"""gongkai's own loop around the database backend's worker, which recovers abandoned tasks.

django-tasks-db's worker takes READY tasks, claims each (RUNNING) and runs it; a worker that
dies mid-task leaves its task RUNNING forever, and the library has no way to time a claim out.
The loop here runs the library's worker in bounded rounds (until the queue is empty, or at most
``ROUND_TASKS`` tasks) and, before a round when a minute has passed, puts stale RUNNING tasks
back (``core.services.reclaim_stale_tasks``). The library is used as it is, not edited.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from gongkai.core.actors import SYSTEM
from gongkai.core.services import reclaim_stale_tasks

logger = logging.getLogger(__name__)
ROUND_TASKS = 100  # tasks run between two looks for stale ones, at most
RECLAIM_EVERY = 60.0  # seconds between two looks for stale tasks
STOP_SIGNALS = tuple(
    sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if sig
)


class CountingWorker(Worker):
    """The library's worker, counting the tasks one round ran."""

    ran = 0

    def run_task(self, db_task_result: Any) -> None:
        self.ran += 1
        super().run_task(db_task_result)


def worker_id() -> str:
    """This worker's id, as the task rows record it: host and process, to find it by, and a
    random part, because process ids repeat (≤ 64 characters, the library's limit)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _reclaim() -> None:
    close_old_connections()
    found = reclaim_stale_tasks(actor=SYSTEM)
    if found.retried or found.abandoned:
        logger.warning(
            "stale tasks: %d put back to run again, %d given up",
            len(found.retried),
            len(found.abandoned),
        )


def run_db_worker(*, batch: bool, interval: float = 1.0) -> None:
    """Run queued tasks of every queue until stopped (``batch``: until none is left). Stale
    RUNNING tasks are put back first and then once a minute, so a task whose worker was killed
    runs again within a minute of its timeout. SIGINT/SIGTERM stop it after the current task,
    as the library's worker does (a second signal stops it at once)."""
    # The library logs each round's start and end at INFO: once a second when idle.
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    name = worker_id()
    handlers = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    reclaimed_at = float("-inf")
    try:
        while True:
            if time.monotonic() - reclaimed_at >= RECLAIM_EVERY:
                _reclaim()
                reclaimed_at = time.monotonic()
            worker = CountingWorker(
                queue_names=["*"],
                interval=interval,
                batch=True,  # return when the queue is empty: the loop looks for stale tasks
                backend_name="default",
                startup_delay=False,
                max_tasks=ROUND_TASKS,
                worker_id=name,
                excluded_queue_names=[],
            )
            worker.configure_signals()
            worker.run()
            if not worker.running:  # stopped by a signal
                return
            if worker.ran == 0:
                if batch:
                    return
                time.sleep(interval)
    finally:  # the caller's handlers again (a command run in a longer process: tests)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
