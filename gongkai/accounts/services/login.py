"""Login: lock-out that does not tell which names exist, the per-address
throttle, unlocking, logout and the second factor (TOTP) — 等保 2.0.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts import throttle
from gongkai.accounts.choices import Role
from gongkai.accounts.errors import (
    AccountLocked,
    LoginFailed,
    LoginThrottled,
    SecondFactorInvalid,
)
from gongkai.accounts.models import (
    Membership,
    Organ,
    User,
)
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.services.common import _require_platform_admin
from gongkai.accounts.services.users import _require_account_in_reach, _require_user_in_organ
from gongkai.core.audit import record_event
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.middleware import client_ip

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
