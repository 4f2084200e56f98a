"""The organ a staff request works in (当前机关), kept in the session."""

from __future__ import annotations

from django.http import HttpRequest

from gongkai.accounts.models import Organ
from gongkai.accounts.selectors import list_organs_visible_to

SESSION_KEY = "gongkai_organ_id"


def current_organ(request: HttpRequest) -> Organ | None:
    """Return the organ chosen in this session, else the user's first visible organ."""
    cached: Organ | None = getattr(request, "_gongkai_organ", None)
    if cached is not None:
        return cached
    organs = list_organs_visible_to(request.user)
    chosen = request.session.get(SESSION_KEY)
    organ = organs.filter(pk=chosen).first() if chosen else None
    if organ is None:
        organ = organs.order_by("supervisor_id", "name").first()
    request._gongkai_organ = organ  # type: ignore[attr-defined]
    return organ


def choose_organ(request: HttpRequest, organ_id: int) -> Organ | None:
    """Make ``organ_id`` the session's organ if the user may see it."""
    organ = list_organs_visible_to(request.user).filter(pk=organ_id).first()
    if organ is not None:
        request.session[SESSION_KEY] = organ.pk
        request._gongkai_organ = organ  # type: ignore[attr-defined]
    return organ
