"""The system actor: who acts when a command or job, not a person, changes data."""

from __future__ import annotations

from typing import Any


class SystemActor:
    """Stands for gongkai itself in services and the audit log (loading demo data, jobs)."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "system"

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, SystemActor)

    def __hash__(self) -> int:
        return hash("gongkai.system")


SYSTEM = SystemActor()
