"""deploy/nginx.conf made runnable by an unprivileged nginx in a scratch directory: the same
server block (locations, headers, ``gzip_static``, the item-page mapping) pointed at a given
site root, port and application port. The tests and the serving benchmark run the deployed
configuration through it, not a copy of it."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

DEPLOY_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def local_conf(
    work: Path, site: Path, *, port: int, app_port: int, media: Path | None = None
) -> Path:
    """Write an nginx.conf under ``work`` serving ``site`` on 127.0.0.1:``port`` and proxying
    to the application on ``app_port``; the static files are taken from ``site/static/``, the
    uploads from ``media`` (default ``site/media/``)."""
    server = DEPLOY_CONF.read_text(encoding="utf-8")
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /srv/gongkai/var/site;", f"root {site};"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}"),
        ("/srv/gongkai/var/static/", f"{site}/static/"),
        ("/srv/gongkai/var/media/", f"{media or site / 'media'}/"),
        ("/srv/gongkai/deploy/", f"{DEPLOY_CONF.parent}/"),
    ):
        if old not in server:
            raise ValueError(f"deploy/nginx.conf no longer has {old!r}")
        server = server.replace(old, new)  # every occurrence
    conf = work / "nginx.conf"
    # Started by root, nginx's workers would drop to "nobody", who cannot read a private
    # scratch directory: they keep the starting user (a local run, never a deployment).
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n"
        f" fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi;\n"
        f" scgi_temp_path {work}/scgi;\n"
        f"{server}\n}}\n",
        encoding="utf-8",
    )
    return conf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_nginx(
    work: Path, site: Path, *, app_port: int, media: Path | None = None
) -> Iterator[int]:
    """Run deploy/nginx.conf (through ``local_conf``) until the block ends; yield its port."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (make nginx installs Debian's)")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = local_conf(work, site, port=port, app_port=app_port, media=media)
    server = subprocess.Popen(  # noqa: S603 - a fixed binary and our own configuration
        [NGINX, "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = work / "error.log"
                    raise RuntimeError(
                        log.read_text() if log.exists() else "nginx did not start"
                    ) from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def raw_get(port: int, target: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``target`` exactly as written (no normalising, no quoting) from 127.0.0.1:``port``;
    header names lower-cased, repeated headers joined with a newline."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders()
        response = connection.getresponse()
        seen: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            seen[key] = f"{seen[key]}\n{value}" if key in seen else value
        return response.status, seen, response.read()
    finally:
        connection.close()
