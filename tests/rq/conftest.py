"""Two real ``gongkai worker`` processes on Redis (GONGKAI_TASK_BACKEND=rq) and the test database.

The workers use Redis database 15 (``GONGKAI_TEST_REDIS_URL``), flushed before and after, so a
developer's queues are left alone, and the test process's database (the SQLite file of
``settings_test``, or PostgreSQL's test database): the tests are transactional, so what the test
commits the workers see, and what they write the test reads. Where Redis is not reachable the
tests are skipped on a developer's machine but fail under CI (``CI`` or
``GONGKAI_REQUIRE_REDIS`` set), so a green CI always means they ran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("GONGKAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NAMES = (f"gk-test-a-{os.getpid()}", f"gk-test-b-{os.getpid()}")  # unique among live workers
# How long a silent worker's job waits for another worker (GONGKAI_TASK_RECOVERY_SECONDS).
RECOVERY_SECONDS = 4
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def _redis_reachable() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:  # any failure to connect means: not here
        return False


def _redis_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("GONGKAI_REQUIRE_REDIS"))


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    ours = [item for item in items if "tests/rq/" in str(item.fspath)]
    for item in ours:
        item.add_marker(pytest.mark.rq)
    if not ours or _redis_required() or _redis_reachable():
        return  # under CI an unreachable Redis fails each test in the ``redis`` fixture
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=f"Redis not reachable at {REDIS_URL}"))


def wait_for(
    what: str, check: Callable[[], Any], *, seconds: float, logs: Path | None = None
) -> Any:
    """Poll ``check`` until it returns something true; fail naming ``what`` (and the logs)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = ""
            if logs is not None:
                tail = "\n".join(
                    f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
                    for log in sorted(logs.glob("*.log"))
                )
            pytest.fail(f"gave up after {seconds} s waiting for {what}\n{tail}")
        time.sleep(0.1)


class Workers:
    """The worker processes, by name: started, killed and restarted by the tests."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [BIN / "gongkai", "worker", "--name", name],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def registered(self) -> set[str]:
        from rq import Worker

        return {worker.name for worker in Worker.all(connection=_redis())}

    def wait_registered(self, names: tuple[str, ...] = NAMES) -> None:
        wait_for(
            f"workers {names} to listen",
            lambda: set(names) <= self.registered(),
            seconds=90,
            logs=self.logs,
        )

    def ensure_running(self) -> None:
        """Restart any worker a test killed, and wait until all listen."""
        from rq import Worker

        for name in NAMES:
            if self.processes[name].poll() is not None:
                # A killed worker stays registered until its key expires, and RQ refuses a new
                # worker of the same name until then: record its death first.
                dead = Worker.find_by_key(f"rq:worker:{name}", connection=_redis())
                if dead is not None:
                    dead.register_death()
                self.start(name)
        self.wait_registered()

    def kill(self, name: str, *pids: int) -> None:
        """SIGKILL the worker ``name`` and the other processes ``pids`` (its work horse)."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _database_url() -> str:
    """The test database, as a URL the worker processes' settings read (DATABASE_URL)."""
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    user = quote(config.get("USER") or "")
    password = config.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    return (
        f"postgres://{auth}{config.get('HOST') or ''}:{config.get('PORT') or 5432}/{config['NAME']}"
    )


@pytest.fixture(scope="module")
def redis() -> Iterator[Any]:
    """Redis database 15, empty before and after the module."""
    if not _redis_reachable():
        pytest.fail(f"Redis is required under CI but not reachable at {REDIS_URL}")
    connection = _redis()
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture(scope="module")
def workers(
    redis: Any,
    django_db_setup: Any,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Workers]:
    """Two ``gongkai worker`` processes (RQ), on the test database, publishing into a site root
    of the module's own."""
    from django.conf import settings

    with django_db_blocker.unblock():
        database_url = _database_url()
    logs = tmp_path_factory.mktemp("worker-logs")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),  # the test-only tasks (tests.rq.tasks)
        "DATABASE_URL": database_url,
        "GONGKAI_VAR_DIR": str(settings.VAR_DIR),
        "GONGKAI_TASK_BACKEND": "rq",
        "GONGKAI_REDIS_URL": REDIS_URL,
        "GONGKAI_TASK_RECOVERY_SECONDS": str(RECOVERY_SECONDS),
        "GONGKAI_SITE_ROOT": str(tmp_path_factory.mktemp("rq-site") / "site"),
        "GONGKAI_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    pool = Workers(env, logs)
    for name in NAMES:
        pool.start(name)
    try:
        pool.wait_registered()
        yield pool
    finally:
        pool.stop()


@pytest.fixture
def rq_tasks(workers: Workers, settings: Any) -> Workers:
    """This test enqueues to Redis database 15, and both workers listen there."""
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.GONGKAI_SITE_ROOT = Path(workers.env["GONGKAI_SITE_ROOT"])
    workers.ensure_running()
    return workers
