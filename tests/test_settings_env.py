"""Settings come from the environment; a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_timezone, secret_key_from

ROOT = Path(__file__).resolve().parent.parent


def test_readers_parse_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.gov.cn, b.gov.cn,,")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a.gov.cn", "b.gov.cn"]
    assert env_int("X_MISSING", 7) == 7


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        (lambda: env_bool("X", False), "maybe"),
        (lambda: env_int("X", 1, minimum=1), "0"),
        (lambda: env_int("X", 1), "ten"),
        (lambda: env_timezone("X", "Asia/Shanghai"), "Mars/Olympus"),
        (lambda: env_database("X", sqlite_path=Path("/tmp/x.db")), "mysql://u@h/db"),
    ],
)
def test_bad_values_raise_with_the_variable_name(
    monkeypatch: pytest.MonkeyPatch, reader: object, value: str
) -> None:
    monkeypatch.setenv("X", value)
    with pytest.raises(ImproperlyConfigured, match="环境变量 X"):
        reader()  # type: ignore[operator]


def test_default_database_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    config = env_database("NOT_SET_DATABASE_URL", sqlite_path=tmp_path / "g.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = secret_key_from("NOT_SET_SECRET", var_dir=tmp_path)
    assert len(first) >= 50
    assert secret_key_from("NOT_SET_SECRET", var_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_server_refuses_to_start_with_a_bad_value(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": str(tmp_path),
        "GONGKAI_SESSION_IDLE_MINUTES": "abc",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "GONGKAI_SESSION_IDLE_MINUTES" in result.stderr
    assert "应为整数" in result.stderr


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    """The README promises every variable, with its default, in .env.example."""
    import re

    root = Path(__file__).resolve().parents[1]
    settings = (root / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_[a-z]+\(\s*"([A-Z][A-Z0-9_]+)"', settings))
    example = (root / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert len(read) > 30
    assert read - listed == set()
