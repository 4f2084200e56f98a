"""Who may do what, in which organ and for which unit. One rule per action.

Roles are held per organ. A coordinator's role also reaches every organ the organ supervises
(a city's 公开办 over its departments). An editor acts only for the units of their membership
and the units below them.

三权分立 (等保 2.0; DESIGN.md): the platform's system administrator (``is_superuser``) and an
organ's administrator role manage organs, units, users and (the superuser) the calendar, and do
no business step — drafting, 保密审查, approval, publication, request handling or plan
coordination (``BUSINESS_ACTIONS``) — whatever other roles the account holds. Only the system
itself (``SYSTEM``: commands and jobs) passes every rule. A person who acted at one step of an
item does not check it at the next (``require_different_person``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from gongkai.accounts.choices import Role
from gongkai.accounts.models import Membership, Organ, Unit
from gongkai.core.actors import SystemActor
from gongkai.core.errors import NotPermitted


class Action(StrEnum):
    VIEW = "organ.view"  # see the organ's workspace and its units
    MANAGE_ORGAN = "organ.manage"  # edit the organ's own record
    MANAGE_USERS = "user.manage"  # create users, grant and revoke roles
    MANAGE_UNITS = "unit.manage"  # create, rename, move, deactivate units and groups
    ACT_FOR_UNIT = "unit.act"  # draft for a unit, report its progress, keep its contacts
    COORDINATE = "plan.coordinate"  # import plans, assign tasks, chase units
    REVIEW = "content.review"  # 保密审查
    APPROVE = "content.approve"  # leader's approval before publication
    VIEW_AUDIT = "audit.view"  # read and export the audit log


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {
            Action.VIEW,
            Action.MANAGE_ORGAN,
            Action.MANAGE_USERS,
            Action.MANAGE_UNITS,
            Action.VIEW_AUDIT,
        }
    ),
    Role.COORDINATOR: frozenset(
        {Action.VIEW, Action.MANAGE_UNITS, Action.ACT_FOR_UNIT, Action.COORDINATE}
    ),
    Role.EDITOR: frozenset({Action.VIEW, Action.ACT_FOR_UNIT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.LEADER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.AUDITOR: frozenset({Action.VIEW, Action.VIEW_AUDIT}),
}
# The work of the organ itself, never done by a system administrator (三权分立).
BUSINESS_ACTIONS = frozenset(
    {Action.ACT_FOR_UNIT, Action.COORDINATE, Action.REVIEW, Action.APPROVE}
)
# What a platform system administrator may do in every organ.
SUPERUSER_ACTIONS = frozenset(Action) - BUSINESS_ACTIONS
# Roles whose unit-scoped actions are limited to the units of their membership.
UNIT_SCOPED_ROLES = frozenset({Role.EDITOR})


def supervised_organ_ids(organ_ids: set[int]) -> set[int]:
    """Return ``organ_ids`` and every organ below them in the supervision tree."""
    found = set(organ_ids)
    frontier = set(organ_ids)
    while frontier:
        below = set(Organ.objects.filter(supervisor_id__in=frontier).values_list("pk", flat=True))
        frontier = below - found
        found |= frontier
    return found


def _memberships(user: Any) -> list[Membership]:
    cached: list[Membership] | None = getattr(user, "_gongkai_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).prefetch_related("units"))
        user._gongkai_memberships = cached
    return cached


def forget_cached_roles(user: Any) -> None:
    """Drop the per-request cache of a user's memberships (after roles change)."""
    if hasattr(user, "_gongkai_memberships"):
        del user._gongkai_memberships


def roles_in(user: Any, organ: Organ) -> set[str]:
    """Return the roles ``user`` holds in ``organ``, directly or as supervising coordinator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles: set[str] = set()
    for membership in _memberships(user):
        if membership.organ_id == organ.pk:
            roles.add(membership.role)
        elif membership.role == Role.COORDINATOR and organ.pk in supervised_organ_ids(
            {membership.organ_id}
        ):
            roles.add(Role.COORDINATOR)
    return roles


def _unit_and_ancestor_ids(unit: Unit) -> set[int]:
    return {unit.pk, *unit.ancestor_ids()}


def can(user: Any, action: Action, *, organ: Organ, unit: Unit | None = None) -> bool:
    """Return whether ``user`` may perform ``action`` in ``organ`` (for ``unit`` if given)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if unit is not None and unit.organ_id != organ.pk:
        return False
    if isinstance(user, SystemActor):
        return True
    if user.is_superuser:
        return action in SUPERUSER_ACTIONS
    for membership in _memberships(user):
        role = membership.role
        if action not in ROLE_ACTIONS.get(role, frozenset()):
            continue
        if membership.organ_id != organ.pk and not (
            role == Role.COORDINATOR and organ.pk in supervised_organ_ids({membership.organ_id})
        ):
            continue
        if unit is None or role not in UNIT_SCOPED_ROLES:
            return True
        own = {u.pk for u in membership.units.all()}
        if own & _unit_and_ancestor_ids(unit):
            return True
    return False


def require(user: Any, action: Action, *, organ: Organ, unit: Unit | None = None) -> None:
    """Raise ``NotPermitted`` unless ``user`` may perform ``action``."""
    if not can(user, action, organ=organ, unit=unit):
        if unit is not None:
            message = _("您无权代表“%(unit)s”执行此操作。") % {"unit": unit.name}
        else:
            message = _("您在“%(organ)s”没有执行此操作的权限。") % {"organ": organ.name}
        raise NotPermitted(message, details={"action": str(action)})


def require_different_person(actor: Any, *earlier: int | None, message: str) -> None:
    """Raise ``NotPermitted`` with ``message`` if ``actor`` is one of the users (ids) who acted
    at an earlier step of the same piece of work (separation of duties, 职责分离): nobody checks
    their own work. The system itself (no id) is never refused here."""
    if getattr(actor, "pk", None) in {pk for pk in earlier if pk is not None}:
        raise NotPermitted(message, details={"rule": "separation_of_duties"})
