"""Tasks for the worker tests only: one that waits to be killed, one that raises.

The worker processes import this module by its path (``tests.rq.tasks``), with the project
directory on their ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hold_task(marker: str) -> str:
    """Note the worker and process that run it in ``<marker>.started``, wait while
    ``<marker>.hold`` exists (a minute at most), then write the worker's name to ``marker``."""
    worker = os.environ.get("RQ_WORKER_ID", "")
    path = Path(marker)
    with path.with_suffix(".started").open("a", encoding="utf-8") as started:
        started.write(f"{worker} {os.getpid()}\n")
    deadline = time.monotonic() + 60
    while path.with_suffix(".hold").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    path.write_text(worker, encoding="utf-8")
    return worker


@task()
def failing_task(marker: str) -> None:
    """Count its runs in ``marker``, then raise."""
    with Path(marker).open("a", encoding="utf-8") as runs:
        runs.write("run\n")
    raise RuntimeError("fails on purpose")
