"""Typed readers for settings taken from the environment.

Every reader raises ``ImproperlyConfigured`` with a message that names the variable, the bad
value and what is expected, so a misconfigured server stops at start-up instead of failing later.
Every variable read here is listed in ``.env.example``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 无效：应为{expected}。")


def env_str(name: str, default: str) -> str:
    """Return the variable as text, or ``default`` when it is unset."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean (true/false, 1/0, yes/no, on/off)."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _fail(name, value, " true 或 false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, at least ``minimum`` when given."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _fail(name, value, "整数") from None
    if minimum is not None and number < minimum:
        raise _fail(name, value, f"不小于 {minimum} 的整数")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_tiers(name: str, default: str) -> str:
    """Return a fee-tier string (``gongkai.foi.fees.parse_tiers``) after checking it parses."""
    from gongkai.foi.fees import parse_tiers

    value = env_str(name, default)
    try:
        parse_tiers(value)
    except ValueError:
        raise _fail(name, value, "收费档次，例如 10:0,30:100,+10:+100") from None
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return the variable when it is one of ``choices``."""
    value = env_str(name, default)
    if value not in choices:
        raise _fail(name, value, "以下之一：" + "、".join(choices))
    return value


def env_timezone(name: str, default: str) -> str:
    """Return an IANA time-zone name that this machine knows."""
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(name, value, "有效的 IANA 时区名，例如 Asia/Shanghai") from None
    return value


def env_path(name: str, default: Path, *, base: Path) -> Path:
    """Return a directory path; relative values are taken from ``base``."""
    value = _raw(name)
    path = default if not value else Path(value)
    if not path.is_absolute():
        path = base / path
    return path.resolve()


def env_database(name: str, *, sqlite_path: Path) -> dict[str, Any]:
    """Return a Django ``DATABASES`` entry from a URL; default SQLite in WAL mode."""
    value = _raw(name)
    if not value:
        value = f"sqlite:///{sqlite_path}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(value, conn_max_age=0))
    except (ValueError, KeyError) as exc:
        raise _fail(name, value, f"数据库 URL（sqlite:///… 或 postgres://…）：{exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE makes every atomic block take the write lock up front, so concurrent
            # writers queue instead of failing with "database is locked" half-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA busy_timeout=20000;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise _fail(name, value, "SQLite 或 PostgreSQL 的数据库 URL")
    return config


def env_secret(
    name: str, *, var_dir: Path, filename: str, minimum: int = 32, nbytes: int = 32
) -> str:
    """Return a secret: the variable's value (at least ``minimum`` characters), else one made
    once from ``nbytes`` random bytes and kept in ``var_dir/filename`` (created 0600, never
    rewritten).

    The file is for one machine (embedded mode); several servers must share one value, so they
    set the variable. ``O_EXCL``: two processes starting together keep the first value written.
    """
    value = _raw(name)
    if value:
        if len(value) < minimum:
            raise _fail(name, "***", f"至少 {minimum} 个字符的随机字符串")
        return value
    key_file = var_dir / filename
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def secret_key_from(name: str, *, var_dir: Path) -> str:
    """Return the secret key: from the variable, else one generated once and kept under var/."""
    return env_secret(name, var_dir=var_dir, filename="secret_key", nbytes=50)
