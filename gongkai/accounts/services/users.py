"""Users and their roles in an organ, deactivation and passwords."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.choices import Role
from gongkai.accounts.errors import (
    NameTaken,
    PasswordRejected,
)
from gongkai.accounts.models import (
    ApiToken,
    Membership,
    Organ,
    Unit,
    User,
)
from gongkai.accounts.permissions import Action, forget_cached_roles, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise PasswordRejected(
            "；".join(str(m) for m in exc.messages), details={"field": "password"}
        ) from None


@transaction.atomic
def create_user(
    *,
    actor: Any,
    organ: Organ,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    role: str | None = None,
    units: Sequence[Unit] = (),
) -> User:
    """Create a staff account in ``organ``, with its first role there when ``role`` is given."""
    require(actor, Action.MANAGE_USERS, organ=organ)
    username = username.strip()
    if not username:
        raise InvalidInput(_("请填写用户名。"), details={"field": "username"})
    if User.objects.filter(username__iexact=username).exists():
        raise NameTaken(_("用户名已被使用。"), details={"field": "username"})
    user = User(username=username, display_name=display_name, email=email, phone=phone)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    record_event(
        "accounts.user.created",
        actor=actor,
        obj=user,
        organ_id=organ.pk,
        changes={"username": username, "display_name": display_name},
    )
    if role is not None:
        grant_role(user, actor=actor, organ=organ, role=role, units=units)
    return user


def _require_user_in_organ(user: User, organ: Organ) -> None:
    if not Membership.objects.filter(user=user, organ=organ).exists():
        raise NotPermitted(_("该用户不属于本机关。"))


def _require_account_in_reach(actor: Any, user: User) -> None:
    """Account-wide changes need the right to manage users in every organ the user works in."""
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("只有系统管理员可以处理系统管理员账户。"))
    for organ in Organ.objects.filter(memberships__user=user).distinct():
        require(actor, Action.MANAGE_USERS, organ=organ)


@transaction.atomic
def deactivate_user(user: User, *, actor: Any, organ: Organ, reason: str) -> User:
    """Disable a staff account (调离、退休): kept with its history, can no longer sign in."""
    require(actor, Action.MANAGE_USERS, organ=organ)
    _require_user_in_organ(user, organ)
    _require_account_in_reach(actor, user)
    if actor == user:
        raise InvalidInput(_("不能停用自己的账户。"))
    if not reason.strip():
        raise InvalidInput(_("请填写停用原因。"), details={"field": "reason"})
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record_event(
            "accounts.user.deactivated",
            actor=actor,
            obj=user,
            organ_id=organ.pk,
            changes={"reason": reason},
        )
    return user


@transaction.atomic
def grant_role(
    user: User, *, actor: Any, organ: Organ, role: str, units: Sequence[Unit] = ()
) -> Membership:
    """Give ``user`` a role in ``organ``; an editor's role names the units they act for."""
    require(actor, Action.MANAGE_USERS, organ=organ)
    if role not in Role.values:
        raise InvalidInput(_("角色无效。"), details={"field": "role"})
    if role == Role.EDITOR and not units:
        raise InvalidInput(_("科室编辑至少要指定一个所属单位。"), details={"field": "units"})
    if any(u.organ_id != organ.pk for u in units):
        raise InvalidInput(_("所属单位必须属于同一机关。"), details={"field": "units"})
    membership, _created = Membership.objects.get_or_create(user=user, organ=organ, role=role)
    membership.units.set(units)
    forget_cached_roles(user)
    record_event(
        "accounts.role.granted",
        actor=actor,
        obj=user,
        organ_id=organ.pk,
        changes={"role": role, "units": sorted(u.pk for u in units)},
    )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor: Any) -> None:
    """Take a role away from a user (the audit record keeps who held it and when)."""
    require(actor, Action.MANAGE_USERS, organ=membership.organ)
    user, organ_id, role = membership.user, membership.organ_id, membership.role
    units = sorted(membership.units.values_list("pk", flat=True))
    membership.delete()
    forget_cached_roles(user)
    record_event(
        "accounts.role.revoked",
        actor=actor,
        obj=user,
        organ_id=organ_id,
        changes={"role": role, "units": units},
    )


@transaction.atomic
def change_password(user: User, *, actor: Any, password: str) -> User:
    """Set a new password that meets the policy; a user may change only their own."""
    if actor != user and not getattr(actor, "is_superuser", False):
        raise NotPermitted
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event("accounts.password.changed", actor=actor, obj=user)
    return user
