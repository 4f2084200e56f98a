"""The public home page (published to a file by the publisher like every public page), and the
page of a failed CSRF check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from gongkai.accounts.models import Organ
from gongkai.foi.views import expired_application_view
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


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A post whose CSRF check failed (the page stayed open too long, cookies were cleared):
    the public application form comes back filled in, to be checked and sent again; any other
    form gets a page in its own layout that says so and links back (CSRF_FAILURE_VIEW)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name == "portal:foi_apply":
        return expired_application_view(request, **match.kwargs)
    staff = request.path_info.startswith("/staff/")
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    back = referer if referer and safe else ("/staff/" if staff else "/")
    if staff:
        return render(request, "core/csrf_failure.html", {"back": back}, status=403)
    organ_id = match.kwargs.get("organ_id") if match is not None else None
    organ = Organ.objects.filter(pk=organ_id, is_active=True).first() if organ_id else None
    return render(request, "portal/csrf_failure.html", {"back": back, "organ": organ}, status=403)
