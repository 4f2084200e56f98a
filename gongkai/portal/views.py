"""Public pages served by the application (the published site comes with the portal issue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.accounts.models import Organ


def home_view(request: HttpRequest) -> HttpResponse:
    """The public home page: the organs hosted on this installation."""
    organs = Organ.objects.filter(is_active=True).order_by("supervisor_id", "name")
    return render(request, "portal/home.html", {"organs": organs, "organ": organs.first()})
