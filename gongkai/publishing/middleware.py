"""Embedded mode: the application serves the published files itself, before any view runs.

A GET or HEAD for a public path is answered from the site root when the file exists (the
``.gz`` twin when the browser accepts gzip); everything else, and every dynamic path, goes on to
the views. In production nginx does the same with ``try_files`` (deploy/nginx.conf). The public
uploads (organ logos, ``/media/organ-logos/``) are served here too unless GONGKAI_SERVE_MEDIA is
off (nginx serves them); no other upload is ever served by its address.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseBase

from gongkai.core.uploads import public_media_file
from gongkai.publishing.writer import ITEM_FILE, file_for_url, safe_relative

DYNAMIC = (
    "/staff/",
    "/api/",
    "/ysqgk/",
    "/search/",
    "/workdays/",
    "/static/",
    "/media/",
    "/admin/",
)
ATOM = "application/atom+xml; charset=utf-8"
# deploy/nginx.conf gives the published files the same (a test compares the two servers).
PAGE_CACHE_CONTROL = "public, max-age=300, must-revalidate"
MEDIA_CACHE_CONTROL = "public, max-age=604800"
MEDIA = "/media/"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


class StaticSiteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in ("GET", "HEAD"):
            response = None
            if request.path.startswith(MEDIA):
                response = self._media(request) if settings.GONGKAI_SERVE_MEDIA else None
            elif not request.path.startswith(DYNAMIC):
                response = self._file(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _media(self, request: HttpRequest) -> FileResponse | None:
        target = public_media_file(Path(settings.MEDIA_ROOT), request.path[len(MEDIA) :])
        if target is None:
            return None
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        response = FileResponse(target.open("rb"), content_type=content_type)
        response["Cache-Control"] = MEDIA_CACHE_CONTROL
        return response

    def _file(self, request: HttpRequest) -> FileResponse | None:
        if ITEM_FILE.match(request.path):  # an item page's file, by its own address only
            return None
        try:
            rel = safe_relative(file_for_url(request.path) or "index.html")
        except ValueError:
            return None
        root = Path(settings.GONGKAI_SITE_ROOT)
        target = root / rel
        if not target.is_file():
            return None
        gz = target.with_name(target.name + ".gz")
        use_gz = "gzip" in request.headers.get("Accept-Encoding", "") and gz.is_file()
        atom = target.name == "feed.xml"  # the feeds' own type, as the views and nginx give
        content_type = (
            ATOM
            if atom
            else TYPES.get(target.suffix)
            or (mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        )
        handle = (gz if use_gz else target).open("rb")  # FileResponse closes it
        response = FileResponse(handle, content_type=content_type)
        if use_gz:
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
        response["Cache-Control"] = PAGE_CACHE_CONTROL
        return response
