"""The public home page (published to a file by the publisher like every public page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.accounts.models import Organ
from gongkai.disclosure.choices import ItemStatus
from gongkai.disclosure.models import DisclosureItem

HOME_LATEST = 10


def home_view(request: HttpRequest) -> HttpResponse:
    """The public home page: the organs hosted on this installation."""
    organs = Organ.objects.filter(is_active=True).order_by("supervisor_id", "name")
    latest = (
        DisclosureItem.objects.filter(status=ItemStatus.PUBLISHED, organ__is_active=True)
        .select_related("node")
        .order_by("-published_on", "-pk")[:HOME_LATEST]
    )
    return render(
        request,
        "portal/home.html",
        {"organs": organs, "organ": organs.first(), "latest": list(latest)},
    )
