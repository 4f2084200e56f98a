"""Writes of the accounts app: organs, units, groups, users, roles, login, TOTP, API tokens.

Every function takes the acting user (or ``SYSTEM``), checks permission, changes data in one
transaction and appends an audit record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts import throttle
from gongkai.accounts.choices import Role, UnitKind
from gongkai.accounts.errors import (
    AccountLocked,
    LoginFailed,
    LoginThrottled,
    NameTaken,
    PasswordRejected,
    SecondFactorInvalid,
)
from gongkai.accounts.models import (
    ApiToken,
    Membership,
    Organ,
    Unit,
    UnitAlias,
    UnitGroup,
    User,
)
from gongkai.accounts.permissions import Action, can, forget_cached_roles, require
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.audit import diff_fields, record_event
from gongkai.core.errors import DomainError, InvalidInput, NotPermitted
from gongkai.core.middleware import client_ip
from gongkai.core.uploads import IMAGE_POLICY

ORGAN_FIELDS = (
    "name",
    "short_name",
    "credit_code",
    "index_prefix",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "website",
    "office_hours",
    "review_kind",
    "level_government",
    "superior_body",
    "review_body",
)
UNIT_STRUCTURE_FIELDS = ("name", "short_name", "kind", "parent", "sort_order")
UNIT_CONTACT_FIELDS = ("phone", "email")


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f + "_id" if f == "parent" else f) for f in fields}


def _require_platform_admin(actor: Any) -> None:
    if not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("只有系统管理员可以执行此操作。"))


# --- Organs -----------------------------------------------------------------------------------


@transaction.atomic
def create_organ(*, actor: Any, name: str, credit_code: str, **fields: Any) -> Organ:
    """Create an organ (机关); only a platform administrator may."""
    _require_platform_admin(actor)
    credit_code = credit_code.strip().upper()
    try:
        validate_credit_code(credit_code)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "credit_code"}) from None
    if Organ.objects.filter(Q(name=name) | Q(credit_code=credit_code)).exists():
        raise NameTaken(_("已存在同名或同一信用代码的机关。"))
    unknown = set(fields) - set(ORGAN_FIELDS) - {"supervisor"}
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    organ = Organ.objects.create(name=name.strip(), credit_code=credit_code, **fields)
    record_event(
        "accounts.organ.created",
        actor=actor,
        obj=organ,
        organ_id=organ.pk,
        changes=_snapshot(organ, ORGAN_FIELDS),
    )
    return organ


@transaction.atomic
def update_organ(organ: Organ, *, actor: Any, **fields: Any) -> Organ:
    """Change an organ's record (name, contacts, index prefix …)."""
    require(actor, Action.MANAGE_ORGAN, organ=organ)
    unknown = set(fields) - set(ORGAN_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    if "credit_code" in fields:
        fields["credit_code"] = str(fields["credit_code"]).strip().upper()
        try:
            validate_credit_code(fields["credit_code"])
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], details={"field": "credit_code"}) from None
    before = _snapshot(organ, fields)
    for key, value in fields.items():
        setattr(organ, key, value)
    organ.save(update_fields=list(fields))
    record_event(
        "accounts.organ.updated",
        actor=actor,
        obj=organ,
        changes=diff_fields(before, _snapshot(organ, fields)),
    )
    return organ


# --- Units, groups and aliases ------------------------------------------------------------------


def _name_in_use(organ: Organ, name: str, *, exclude_unit: int | None = None) -> bool:
    units = Unit.objects.filter(organ=organ, name=name)
    if exclude_unit is not None:
        units = units.exclude(pk=exclude_unit)
    return (
        units.exists()
        or UnitGroup.objects.filter(organ=organ, name=name).exists()
        or UnitAlias.objects.filter(organ=organ, alias=name).exists()
    )


