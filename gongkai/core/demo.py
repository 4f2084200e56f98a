"""The demo registry: ``gongkai load_demo`` runs each app's ``demo.load(context)`` in order."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass
class DemoContext:
    """What one app's demo loader leaves for the next (the organ, the users by role)."""

    stdout: Any  # a text stream: sys.stdout or a command's OutputWrapper
    organ: Any = None
    users: dict[str, Any] = field(default_factory=dict)


def _demo_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai.") or config.name == "gongkai.core":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return modules


def demo_logins() -> list[tuple[str, str, str]]:
    """Return the demo logins (role, username, password) that the loaders create."""
    logins: list[tuple[str, str, str]] = []
    for module in _demo_modules():
        logins.extend(getattr(module, "logins", list)())
    return logins


def run_demo_loaders(context: DemoContext) -> None:
    """Call ``gongkai.<app>.demo.load`` for each installed gongkai app that has one."""
    for module in _demo_modules():
        module.load(context)
