"""政策解读 forms (RULES §7.1, the plan's task 11): where the organ requires it, a policy that
needs interpretation is published only once, beside any text interpretation, one in another
form (图表图解, 音视频, 新闻发布会, 简明问答, H5 …) has been submitted — a per-organ rule,
off for a new organ, on for the demo organ, set by a coordinator on the settings page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings

from conftest import PASSWORD, staff_client
from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role
from gongkai.accounts.organs import SESSION_KEY
from gongkai.core.actors import SYSTEM
from gongkai.core.demo import DemoContext
from gongkai.core.errors import Conflict
from gongkai.core.models import AuditEvent
from gongkai.core.time import today_local
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.selectors import get_disclosure_settings

pytestmark = pytest.mark.django_db


def _policy(organ: Any, unit: Any, users: dict[str, Any]) -> DisclosureItem:
    nodes = {n.code: n for n in ensure_catalogue(organ)}
    return services.create_draft(
        organ,
        actor=users[Role.COORDINATOR],
        unit=unit,
        node=nodes["policies"],
        title="关于规范律师执业行为的若干规定",
        formed_on=dt.date(2026, 11, 2),
        kind="policy",
        needs_interpretation=True,
        body="<p>正文</p>",
    )


def _approve(policy: DisclosureItem, users: dict[str, Any]) -> DisclosureItem:
    """Submit (三同步: with its interpretations already submitted), review and approve."""
    services.submit_item(policy, actor=users[Role.COORDINATOR])
    services.review_item(policy, actor=users[Role.REVIEWER], decision="disclose", basis="")
    return services.approve_item(policy, actor=users[Role.LEADER])


def _interpretation(policy: DisclosureItem, users: dict[str, Any], form: str) -> DisclosureItem:
    nodes = {n.code: n for n in ensure_catalogue(policy.organ)}
    reading = services.create_draft(
        policy.organ,
        actor=users[Role.COORDINATOR],
        unit=policy.unit,
        node=nodes["interpretations"],
        title=f"《{policy.title}》解读（{form}）",
        formed_on=dt.date(2026, 11, 2),
        kind="interpretation",
        interprets=policy,
        interpretation_form=form,
        body="<p>解读</p>",
    )
    return services.submit_item(reading, actor=users[Role.COORDINATOR])


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
def test_the_demo_organ_needs_an_interpretation_beyond_text(demo_data: DemoContext) -> None:
    organ, users = demo_data.organ, demo_data.users
    policy = _policy(organ, organ.units.get(name="办公室"), users)
    _interpretation(policy, users, "text")
    with pytest.raises(Conflict, match="文字解读以外") as caught:  # not even submitted
        services.submit_item(policy, actor=users[Role.COORDINATOR])
    assert "图表图解" in caught.value.message  # it says what would do
    assert caught.value.code == "interpretation_form_missing"
    _interpretation(policy, users, "graphic")
    policy = _approve(policy, users)
    assert services.publish_item(policy, actor=users[Role.COORDINATOR]).status == "published"


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
@pytest.mark.parametrize("form", ["graphic", "media", "qa", "press", "h5"])
def test_any_form_other_than_text_will_do(demo_data: DemoContext, form: str) -> None:
    organ, users = demo_data.organ, demo_data.users
    policy = _policy(organ, organ.units.get(name="办公室"), users)
    _interpretation(policy, users, form)
    policy = _approve(policy, users)
    assert services.publish_item(policy, actor=users[Role.COORDINATOR]).status == "published"


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
def test_a_draft_in_another_form_does_not_count(demo_data: DemoContext) -> None:
    organ, users = demo_data.organ, demo_data.users
    policy = _policy(organ, organ.units.get(name="办公室"), users)
    _interpretation(policy, users, "text")
    nodes = {n.code: n for n in ensure_catalogue(organ)}
    services.create_draft(  # a chart still in draft: not submitted with the policy
        organ,
        actor=users[Role.COORDINATOR],
        unit=policy.unit,
        node=nodes["interpretations"],
        title="图解（草稿）",
        formed_on=dt.date(2026, 11, 2),
        kind="interpretation",
        interprets=policy,
        interpretation_form="graphic",
    )
    with pytest.raises(Conflict, match="文字解读以外"):
        services.submit_item(policy, actor=users[Role.COORDINATOR])


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
def test_a_new_organ_takes_a_text_interpretation(world: Any) -> None:
    policy = _policy(world.organ, world.own_unit, world.users)
    _interpretation(policy, world.users, "text")
    policy = _approve(policy, world.users)
    assert services.publish_item(policy, actor=world.users[Role.COORDINATOR]).status == (
        "published"
    )


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=False, GONGKAI_INTERPRETATION_DAYS=0)
def test_policies_with_text_only_interpretations_are_listed_as_missing(
    demo_data: DemoContext,
) -> None:
    from gongkai.disclosure.selectors import list_policies_missing_interpretation

    organ, users = demo_data.organ, demo_data.users
    policy = _approve(_policy(organ, organ.units.get(name="办公室"), users), users)
    services.publish_item(policy, actor=users[Role.COORDINATOR])
    reading = _interpretation(policy, users, "text")
    services.review_item(reading, actor=users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(reading, actor=users[Role.LEADER])
    services.publish_item(reading, actor=users[Role.COORDINATOR])
    coordinator = users[Role.COORDINATOR]
    missing = list_policies_missing_interpretation(coordinator, organ=organ, today=today_local())
    assert missing == [policy]
    services.update_disclosure_settings(organ, actor=coordinator, is_other_form_required=False)
    assert list_policies_missing_interpretation(coordinator, organ=organ, today=today_local()) == []


def test_a_coordinator_sets_the_rule_on_the_settings_page(world: Any) -> None:
    url = "/staff/disclosure/settings/"
    coordinator = staff_client(world.users[Role.COORDINATOR].username)
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "文字解读以外" in page.content.decode()
    assert 'name="is_other_form_required"' in page.content.decode()
    assert "checked" not in page.content.decode().split('name="is_other_form_required"')[1][:40]
    assert coordinator.post(url, {"is_other_form_required": "on"}).status_code == 302
    assert get_disclosure_settings(world.organ).is_other_form_required
    event = AuditEvent.objects.get(action="disclosure.settings.updated")
    assert event.organ_id == world.organ.pk
    assert event.changes_data == {"is_other_form_required": [False, True]}
    assert coordinator.post(url, {}).status_code == 302
    assert not get_disclosure_settings(world.organ).is_other_form_required


def test_only_the_organs_coordinators_may_set_it(world: Any) -> None:
    url = "/staff/disclosure/settings/"
    editor = staff_client(world.users[Role.EDITOR].username)
    assert editor.get(url).status_code == 404
    assert editor.post(url, {"is_other_form_required": "on"}).status_code == 404
    # A coordinator of another organ, its session pointing at this organ, reaches only its own.
    outsider = accounts.create_user(
        actor=SYSTEM, organ=world.other_organ, username="outsider", password=PASSWORD
    )
    accounts.grant_role(outsider, actor=SYSTEM, organ=world.other_organ, role=Role.COORDINATOR)
    client = Client()
    client.force_login(outsider)
    session = client.session
    session[SESSION_KEY] = world.organ.pk
    session.save()
    assert client.post(url, {"is_other_form_required": "on"}).status_code == 302
    assert not get_disclosure_settings(world.organ).is_other_form_required
    assert get_disclosure_settings(world.other_organ).is_other_form_required
    with pytest.raises(Exception, match="没有执行此操作的权限"):
        services.update_disclosure_settings(
            world.organ, actor=outsider, is_other_form_required=True
        )


def test_the_api_takes_the_form_of_an_interpretation(world: Any) -> None:
    policy = _policy(world.organ, world.own_unit, world.users)
    editor = world.users[Role.EDITOR]
    _token, raw = accounts.create_api_token(editor, actor=editor, name="集成")
    payload = {
        "organ_id": world.organ.pk,
        "unit_id": world.own_unit.pk,
        "node_code": "interpretations",
        "title": "一图读懂",
        "formed_on": "2026-11-02",
        "kind": "interpretation",
        "interprets_id": policy.pk,
        "interpretation_form": "graphic",
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = client.post("/api/v1/disclosures", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["interpretation_form"] == "graphic"
    wrong = client.post(
        "/api/v1/disclosures",
        {**payload, "interpretation_form": "poster"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert wrong.json()["details"] == {"field": "interpretation_form"}