def _check_parent(organ: Organ, unit: Unit | None, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.organ_id != organ.pk:
        raise InvalidInput(_("上级单位必须属于同一机关。"), details={"field": "parent"})
    if unit is not None and (parent.pk == unit.pk or unit.pk in parent.ancestor_ids()):
        raise InvalidInput(_("上级单位不能是本单位或其下级单位。"), details={"field": "parent"})


@transaction.atomic
def create_unit(
    organ: Organ,
    *,
    actor: Any,
    name: str,
    kind: str,
    short_name: str = "",
    parent: Unit | None = None,
    sort_order: int = 0,
    phone: str = "",
    email: str = "",
    aliases: Sequence[str] = (),
) -> Unit:
    """Create a unit (单位) in ``organ``, with optional aliases."""
    require(actor, Action.MANAGE_UNITS, organ=organ)
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写单位名称。"), details={"field": "name"})
    if kind not in UnitKind.values:
        raise InvalidInput(_("单位类型无效。"), details={"field": "kind"})
    if _name_in_use(organ, name):
        raise NameTaken(details={"field": "name", "name": name})
    _check_parent(organ, None, parent)
    unit = Unit.objects.create(
        organ=organ,
        name=name,
        kind=kind,
        short_name=short_name.strip(),
        parent=parent,
        sort_order=sort_order,
        phone=phone,
        email=email,
    )
    record_event(
        "accounts.unit.created",
        actor=actor,
        obj=unit,
        changes=_snapshot(unit, UNIT_STRUCTURE_FIELDS + UNIT_CONTACT_FIELDS),
    )
    for alias in aliases:
        add_unit_alias(unit, actor=actor, alias=alias)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor: Any, **fields: Any) -> Unit:
    """Change a unit. Structure needs MANAGE_UNITS; a unit's own contacts need MANAGE_UNITS or
    ACT_FOR_UNIT (its own editors)."""
    unknown = set(fields) - set(UNIT_STRUCTURE_FIELDS) - set(UNIT_CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    organ = unit.organ
    if set(fields) & set(UNIT_STRUCTURE_FIELDS):
        require(actor, Action.MANAGE_UNITS, organ=organ)
    elif not can(actor, Action.MANAGE_UNITS, organ=organ):
        require(actor, Action.ACT_FOR_UNIT, organ=organ, unit=unit)
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise InvalidInput(_("请填写单位名称。"), details={"field": "name"})
        if fields["name"] != unit.name and _name_in_use(
            organ, fields["name"], exclude_unit=unit.pk
        ):
            raise NameTaken(details={"field": "name", "name": fields["name"]})
    if "kind" in fields and fields["kind"] not in UnitKind.values:
        raise InvalidInput(_("单位类型无效。"), details={"field": "kind"})
    if "parent" in fields:
        _check_parent(organ, unit, fields["parent"])
    before = _snapshot(unit, fields)
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.save(update_fields=list(fields))
    changes = diff_fields(before, _snapshot(unit, fields))
    if changes:
        record_event("accounts.unit.updated", actor=actor, obj=unit, changes=changes)
    return unit


@transaction.atomic
def deactivate_unit(unit: Unit, *, actor: Any, reason: str) -> Unit:
    """Retire a unit (机构改革): kept with its history, no longer offered for new work."""
    require(actor, Action.MANAGE_UNITS, organ=unit.organ)
    if not reason.strip():
        raise InvalidInput(_("请填写停用原因。"), details={"field": "reason"})
    if unit.is_active:
        unit.is_active = False
        unit.save(update_fields=["is_active"])
        record_event("accounts.unit.deactivated", actor=actor, obj=unit, changes={"reason": reason})
    return unit


@transaction.atomic
def add_unit_alias(target: Unit | UnitGroup, *, actor: Any, alias: str) -> UnitAlias:
    """Record another name for a unit or group, so imports resolve it next time."""
    organ = target.organ
    require(actor, Action.MANAGE_UNITS, organ=organ)
    alias = alias.strip()
    if not alias:
        raise InvalidInput(_("别名不能为空。"), details={"field": "alias"})
    existing = UnitAlias.objects.filter(organ=organ, alias=alias).first()
    is_unit = isinstance(target, Unit)
    if existing is not None:
        if (existing.unit_id if is_unit else existing.group_id) == target.pk:
            return existing
        raise NameTaken(details={"field": "alias", "name": alias})
    if alias == target.name:
        raise InvalidInput(_("别名与名称相同。"), details={"field": "alias"})
    if _name_in_use(organ, alias):
        raise NameTaken(details={"field": "alias", "name": alias})
    if isinstance(target, Unit):
        record = UnitAlias.objects.create(organ=organ, alias=alias, unit=target)
    else:
        record = UnitAlias.objects.create(organ=organ, alias=alias, group=target)
    record_event(
        "accounts.alias.created",
        actor=actor,
        obj=target,
        changes={"alias": alias},
    )
    return record


@transaction.atomic
def create_unit_group(
    organ: Organ,
    *,
    actor: Any,
    name: str,
    member_kinds: Sequence[str] = (),
    members: Sequence[Unit] = (),
    description: str = "",
    aliases: Sequence[str] = (),
) -> UnitGroup:
    """Create a group name that stands for several units (业务科室 = every division …)."""
    require(actor, Action.MANAGE_UNITS, organ=organ)
    name = name.strip()
    if _name_in_use(organ, name):
        raise NameTaken(details={"field": "name", "name": name})
    bad = [k for k in member_kinds if k not in UnitKind.values]
    if bad:
        raise InvalidInput(_("单位类型无效。"), details={"field": "member_kinds", "kinds": bad})
    if any(u.organ_id != organ.pk for u in members):
        raise InvalidInput(_("成员单位必须属于同一机关。"), details={"field": "members"})
    group = UnitGroup.objects.create(
        organ=organ, name=name, description=description, member_kinds=list(member_kinds)
    )
    group.members.set(members)
    record_event(
        "accounts.group.created",
        actor=actor,
        obj=group,
        changes={
            "name": name,
            "member_kinds": list(member_kinds),
            "members": sorted(u.pk for u in members),
        },
    )
    for alias in aliases:
        add_unit_alias(group, actor=actor, alias=alias)
    return group


# --- Users and roles ----------------------------------------------------------------------------


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


# --- Login, lock-out and the second factor ------------------------------------------------------


ANONYMOUS = AnonymousUser()


def _lockout_delta() -> dt.timedelta:
    return dt.timedelta(minutes=settings.GONGKAI_LOGIN_LOCKOUT_MINUTES)


def _register_failure(user: User, *, now: dt.datetime, reason: str) -> bool:
    """Count one failed attempt on a row-locked user; lock the account at the limit."""
    user.failed_login_count += 1
    changes: dict[str, Any] = {"failures": user.failed_login_count, "reason": reason}
    locked = user.failed_login_count >= settings.GONGKAI_LOGIN_MAX_FAILURES
    if locked:
        user.locked_until = now + _lockout_delta()
        user.failed_login_count = 0
    user.save(update_fields=["failed_login_count", "locked_until"])
    record_event("accounts.login.failed", actor=ANONYMOUS, obj=user, changes=changes)
    if locked:
        record_event(
            "accounts.user.locked",
            actor=ANONYMOUS,
            obj=user,
            changes={"locked_until": user.locked_until},
        )
    return locked


def _refuse_locked(user: User) -> None:
    record_event(
        "accounts.login.refused",
        actor=ANONYMOUS,
        obj=user,
        changes={"reason": "locked", "locked_until": user.locked_until},
    )


def _login_rule() -> throttle.Rule:
    """The lock-out of an account, applied alike to names without one."""
    return throttle.Rule(settings.GONGKAI_LOGIN_MAX_FAILURES, None, _lockout_delta())


def _ip_rule() -> throttle.Rule:
    window = dt.timedelta(minutes=settings.GONGKAI_LOGIN_IP_WINDOW_MINUTES)
    return throttle.Rule(settings.GONGKAI_LOGIN_IP_MAX_FAILURES, window, window)


def _check_credentials(
    request: HttpRequest | None, *, username: str, password: str, now: dt.datetime
) -> tuple[User | None, DomainError | None]:
    """One login attempt inside the caller's transaction: the user, or why not.

    Every path hashes the password once (a miss, a locked account, a wrong password), so that
    neither the answer nor its time tells whether a username exists; a name without an account
    is counted and locked exactly as an account is.
    """
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    if user is None:
        authenticate(request, username=username, password=password)  # same time as a miss
        name_key = "name:" + username.lower()
        until = throttle.blocked_until(name_key, now=now)
        if until is None:
            until = throttle.fail(name_key, _login_rule(), now=now)
            reason = "unknown_user"
        else:
            reason = "locked"
        record_event(
            "accounts.login.failed" if reason == "unknown_user" else "accounts.login.refused",
            actor=ANONYMOUS,
            object_type="accounts.user",
            object_repr=username[:150],
            changes={"reason": reason},
        )
        return None, AccountLocked(_locked_message(until)) if until else LoginFailed()
    if user.is_locked(now):
        make_password(password)  # the time of a password check
        _refuse_locked(user)
        return None, AccountLocked(_locked_message(user.locked_until))
    if authenticate(request, username=user.username, password=password) is None:
        locked = _register_failure(user, now=now, reason="password")
        return None, AccountLocked(_locked_message(user.locked_until)) if locked else LoginFailed()
    if user.failed_login_count or user.locked_until:
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "locked_until"])
    record_event("accounts.login.succeeded", actor=user, obj=user)
    return user, None


