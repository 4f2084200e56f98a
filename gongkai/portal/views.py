"""The public home page (published to a file by the publisher like every public page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.publishing.selectors import active_organs, newest_published

HOME_LATEST = 10


def home_view(request: HttpRequest) -> HttpResponse:
    """The public home page: the organs hosted on this installation."""
    organs = active_organs()
    latest = newest_published(HOME_LATEST)
    return render(
        request,
        "portal/home.html",
        {"organs": organs, "organ": organs[0] if organs else None, "latest": latest},
    )
