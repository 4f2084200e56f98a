"""Serving benchmark: the same published page from the application (embedded mode) and from
nginx with deploy/nginx.conf, requests/s side by side (wrk, 2 threads, 50 connections, 10 s).

    python -m bench.serving

Needs Debian's nginx and wrk. Also checks that nginx keeps serving the page once the
application server is stopped. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import setup_django

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()  # noqa: S310 - local server
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c50", "-d10s", "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def main() -> None:
    if not (shutil.which("nginx") and shutil.which("wrk")):
        json.dump({"error": "nginx and wrk are needed (apt-get install nginx wrk)"}, sys.stdout)
        return
    setup_django()
    from django.core.management import call_command

    from gongkai.disclosure.models import DisclosureItem
    from gongkai.publishing.nginx import local_conf
    from gongkai.publishing.services import build_site, live_dir
    from gongkai.publishing.writer import file_for_url

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    build_site(jobs=1)
    item = DisclosureItem.objects.get(status="published")
    site = live_dir()
    page = item.public_url()
    size = (site / file_for_url(page)).stat().st_size
    work = Path(tempfile.mkdtemp(prefix="gongkai-serving-"))
    app_port, nginx_port = free_port(), free_port()
    env = {
        **os.environ,
        "GONGKAI_SITE_ROOT": str(Path(os.environ.get("GONGKAI_VAR_DIR", "var")) / "site"),
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = subprocess.Popen(
        [
            "nginx",
            "-c",
            str(local_conf(work, site.parent / site.name, port=nginx_port, app_port=app_port)),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{app_port}{page}")
        wait_for(f"http://127.0.0.1:{nginx_port}{page}")
        embedded = wrk(f"http://127.0.0.1:{app_port}{page}")
        served = wrk(f"http://127.0.0.1:{nginx_port}{page}")
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)
        with urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}{page}") as response:
            still_up = response.status == 200 and item.title in response.read().decode()
    finally:
        if app.poll() is None:
            app.kill()
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    json.dump(
        {
            "page": page,
            "page_bytes": size,
            "embedded_rps": round(embedded),
            "nginx_rps": round(served),
            "ratio": round(served / embedded, 1) if embedded else None,
            "nginx_serves_with_app_stopped": still_up,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
