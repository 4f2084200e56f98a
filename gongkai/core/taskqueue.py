"""The Redis/RQ task path (GONGKAI_TASK_BACKEND=rq): a killed worker's job is not lost.

RQ loses a job in two ways when its worker dies, and retries it in both only if the job was
given retries (RQ 3.0):

- the work horse (the forked child running the task) is killed — by the OOM killer, say — and
  the worker sees it exit (``Worker.monitor_work_horse``);
- the whole worker is killed, or its machine stops: the job stays in the queue's
  ``StartedJobRegistry`` until its heartbeat expires, and the next maintenance pass of any other
  worker takes it out as abandoned (``StartedJobRegistry.cleanup``).

``Queue`` gives every job ``GONGKAI_TASK_RETRIES`` retries. ``Worker`` spends them only on deaths
— an exception raised by the task is its result, as with the database backend, not a reason to run
it again — and keeps its heartbeats, its maintenance passes and its idle waits within
``GONGKAI_TASK_RECOVERY_SECONDS``, so that another worker takes a dead worker's job within about
one and a half times that (RQ's own timings come to 90 s and up to 10 minutes). Tasks must be
idempotent: a task killed after its last write runs once more (publishing an item again writes the
same files).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_rq.queues import DjangoRQ
from rq import Retry
from rq import Worker as RQWorker
from rq.job import Job


class Queue(DjangoRQ):
    """A queue whose jobs may run again, up to GONGKAI_TASK_RETRIES times, if a worker dies."""

    def create_job(self, *args: Any, **kwargs: Any) -> Job:
        if kwargs.get("retry") is None and settings.GONGKAI_TASK_RETRIES > 0:
            kwargs["retry"] = Retry(max=settings.GONGKAI_TASK_RETRIES)
        job: Job = super().create_job(*args, **kwargs)
        return job


class Worker(RQWorker):
    """An RQ worker that retries only jobs whose process died, and notices a dead worker's job
    within GONGKAI_TASK_RECOVERY_SECONDS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        recovery = settings.GONGKAI_TASK_RECOVERY_SECONDS
        # The running job's heartbeat (every quarter of the recovery time) keeps it for the whole
        # recovery time; maintenance runs every half of it, and an idle worker wakes for it.
        kwargs["job_monitoring_interval"] = max(1, recovery // 4)
        kwargs["maintenance_interval"] = max(1, recovery // 2)
        kwargs["worker_ttl"] = max(1, recovery // 2) + 15  # RQ waits worker_ttl - 15 for a job
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """Keep the running job for GONGKAI_TASK_RECOVERY_SECONDS past each heartbeat (RQ: 60 s
        past the next one), or until its timeout."""
        grace = int(settings.GONGKAI_TASK_RECOVERY_SECONDS) - int(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - working_time
            return int(min(remaining, self.job_monitoring_interval)) + grace
        return int(self.job_monitoring_interval) + grace

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        """Record the task's exception as its result: a task that raises is not run again."""
        job.retries_left = 0
        super().handle_exception(job, *exc_info)