def check_login(request: HttpRequest | None, *, username: str, password: str) -> User:
    """Return the user whose credentials these are, or raise ``LoginFailed``/``AccountLocked``/
    ``LoginThrottled``.

    After GONGKAI_LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for
    GONGKAI_LOGIN_LOCKOUT_MINUTES; a locked account refuses even the right password. A username
    without an account gets the same answers at the same points, in the same time. A client
    address with GONGKAI_LOGIN_IP_MAX_FAILURES failures within GONGKAI_LOGIN_IP_WINDOW_MINUTES is
    refused for the rest of the window before any account is touched, so one client cannot lock
    many accounts (等保 2.0). The user row is locked for the whole check, so parallel guesses are
    counted one after another. Every outcome is audited and committed before an error is raised.
    """
    now = timezone.now()
    username = username.strip()
    ip = client_ip(request) if request is not None else None
    ip_key = f"ip:{ip}" if ip else ""
    user: User | None = None
    outcome: DomainError | None = None
    with transaction.atomic():
        until = throttle.blocked_until(ip_key, now=now) if ip_key else None
        if until is not None:
            record_event(
                "accounts.login.throttled",
                actor=ANONYMOUS,
                object_type="accounts.user",
                object_repr=username[:150],
                changes={"until": until},
            )
            outcome = LoginThrottled(
                _("此地址登录失败次数过多，请于 %(time)s 后再试。")
                % {"time": timezone.localtime(until).strftime("%H:%M")}
            )
        else:
            user, outcome = _check_credentials(
                request, username=username, password=password, now=now
            )
            if outcome is not None and ip_key:
                throttle.fail(ip_key, _ip_rule(), now=now)
    if outcome is not None:
        raise outcome
    assert user is not None  # noqa: S101
    return user


