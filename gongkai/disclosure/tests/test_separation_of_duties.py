"""Separation of duties (职责分离) in 保密审查 (条例 第十七条, RULES §2.2; 等保 2.0): whoever
drafted an item does not review or approve it, and whoever reviewed it does not approve it — three
people by default (``GONGKAI_DISCLOSURE_DISTINCT_PEOPLE``), two where the platform says so. A
revision's authors are whoever started or edited that revision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from conftest import PASSWORD, staff_client
from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import NotPermitted
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem

pytestmark = pytest.mark.django_db
D = dt.date


def _person(world: Any, username: str, *roles: str) -> Any:
    user = accounts.create_user(
        actor=SYSTEM, organ=world.organ, username=username, password=PASSWORD
    )
    for role in roles:
        units = [world.own_unit] if role == Role.EDITOR else []
        accounts.grant_role(user, actor=SYSTEM, organ=world.organ, role=role, units=units)
    return user


def _draft(world: Any, actor: Any, title: str = "关于公布2026年权责清单的通知") -> DisclosureItem:
    return services.create_draft(
        world.organ,
        actor=actor,
        unit=world.own_unit,
        node=ensure_catalogue(world.organ)[0],
        title=title,
        formed_on=D(2026, 3, 2),
        body="<p>正文</p>",
    )


def test_one_person_with_every_role_drafts_but_does_not_check_their_own_item(world: Any) -> None:
    everyone = _person(world, "all_roles", Role.EDITOR, Role.REVIEWER, Role.LEADER)
    item = services.submit_item(_draft(world, everyone), actor=everyone)
    with pytest.raises(NotPermitted, match="您参与了该信息的拟稿或修改，不能对其进行保密审查"):
        services.review_item(item, actor=everyone, decision="disclose", basis="")
    with pytest.raises(NotPermitted, match="不能对其进行保密审查"):
        services.review_item(item, actor=everyone, decision="withhold", basis="条例第十四条")
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    with pytest.raises(NotPermitted, match="您参与了该信息的拟稿或修改，不能审批"):
        services.approve_item(item, actor=everyone)
    services.approve_item(item, actor=world.users[Role.LEADER])
    published = services.publish_item(item, actor=world.users[Role.COORDINATOR])
    assert published.status == "published"
    assert (published.reviewed_by, published.approved_by) == (
        world.users[Role.REVIEWER],
        world.users[Role.LEADER],
    )


def test_the_reviewer_does_not_approve_what_they_reviewed(world: Any) -> None:
    reviewer = world.users[Role.REVIEWER]
    accounts.grant_role(reviewer, actor=SYSTEM, organ=world.organ, role=Role.LEADER)
    item = services.submit_item(
        _draft(world, world.users[Role.EDITOR]), actor=world.users[Role.EDITOR]
    )
    services.review_item(item, actor=reviewer, decision="disclose", basis="")
    with pytest.raises(NotPermitted, match="您已对该信息进行保密审查，不能再审批"):
        services.approve_item(item, actor=reviewer)
    assert services.approve_item(item, actor=world.users[Role.LEADER]).status == "approved"


@override_settings(GONGKAI_DISCLOSURE_DISTINCT_PEOPLE=2)
def test_where_two_people_suffice_the_reviewer_may_approve_but_the_author_may_not(
    world: Any,
) -> None:
    reviewer = _person(world, "rev_lead", Role.REVIEWER, Role.LEADER)
    author = _person(world, "ed_lead", Role.EDITOR, Role.LEADER)
    item = services.submit_item(_draft(world, author), actor=author)
    services.review_item(item, actor=reviewer, decision="disclose", basis="")
    with pytest.raises(NotPermitted, match="不能审批"):
        services.approve_item(item, actor=author)
    assert services.approve_item(item, actor=reviewer).status == "approved"


def test_everyone_who_edited_the_draft_is_one_of_its_authors(world: Any) -> None:
    second = _person(world, "second_editor", Role.EDITOR, Role.REVIEWER)
    item = _draft(world, world.users[Role.EDITOR])
    services.update_draft(item, actor=second, summary="补充内容概述")
    services.submit_item(item, actor=world.users[Role.EDITOR])
    with pytest.raises(NotPermitted, match="拟稿或修改"):
        services.review_item(item, actor=second, decision="disclose", basis="")


def test_a_revisions_authors_are_whoever_started_or_edited_it(world: Any) -> None:
    first_author = _person(world, "first_author", Role.EDITOR, Role.REVIEWER)
    reviser = _person(world, "reviser", Role.EDITOR, Role.REVIEWER)
    item = services.submit_item(_draft(world, first_author), actor=first_author)
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=world.users[Role.LEADER])
    services.publish_item(item, actor=world.users[Role.COORDINATOR])
    services.start_revision(item, actor=reviser)
    services.update_draft(item, actor=reviser, body="<p>修订</p>", changed_on=D(2026, 3, 10))
    services.submit_item(item, actor=reviser)
    with pytest.raises(NotPermitted, match="拟稿或修改"):
        services.review_item(item, actor=reviser, decision="disclose", basis="")
    # The first version's author did not touch this revision: they may review it.
    assert services.review_item(item, actor=first_author, decision="disclose", basis="").status == (
        "reviewed"
    )


def test_bulk_review_applies_the_rule_to_each_item(world: Any) -> None:
    reviewer = world.users[Role.REVIEWER]
    accounts.grant_role(
        reviewer, actor=SYSTEM, organ=world.organ, role=Role.EDITOR, units=[world.own_unit]
    )
    theirs = services.submit_item(_draft(world, reviewer, title="审查员本人拟稿"), actor=reviewer)
    editor = world.users[Role.EDITOR]
    other = services.submit_item(_draft(world, editor, title="他人拟稿"), actor=editor)
    with pytest.raises(NotPermitted, match="审查员本人拟稿"):
        services.bulk_review([other, theirs], actor=reviewer, decision="disclose", basis="")
    assert set(DisclosureItem.objects.values_list("status", flat=True)) == {"submitted"}
    services.bulk_review([other], actor=reviewer, decision="disclose", basis="")
    other.refresh_from_db()
    assert other.status == "reviewed"


def test_the_item_page_tells_the_author_that_someone_else_reviews_it(world: Any) -> None:
    everyone = _person(world, "all_roles", Role.EDITOR, Role.REVIEWER, Role.LEADER)
    item = services.submit_item(_draft(world, everyone), actor=everyone)
    own = staff_client("all_roles").get(f"/staff/disclosure/{item.pk}/").content.decode()
    assert "记录审查意见" not in own
    assert "不能对其进行保密审查" in own
    other = staff_client(world.users[Role.REVIEWER].username)
    assert "记录审查意见" in other.get(f"/staff/disclosure/{item.pk}/").content.decode()
    queue = staff_client("all_roles").get("/staff/disclosure/review/").content.decode()
    assert f'value="{item.pk}"' not in queue  # not offered for the bulk decision


def test_existing_items_get_their_authors_from_the_audit_trail(world: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongkai.disclosure.migrations.0013_item_authors")
    helper = _person(world, "helper", Role.EDITOR)
    reviser = _person(world, "reviser", Role.EDITOR)
    draft = _draft(world, world.users[Role.EDITOR], title="草稿")
    services.update_draft(draft, actor=helper, summary="概述")
    revised = services.submit_item(_draft(world, helper, title="修订中"), actor=helper)
    services.review_item(revised, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(revised, actor=world.users[Role.LEADER])
    services.publish_item(revised, actor=world.users[Role.COORDINATOR])
    services.start_revision(revised, actor=reviser)
    DisclosureItem.authors.through.objects.all().delete()
    migration.authors_from_the_audit_trail(apps, None)
    assert set(draft.authors.all()) == {world.users[Role.EDITOR], helper}
    assert set(revised.authors.all()) == {reviser}
