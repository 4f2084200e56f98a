"""The audit log is a hash chain: appends verify, any direct change is found and named."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from gongkai.core.actors import SYSTEM
from gongkai.core.audit import GENESIS_HASH, record_event, verify_chain
from gongkai.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record_event("core.test.happened", actor=SYSTEM, changes={"i": i, "名称": "测试"})
            for i in range(n)
        ]


def _raw_update(sql: str, params: list[Any]) -> None:
    """Change a row behind the model's back, as an intruder with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # bypasses the trigger
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


def test_events_form_a_chain_from_genesis() -> None:
    first, second, third = _events(3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    report = verify_chain()
    assert report.ok
    assert report.checked == 3


def test_action_must_name_app_noun_and_verb() -> None:
    with pytest.raises(ValueError, match="past_verb"):
        record_event("created", actor=SYSTEM)


def test_changed_content_is_found_at_that_record() -> None:
    events = _events(5)
    _raw_update("UPDATE core_auditevent SET changes = %s WHERE id = %s", ['{"i":99}', events[2].pk])
    report = verify_chain()
    assert not report.ok
    assert report.problem is not None
    assert report.problem.seq == 3
    assert report.checked == 2
    assert report.problem.code == "content_mismatch"
    assert "哈希不符" in report.problem.reason


def test_rehashed_row_breaks_the_next_link() -> None:
    events = _events(4)
    _raw_update("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 2


def test_deleted_row_is_found_as_a_gap() -> None:
    events = _events(4)
    _raw_update("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 3
    assert report.problem.code == "gap"
    assert "缺少记录" in report.problem.reason


def test_verify_audit_command_exits_non_zero_naming_the_record() -> None:
    events = _events(3)
    out = io.StringIO()
    call_command("verify_audit", "--quiet", stdout=out)
    assert "3 条记录" in out.getvalue()
    _raw_update(
        "UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["intruder", events[1].pk]
    )
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", "--quiet", stderr=err)
    assert exited.value.code == 1
    assert "seq=2" in err.getvalue()


def test_model_layer_refuses_update_and_delete() -> None:
    (event,) = _events(1)
    event.action = "core.test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x.y.z")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "core.test.happened"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_direct_update_and_delete() -> None:
    from django.db.utils import DatabaseError

    (event,) = _events(1)
    for sql in (
        "UPDATE core_auditevent SET action = 'x.y.z' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql, [event.pk])

    def truncate_as_in_production() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL gongkai.allow_audit_truncate = off")
            cursor.execute("TRUNCATE core_auditevent")

    with pytest.raises(DatabaseError, match="append-only"):
        truncate_as_in_production()
    assert AuditEvent.objects.count() == 1


def test_event_rolls_back_with_the_change_it_describes() -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            record_event("core.test.happened", actor=SYSTEM)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert AuditEvent.objects.count() == 0


def test_request_ip_and_user_agent_are_recorded(world: Any, client: Any) -> None:
    from conftest import PASSWORD

    client.post(
        "/staff/login/",
        {"username": "u_auditor", "password": PASSWORD},
        HTTP_USER_AGENT="TestBrowser/1.0",
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.filter(action="accounts.login.succeeded").get()
    assert event.ip == "10.1.2.3"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.actor_label == "u_auditor"
    assert verify_chain().ok


def test_verify_task_records_its_outcome(world: Any) -> None:
    from gongkai.core.tasks import verify_audit_task

    result = verify_audit_task.enqueue()
    assert result.return_value["ok"] is True
    assert AuditEvent.objects.filter(action="core.audit.verified").count() == 1


def test_records_written_on_a_whole_second_verify() -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 10, 1, 8, 0, 0, tzinfo=dt.UTC), tick=False):
        _events(2)
    with time_machine.travel(dt.datetime(2026, 10, 1, 8, 0, 0, 123, tzinfo=dt.UTC), tick=False):
        _events(1)
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == 3


def test_records_with_ip_and_unicode_verify() -> None:
    from gongkai.core.context import RequestInfo, request_info

    with request_info(RequestInfo(ip="2001:db8::1", user_agent="浏览器/1.0")):
        _events(1)
    with request_info(RequestInfo(ip="192.168.1.20", user_agent="")):
        _events(1)
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
        ("::1.2.3.4", "::102:304"),
        ("::2:3", "::2:3"),
        ("fe80::1%eth0", "fe80::1"),
        ("10.0.0.7", "10.0.0.7"),
        ("not an address", ""),
    ],
)
def test_ip_addresses_are_stored_as_hashed(given: str, stored: str) -> None:
    from gongkai.core.context import RequestInfo, request_info

    with request_info(RequestInfo(ip=given, user_agent="UA")):
        (event,) = _events(1)
    assert AuditEvent.objects.get(pk=event.pk).ip == stored
    assert verify_chain().ok


def test_control_characters_cannot_shift_text_between_fields() -> None:
    from gongkai.core.context import RequestInfo, request_info

    info = RequestInfo(ip="10.0.0.1", user_agent="evil\x1fagent\x00")
    with request_info(info), transaction.atomic():
        event = record_event("core.test.happened", actor=SYSTEM, object_repr="a\x1fb\nc")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user_agent == "evilagent"
    assert stored.object_repr == "abc"
    assert verify_chain().ok