def _locked_message(until: dt.datetime | None) -> str:
    assert until is not None  # noqa: S101
    return _("连续登录失败次数过多，账户已被锁定，请于 %(time)s 后再试，或联系系统管理员解锁。") % {
        "time": timezone.localtime(until).strftime("%H:%M")
    }


@transaction.atomic
def unlock_user(user: User, *, actor: Any, organ: Organ) -> User:
    """Lift a lock-out before it expires (an administrator of every organ the user is in)."""
    require(actor, Action.MANAGE_USERS, organ=organ)
    _require_user_in_organ(user, organ)
    _require_account_in_reach(actor, user)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    record_event("accounts.user.unlocked", actor=actor, obj=user, organ_id=organ.pk)
    return user


@transaction.atomic
def record_logout(user: User, *, reason: str) -> None:
    """Audit the end of a session (``reason``: user, idle)."""
    record_event("accounts.session.ended", actor=user, obj=user, changes={"reason": reason})


def totp_for(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret, issuer="gongkai")


@transaction.atomic
def begin_totp_enrollment(user: User, *, actor: Any) -> str:
    """Create a fresh, unconfirmed TOTP secret for ``user`` and return its otpauth URI."""
    if actor != user:
        raise NotPermitted
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    record_event("accounts.totp.enrollment_started", actor=actor, obj=user)
    return totp_for(user).provisioning_uri(name=user.username, issuer_name="gongkai")


