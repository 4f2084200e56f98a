"""What the account services share: a snapshot of fields for the audit record,
the platform administrator's check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from gongkai.core.errors import NotPermitted


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f + "_id" if f == "parent" else f) for f in fields}


def _require_platform_admin(actor: Any) -> None:
    if not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("只有系统管理员可以执行此操作。"))


TOKEN_PREFIX = "gk_"  # noqa: S105 - a public marker, not a secret
