"""`gongkai serve` (what `make demo` runs) serves the login page, static files and the worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode("utf-8")


def test_serve_starts_web_and_worker_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([BIN / "gongkai", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "gongkai", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/staff/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert status == 200
        assert "登录政务公开工作平台" in body
        css_status, css = _get(f"http://127.0.0.1:{port}/static/gongkai/staff.css")
        assert css_status == 200
        assert "--brand" in css
        processes = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(server.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        assert "worker" in processes
        assert "gunicorn" in processes
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode is not None