def _accept_code(user: User, code: str) -> bool:
    """Check a 6-digit code (±1 step) and refuse one already used, even by a parallel request."""
    code = "".join(ch for ch in code if ch.isdigit())
    if not user.totp_secret or len(code) != 6:
        return False
    totp = totp_for(user)
    now = timezone.now()
    for offset in (0, -1, 1):
        at = now + dt.timedelta(seconds=30 * offset)
        step = int(at.timestamp()) // 30
        if secrets.compare_digest(totp.at(at), code):
            # Claim the step in the database: only one request can move it forward.
            claimed = (
                User.objects.filter(pk=user.pk)
                .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
                .update(totp_last_step=step)
            )
            if claimed:
                user.totp_last_step = step
            return bool(claimed)
    return False


@transaction.atomic
def confirm_totp(user: User, *, actor: Any, code: str) -> User:
    """Turn the second factor on once the user proves their authenticator shows the code."""
    if actor != user:
        raise NotPermitted
    if not _accept_code(user, code):
        raise SecondFactorInvalid(details={"field": "code"})
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    record_event("accounts.totp.enabled", actor=actor, obj=user)
    return user


def verify_second_factor(user: User, *, code: str) -> None:
    """Check a login's TOTP code. Wrong codes count towards the lock-out like wrong passwords."""
    now = timezone.now()
    outcome: DomainError | None = None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_locked(now):
            _refuse_locked(user)
            outcome = AccountLocked(_locked_message(user.locked_until))
        elif _accept_code(user, code):
            record_event("accounts.totp.verified", actor=user, obj=user)
        else:
            locked = _register_failure(user, now=now, reason="totp")
            outcome = (
                AccountLocked(_locked_message(user.locked_until))
                if locked
                else SecondFactorInvalid(details={"field": "code"})
            )
    if outcome is not None:
        raise outcome


@transaction.atomic
def disable_totp(user: User, *, actor: Any) -> User:
    """Remove a user's second factor (themselves, or a system administrator for a lost phone)."""
    if actor != user:
        _require_platform_admin(actor)
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    record_event("accounts.totp.disabled", actor=actor, obj=user)
    return user


def needs_second_factor_enrollment(user: User) -> bool:
    """Return whether policy requires this user to enrol TOTP before working."""
    if not settings.GONGKAI_REQUIRE_2FA or user.has_totp:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.REVIEWER]).exists()


# --- API tokens ---------------------------------------------------------------------------------

TOKEN_PREFIX = "gk_"  # noqa: S105 - a public marker, not a secret


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_token(
    user: User, *, actor: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the plain token, which is never stored."""
    if actor != user and not getattr(actor, "is_superuser", False):
        raise NotPermitted
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写令牌用途。"), details={"field": "name"})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=_hash_token(raw), expires_at=expires_at
    )
    record_event(
        "accounts.token.created",
        actor=actor,
        obj=token,
        changes={"name": name, "prefix": prefix, "user": user.pk, "expires_at": expires_at},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a token at once; it stays listed as revoked."""
    if actor != token.user and not getattr(actor, "is_superuser", False):
        raise NotPermitted
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "accounts.token.revoked", actor=actor, obj=token, changes={"prefix": token.prefix}
        )
    return token


def authenticate_api_token(raw: str) -> User | None:
    """Return the active user a usable token belongs to, or ``None``."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(token_hash=_hash_token(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # A usage stamp, not a business change: written at most once a minute and not audited.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def set_organ_logo(organ: Organ, *, actor: Any, upload: UploadedFile[Any]) -> Organ:
    """Replace the organ's logo (shown in page headers) after the image upload policy checks it."""
    require(actor, Action.MANAGE_ORGAN, organ=organ)
    try:
        detected = IMAGE_POLICY.check(upload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "logo"}) from None
    old = organ.logo.name
    organ._detected_extension = detected.extension  # type: ignore[attr-defined]
    organ.logo.save(upload.name or "logo", upload, save=False)
    organ.save(update_fields=["logo"])
    record_event(
        "accounts.organ.logo_changed",
        actor=actor,
        obj=organ,
        changes={"logo": [old, organ.logo.name], "type": detected.media_type},
    )
    return organ
