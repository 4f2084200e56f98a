"""Personal API tokens: created once, kept only as a hash, revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import (
    ApiToken,
    User,
)
from gongkai.accounts.services.common import TOKEN_PREFIX
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted


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
