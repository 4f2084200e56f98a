"""Disclosure of changes (条例 第二十六条: 形成或者变更之日): a revision records the day the
information changed, its 20 working days run from that day, and every version keeps its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import staff_client
from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.selectors import timeliness, version_timeliness
from gongkai.disclosure.tests.test_workflow import _draft, _through

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def nodes(world: Any) -> dict[str, Any]:
    return {n.code: n for n in ensure_catalogue(world.organ)}


def _on(day: dt.date) -> Any:
    """Travel to ``day`` at 10:00 in Beijing (02:00 UTC), the clock standing still."""
    moment = dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)
    return time_machine.travel(moment, tick=False)


def _published_on(day: dt.date, world: Any, nodes: dict[str, Any]) -> DisclosureItem:
    item = _draft(world, nodes, formed_on=D(2026, 3, 2))
    with _on(day):
        return _through(item, world)


def _revise(
    item: DisclosureItem, world: Any, *, changed_on: dt.date | None, body: str
) -> DisclosureItem:
    editor = world.users[Role.EDITOR]
    services.start_revision(item, actor=editor)
    fields: dict[str, Any] = {"body": body}
    if changed_on is not None:
        fields["changed_on"] = changed_on
    return services.update_draft(item, actor=editor, **fields)


def test_a_revision_cannot_be_submitted_without_its_change_date(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    _revise(item, world, changed_on=None, body="<p>修订后的正文</p>")
    with pytest.raises(InvalidInput, match="信息变更日期") as caught:
        services.submit_item(item, actor=world.users[Role.EDITOR])
    assert caught.value.details == {"field": "changed_on"}


@pytest.mark.parametrize(
    ("changed_on", "message"),
    [(D(2026, 3, 1), "不能早于信息形成日期"), (D(2026, 12, 5), "不能晚于今天")],
)
def test_the_change_date_lies_between_the_formed_date_and_today(
    world: Any, nodes: dict[str, Any], changed_on: dt.date, message: str
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    editor = world.users[Role.EDITOR]
    with _on(D(2026, 12, 4)):
        services.start_revision(item, actor=editor)
        with pytest.raises(InvalidInput, match=message):
            services.update_draft(item, actor=editor, changed_on=changed_on)
        services.update_draft(item, actor=editor, changed_on=D(2026, 9, 15))
        # Nor can the formed date be moved past the change date.
        with pytest.raises(InvalidInput, match="不能早于信息形成日期"):
            services.update_draft(item, actor=editor, formed_on=D(2026, 10, 1))


def test_a_first_publication_has_no_change_date(world: Any, nodes: dict[str, Any]) -> None:
    item = _draft(world, nodes, formed_on=D(2026, 3, 2))
    with pytest.raises(InvalidInput, match="首次发布"):
        services.update_draft(item, actor=world.users[Role.EDITOR], changed_on=D(2026, 3, 3))


def test_a_revision_is_late_twenty_working_days_after_its_change_date(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    assert timeliness(item).label == "按时发布"
    item = _revise(item, world, changed_on=D(2026, 9, 15), body="<p>修订后的正文</p>")
    pending = timeliness(item)
    assert (pending.measured_from, pending.due_on, pending.published) == (
        D(2026, 9, 15),
        D(2026, 10, 19),
        False,
    )
    with _on(D(2026, 10, 21)):
        item = _through(item, world)
    late = timeliness(item)
    assert (late.measured_from, late.due_on, late.late_days) == (D(2026, 9, 15), D(2026, 10, 19), 2)
    assert late.label == "超期 2 个工作日"
    assert item.published_on == D(2026, 3, 5)  # the first publication's date stays


def test_each_version_keeps_its_change_date_and_its_timeliness(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    _revise(item, world, changed_on=D(2026, 9, 15), body="<p>第二版</p>")
    with _on(D(2026, 10, 21)):
        item = _through(item, world)
    _revise(item, world, changed_on=D(2026, 11, 2), body="<p>第三版</p>")
    with _on(D(2026, 11, 3)):
        item = _through(item, world)
    versions = list(item.versions.order_by("version"))
    assert [v.snapshot.get("changed_on") for v in versions] == [None, "2026-09-15", "2026-11-02"]
    labels = [version_timeliness(v).label for v in versions]
    assert labels == ["按时发布", "超期 2 个工作日", "按时发布"]
    page = staff_client(world.users[Role.COORDINATOR].username).get(f"/staff/disclosure/{item.pk}/")
    text = page.content.decode()
    assert "信息变更日期" in text
    assert "2026-09-15" in text
    assert "2026-11-02" in text
    assert "超期 2 个工作日" in text  # the second version's, listed with it


def test_the_public_page_shows_the_formed_and_the_changed_date(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    first = Client().get(item.public_url()).content.decode()
    assert "信息形成日期" in first
    assert "2026-03-02" in first
    assert "信息变更日期" not in first  # nothing changed yet
    _revise(item, world, changed_on=D(2026, 9, 15), body="<p>修订后的正文</p>")
    still = Client().get(item.public_url()).content.decode()
    assert "信息变更日期" not in still  # the draft's date is not public before its publication
    with _on(D(2026, 10, 21)):
        _through(item, world)
    page = Client().get(item.public_url()).content.decode()
    assert "信息形成日期" in page
    assert "信息变更日期" in page
    assert "2026-09-15" in page


def test_the_api_takes_and_gives_the_change_date(world: Any, nodes: dict[str, Any]) -> None:
    from gongkai.accounts import services as accounts

    item = _published_on(D(2026, 3, 5), world, nodes)
    services.start_revision(item, actor=world.users[Role.EDITOR])
    _token, raw = accounts.create_api_token(
        world.users[Role.EDITOR], actor=world.users[Role.EDITOR], name="集成"
    )
    response = Client().patch(
        f"/api/v1/disclosures/{item.pk}",
        {"changed_on": "2026-09-15"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed_on"] == "2026-09-15"
    assert body["timeliness"]["measured_from"] == "2026-09-15"
    assert body["timeliness"]["due_on"] == "2026-10-19"


def test_the_edit_page_of_a_revision_asks_for_the_change_date(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _published_on(D(2026, 3, 5), world, nodes)
    services.start_revision(item, actor=world.users[Role.EDITOR])
    editor = staff_client(world.users[Role.EDITOR].username)
    assert 'name="changed_on"' in editor.get(f"/staff/disclosure/{item.pk}/edit/").content.decode()
    fields = {
        "title": item.title,
        "node": item.node_id,
        "unit": item.unit_id,
        "formed_on": "2026-03-02",
        "body": "<p>修订后的正文</p>",
    }
    missing = editor.post(f"/staff/disclosure/{item.pk}/edit/", fields)
    assert missing.status_code == 400
    url = f"/staff/disclosure/{item.pk}/edit/"
    early = editor.post(url, {**fields, "changed_on": "2026-03-01"})
    assert early.status_code == 400
    assert "信息变更日期不能早于信息形成日期" in early.content.decode()
    ok = editor.post(f"/staff/disclosure/{item.pk}/edit/", {**fields, "changed_on": "2026-09-15"})
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.changed_on == D(2026, 9, 15)
    draft = _draft(world, nodes, title="新草稿")
    page = editor.get(f"/staff/disclosure/{draft.pk}/edit/").content.decode()
    assert 'name="changed_on"' not in page  # a first publication runs from the formed date
