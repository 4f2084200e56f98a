"""The audit chain is keyed and anchored: an intruder with write access to the database but not
the key cannot delete the newest records, rewrite a record and recompute the hashes, or
downgrade keyed records to plain SHA-256, without ``verify_audit`` naming it; a signed
checkpoint whose signature was altered is reported; records from before the key still verify."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from gongkai.core import audit
from gongkai.core.actors import SYSTEM
from gongkai.core.audit import record_event, verify_chain
from gongkai.core.models import AuditEvent
from gongkai.core.tests.test_audit import _raw_update

pytestmark = pytest.mark.django_db(transaction=True)

INTRUDER_KEY = "an intruder's guess at the key, long enough: 0123456789"


@pytest.fixture
def checkpoints(settings: Any, tmp_path: Path) -> Path:
    settings.GONGKAI_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return Path(settings.GONGKAI_AUDIT_CHECKPOINT_FILE)


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record_event("core.test.happened", actor=SYSTEM, changes={"i": i, "名称": "测试"})
            for i in range(n)
        ]


def _verify_fails() -> str:
    """Run ``verify_audit``; it must exit 1. Return what it wrote."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", "--quiet", stdout=out, stderr=err)
    assert exited.value.code == 1
    return err.getvalue()


def _verify_passes() -> str:
    out = io.StringIO()
    call_command("verify_audit", "--quiet", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _rehash_from(seq: int, *, scheme: int | None = None, **fields: Any) -> None:
    """Recompute the hash of record ``seq`` and of every record after it with the application's
    own ``compute_hash`` (under whatever key the settings hold: the tests give it the intruder's
    guess) and store them, as an intruder with database access would. ``fields`` are written
    into record ``seq`` first; ``scheme``, when given, into every recomputed record."""
    names = audit._HASHED_FIELDS
    rows = list(AuditEvent.objects.filter(seq__gte=seq - 1).order_by("seq").values())
    prev = rows[0]["hash"] if rows[0]["seq"] == seq - 1 else audit.GENESIS_HASH
    for row in rows:
        if row["seq"] < seq:
            continue
        changed = dict(fields) if row["seq"] == seq else {}
        if scheme is not None:
            changed["scheme"] = scheme
        row.update(changed, prev_hash=prev)
        extra = {"scheme": row["scheme"]} if "scheme" in row else {}
        new = audit.compute_hash(**{name: row[name] for name in names}, **extra)
        sets = ", ".join(f"{column} = %s" for column in [*changed, "prev_hash", "hash"])
        values = [*changed.values(), prev, new]
        _raw_update(f"UPDATE core_auditevent SET {sets} WHERE id = %s", [*values, row["id"]])
        prev = new


def test_deleting_the_newest_records_is_found_against_the_checkpoint(checkpoints: Path) -> None:
    _events(6)
    call_command("audit_checkpoint", stdout=io.StringIO())
    _raw_update("DELETE FROM core_auditevent WHERE seq > %s", [3])
    assert AuditEvent.objects.count() == 3
    err = _verify_fails()
    assert "检查点" in err
    assert "删除" in err
    assert "序号 6" in err  # the checkpoint's (its own record, 7, came after it)
    # New records appended over the gap reach the checkpoint's sequence again, with other hashes.
    _events(5)
    err = _verify_fails()
    assert "检查点" in err
    assert "哈希" in err


def test_a_record_rewritten_and_rehashed_without_the_key_is_found(checkpoints: Path) -> None:
    _events(5)
    with override_settings(GONGKAI_AUDIT_KEY=INTRUDER_KEY):
        _rehash_from(2, changes='{"i":99}', actor_label="intruder")
    err = _verify_fails()
    assert "seq=2" in err
    assert "哈希" in err


def test_rehashing_keyed_records_as_plain_sha256_is_found_as_a_downgrade(
    checkpoints: Path,
) -> None:
    from gongkai.core.models import AuditScheme

    _events(5)
    _rehash_from(3, changes='{"i":99}', scheme=AuditScheme.SHA256)
    err = _verify_fails()
    assert "seq=3" in err
    assert "降级" in err


def test_a_whole_chain_downgraded_to_plain_sha256_is_found_against_the_checkpoint(
    checkpoints: Path,
) -> None:
    from gongkai.core.models import AuditScheme

    _events(4)
    call_command("audit_checkpoint", stdout=io.StringIO())
    _rehash_from(1, scheme=AuditScheme.SHA256)  # every record: no keyed record is left to fail
    err = _verify_fails()
    assert "降级" in err


def test_a_checkpoint_whose_signature_was_altered_is_reported(checkpoints: Path) -> None:
    _events(3)
    call_command("audit_checkpoint", stdout=io.StringIO())
    assert "检查点" in _verify_passes()
    line = json.loads(checkpoints.read_text(encoding="utf-8").splitlines()[0])
    line["sig"] = ("0" if line["sig"][0] != "0" else "1") + line["sig"][1:]
    checkpoints.write_text(json.dumps(line) + "\n", encoding="utf-8")
    err = _verify_fails()
    assert "第 1 行" in err
    assert "签名" in err


def test_a_checkpoint_moved_to_another_record_is_reported(checkpoints: Path) -> None:
    _events(3)
    call_command("audit_checkpoint", stdout=io.StringIO())
    line = json.loads(checkpoints.read_text(encoding="utf-8").splitlines()[0])
    line["seq"] = 2  # points the anchor at an earlier record, signature kept
    checkpoints.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert "签名" in _verify_fails()


def test_records_written_before_the_key_keep_their_plain_hashes(checkpoints: Path) -> None:
    """An installation upgraded with a chain already written: those records stay SHA-256
    (scheme 1), the records after them are keyed, and the whole chain verifies."""
    from gongkai.core.models import AuditScheme

    prev = audit.GENESIS_HASH
    at = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    for seq in (1, 2, 3):
        fields = {
            "seq": seq,
            "created_at": at + dt.timedelta(minutes=seq),
            "organ_id": None,
            "actor_id": None,
            "actor_label": "system",
            "action": "core.legacy.written",
            "object_type": "",
            "object_id": "",
            "object_repr": "",
            "changes": "{}",
            "ip": "",
            "user_agent": "",
            "prev_hash": prev,
        }
        prev = audit.compute_hash(**fields, scheme=AuditScheme.SHA256)
        AuditEvent(**fields, scheme=AuditScheme.SHA256, hash=prev).save(force_insert=True)
    # The upgrade's migrate anchors the boundary: a checkpoint at the last plain record.
    call_command("migrate", verbosity=0)
    (anchor,) = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    assert (anchor["seq"], anchor["hash"], anchor["keyed_from"]) == (3, prev, 4)
    (keyed,) = _events(1)
    assert keyed.scheme == AuditScheme.HMAC_SHA256
    assert keyed.prev_hash == prev
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == 4
    # A plain record can still not be changed: the keyed record after it seals it, and
    # recomputing that one as plain SHA-256 is a downgrade past the anchored boundary.
    _rehash_from(2, actor_label="intruder", scheme=AuditScheme.SHA256)
    err = _verify_fails()
    assert "降级" in err
    assert "序号 3" in err  # and the anchor's record has another hash


def test_audit_checkpoint_prints_a_short_line_for_paper(checkpoints: Path) -> None:
    _events(2)
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    out = io.StringIO()
    call_command("audit_checkpoint", "--print", stdout=out)
    printed = out.getvalue().strip()
    assert "\n" not in printed
    assert f"序号 {head.seq}" in printed
    grouped = " ".join(re.findall("....", head.hash[:20]))
    assert grouped in printed
    assert len(printed) < 80
    written = json.loads(checkpoints.read_text(encoding="utf-8"))
    assert (written["seq"], written["hash"]) == (head.seq, head.hash)
    assert checkpoints.stat().st_mode & 0o777 == 0o600
    recorded = AuditEvent.objects.get(action="core.audit.checkpointed")
    assert recorded.seq == head.seq + 1
    assert recorded.changes_data["seq"] == head.seq


def test_audit_checkpoint_refuses_to_sign_a_broken_chain(checkpoints: Path) -> None:
    events = _events(3)
    _raw_update("UPDATE core_auditevent SET action = %s WHERE id = %s", ["x.y.z", events[1].pk])
    with pytest.raises(SystemExit) as exited:
        call_command("audit_checkpoint", stdout=io.StringIO(), stderr=io.StringIO())
    assert exited.value.code == 1
    assert not checkpoints.exists()


def test_verify_without_checkpoints_says_the_tail_is_unprotected(checkpoints: Path) -> None:
    _events(2)
    out = _verify_passes()
    assert "2 条记录" in out
    assert "尚无检查点" in out


def test_the_audit_key_is_generated_once_outside_the_database(tmp_path: Path) -> None:
    from config.env import env_secret

    key = env_secret("NOT_SET_AUDIT_KEY", var_dir=tmp_path, filename="audit_key")
    assert len(key) >= 43
    assert env_secret("NOT_SET_AUDIT_KEY", var_dir=tmp_path, filename="audit_key") == key
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600


def test_a_short_audit_key_stops_start_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_secret

    monkeypatch.setenv("X_AUDIT_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="X_AUDIT_KEY"):
        env_secret("X_AUDIT_KEY", var_dir=tmp_path, filename="audit_key")


def test_the_daily_upkeep_writes_a_checkpoint() -> None:
    service = Path(__file__).resolve().parents[3] / "deploy" / "gongkai-daily.service"
    assert re.search(r"^ExecStart=\S*gongkai audit_checkpoint$", service.read_text(), re.M)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_still_refuses_updates_of_the_scheme() -> None:
    from django.db.utils import DatabaseError

    (event,) = _events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(
            "UPDATE core_auditevent SET scheme = 1 WHERE id = %s", [event.pk]
        )


def test_the_migration_marks_records_already_written_as_plain_sha256(checkpoints: Path) -> None:
    """Records written by the code before the key (no scheme column) are marked scheme 1 by
    ``0003_audit_scheme`` and verify as they are; the records after them are keyed."""
    from django.db.migrations.executor import MigrationExecutor

    from gongkai.core.models import AuditScheme

    before, after = [("core", "0002_audit_append_only_trigger")], [("core", "0003_audit_scheme")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        prev = audit.GENESIS_HASH
        columns = ", ".join([*audit._HASHED_FIELDS, "hash"])
        marks = ", ".join(["%s"] * (len(audit._HASHED_FIELDS) + 1))
        at = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
        for seq in (1, 2):
            fields = dict.fromkeys(audit._HASHED_FIELDS, "")
            fields.update(seq=seq, created_at=at, organ_id=None, actor_id=None, prev_hash=prev)
            fields.update(action="core.legacy.written", changes="{}")
            prev = audit.compute_hash(**fields, scheme=AuditScheme.SHA256)  # as the old code did
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO core_auditevent ({columns}) VALUES ({marks})",
                    [
                        *(
                            connection.ops.adapt_datetimefield_value(v) if k == "created_at" else v
                            for k, v in fields.items()
                        ),
                        prev,
                    ],
                )
    finally:
        MigrationExecutor(connection).migrate(after)
    assert list(AuditEvent.objects.order_by("seq").values_list("scheme", flat=True)) == [1, 1]
    _events(1)
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == 3


@pytest.mark.parametrize("key", [b"", b"k" * 32, b"\x00\xff" * 32, b"long" * 40])
@pytest.mark.parametrize("message", [b"", "审计记录\x1f1".encode(), b"x" * 1000])
def test_the_records_mac_is_standard_hmac_sha256(key: bytes, message: bytes) -> None:
    import hashlib
    import hmac

    assert audit._hmac_sha256(key)(message) == hmac.new(key, message, hashlib.sha256).hexdigest()
