"""Reads of organs, units and roles, filtered by what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from gongkai.accounts.choices import Role
from gongkai.accounts.models import (
    ApiToken,
    Membership,
    Organ,
    Unit,
    UnitAlias,
    UnitGroup,
    User,
)
from gongkai.accounts.permissions import (
    ROLE_ACTIONS,
    UNIT_SCOPED_ROLES,
    Action,
    can,
    roles_in,
    supervised_organ_ids,
)


def list_organs_visible_to(user: Any) -> QuerySet[Organ]:
    """Return the organs where ``user`` has a role, and those their coordinator role supervises."""
    if not getattr(user, "is_authenticated", False):
        return Organ.objects.none()
    if user.is_superuser:
        return Organ.objects.filter(is_active=True)
    memberships = Membership.objects.filter(user=user)
    direct = set(memberships.values_list("organ_id", flat=True))
    coordinating = set(memberships.filter(role=Role.COORDINATOR).values_list("organ_id", flat=True))
    ids = direct | supervised_organ_ids(coordinating)
    return Organ.objects.filter(pk__in=ids, is_active=True)


def get_organ_for(user: Any, organ_id: int) -> Organ | None:
    """Return the organ if ``user`` may see it."""
    return list_organs_visible_to(user).filter(pk=organ_id).first()


def list_units(organ: Organ, *, user: Any, include_inactive: bool = False) -> QuerySet[Unit]:
    """Return the organ's units for a user who may view the organ (none otherwise)."""
    if not can(user, Action.VIEW, organ=organ):
        return Unit.objects.none()
    units = Unit.objects.filter(organ=organ).select_related("parent")
    return units if include_inactive else units.filter(is_active=True)


def list_actable_units(organ: Organ, *, user: Any) -> QuerySet[Unit]:
    """Return the active units ``user`` may act for: all for coordinators, own for editors."""
    units = Unit.objects.filter(organ=organ, is_active=True)
    if not can(user, Action.ACT_FOR_UNIT, organ=organ):
        return units.none()
    broad = {
        role
        for role in roles_in(user, organ)
        if Action.ACT_FOR_UNIT in ROLE_ACTIONS[role] and role not in UNIT_SCOPED_ROLES
    }
    if user.is_superuser or broad:
        return units
    own = set(
        Membership.objects.filter(user=user, organ=organ, role__in=UNIT_SCOPED_ROLES)
        .values_list("units", flat=True)
        .exclude(units=None)
    )
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unit.objects.filter(organ=organ).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    reach, frontier = set(own), list(own)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in reach:
                reach.add(child)
                frontier.append(child)
    return units.filter(pk__in=reach)


def list_unit_groups(organ: Organ, *, user: Any) -> QuerySet[UnitGroup]:
    """Return the organ's active unit groups."""
    if not can(user, Action.VIEW, organ=organ):
        return UnitGroup.objects.none()
    return UnitGroup.objects.filter(organ=organ, is_active=True).prefetch_related("members")


def resolve_unit_name(organ: Organ, name: str) -> Unit | UnitGroup | None:
    """Return the unit or group called ``name`` (full name, short name or alias) in ``organ``."""
    text = name.strip()
    if not text:
        return None
    unit = (
        Unit.objects.filter(organ=organ)
        .filter(Q(name=text) | Q(short_name=text))
        .order_by("-is_active")
        .first()
    )
    if unit is not None:
        return unit
    group = UnitGroup.objects.filter(organ=organ, name=text).first()
    if group is not None:
        return group
    alias = (
        UnitAlias.objects.filter(organ=organ, alias=text).select_related("unit", "group").first()
    )
    if alias is None:
        return None
    return alias.unit or alias.group


def list_memberships(user: Any) -> QuerySet[Membership]:
    """Return the user's roles with their organs and units."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organ")
        .prefetch_related("units")
        .order_by("organ__name", "role")
    )


def list_api_tokens(user: Any) -> QuerySet[ApiToken]:
    """Return the user's API tokens, newest first (hashes only, never the tokens)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def list_organ_members(organ: Organ, *, user: Any) -> QuerySet[User]:
    """Return the organ's staff with their roles there, for user managers."""
    if not can(user, Action.MANAGE_USERS, organ=organ):
        return User.objects.none()
    roles_here = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(organ=organ).prefetch_related("units"),
        to_attr="roles_here",
    )
    return (
        User.objects.filter(memberships__organ=organ)
        .distinct()
        .prefetch_related(roles_here)
        .order_by("-is_active", "username")
    )
