"""The embedded server as `gongkai serve` runs it (gunicorn over config.wsgi), for tests that
must see what a client sees over HTTP rather than what Django's test client or the test live
server (which serves MEDIA_URL itself) would show."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from gongkai.publishing.nginx import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@contextlib.contextmanager
def running_app(var_dir: Path, **env: str) -> Iterator[int]:
    """gunicorn with the production settings, its var directory (database, media, site) at
    ``var_dir`` and ``env`` added to the environment; yield its port."""
    port = free_port()
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GONGKAI_VAR_DIR": str(var_dir),
        **env,
    }
    environ.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    _out, err = server.communicate()
                    raise RuntimeError(err.decode(errors="replace")[-3000:]) from None
                time.sleep(0.1)
        yield port
    finally:
        if server.poll() is None:
            server.terminate()
        server.communicate(timeout=15)
