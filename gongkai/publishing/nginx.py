"""deploy/nginx.conf made runnable by an unprivileged nginx in a scratch directory: the same
server block (locations, headers, ``gzip_static``, the item-page mapping) pointed at a given
site root, port and application port. The tests and the serving benchmark run the deployed
configuration through it, not a copy of it."""

from __future__ import annotations

import os
from pathlib import Path

DEPLOY_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def local_conf(work: Path, site: Path, *, port: int, app_port: int) -> Path:
    """Write an nginx.conf under ``work`` serving ``site`` on 127.0.0.1:``port`` and proxying
    to the application on ``app_port``; the static files are taken from ``site/static/``."""
    server = DEPLOY_CONF.read_text(encoding="utf-8")
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /srv/gongkai/var/site;", f"root {site};"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}"),
        ("/srv/gongkai/staticfiles/", f"{site}/static/"),
    ):
        if old not in server:
            raise ValueError(f"deploy/nginx.conf no longer has {old!r}")
        server = server.replace(old, new)
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
