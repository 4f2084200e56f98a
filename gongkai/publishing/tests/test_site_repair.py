"""Publications that were lost are found and written again: a task left RUNNING by a killed
worker is retried, a published item whose page was never written (or was deleted) is reported
by ``check_site`` and written by ``check_site --repair`` and by the daily upkeep, and a page
whose source changed without it being rewritten (a 权责清单, a revision) is reported stale.

A killed worker is simulated in the database exactly as a kill leaves it: the worker claimed
the row (``DBTaskResult.claim``: status RUNNING, start time, its id appended) and died before
writing anything — a real SIGKILL at the right instant cannot be timed reliably in a test."""

from __future__ import annotations

import datetime as dt
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent
from gongkai.disclosure import services as disclosure
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.publishing.check import check_site
from gongkai.publishing.services import build_site, live_dir
from gongkai.publishing.writer import file_for_url

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DAILY = Path(__file__).resolve().parents[3] / "deploy" / "gongkai-daily.service"


def _published(world: Any, nodes: dict[str, Any], title: str) -> Any:
    """An item published in the database; its pages are written only if the test lets the
    commit's callbacks run (these tests mostly do not: a publication that never happened)."""
    return _through(_draft(world, nodes, title=title), world)


def _page(item: Any) -> Path:
    return live_dir() / file_for_url(item.public_url())


def _repair(*, tampered: bool = False) -> str:
    """Run ``check_site --repair``. When files had been changed outside the publisher it
    repairs them and still exits 1, asking for an investigation."""
    out = io.StringIO()
    if tampered:
        with pytest.raises(CommandError, match="请调查"):
            call_command("check_site", "--repair", stdout=out, stderr=io.StringIO())
    else:
        call_command("check_site", "--repair", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_publication_whose_worker_was_killed_is_retried_and_written(
    site: Path, world: Any, nodes: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    build_site(jobs=1)
    with override_settings(TASKS=DB_TASKS, GONGKAI_TASK_BACKEND="db"):
        item = _published(world, nodes, "关于被中断发布的通知")
        task = DBTaskResult.objects.get(task_path="gongkai.publishing.tasks.publish_item_task")
        task.claim("worker-killed-mid-task")  # what the dead worker wrote, and nothing more
        an_hour_ago = timezone.now() - dt.timedelta(hours=1)
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=an_hour_ago)
        assert not _page(item).exists()
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
        task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert "关于被中断发布的通知" in _page(item).read_text()
    assert check_site().ok
    reclaimed = AuditEvent.objects.get(action="core.task.reclaimed")
    assert reclaimed.changes_data["task_path"] == "gongkai.publishing.tasks.publish_item_task"


def test_a_published_item_never_written_is_reported_and_written_by_repair(
    site: Path, world: Any, nodes: Any
) -> None:
    build_site(jobs=1)
    item = _published(world, nodes, "关于从未写出的页面的通知")
    assert not _page(item).exists()
    found = check_site()
    assert found.unpublished == [item.public_url()]
    with pytest.raises(CommandError, match="未发布 1"):
        call_command("check_site", stdout=io.StringIO())
    out = _repair()
    assert item.public_url() in out
    assert "关于从未写出的页面的通知" in _page(item).read_text()
    listing = (live_dir() / f"xxgk/{world.organ.pk}/{item.node.code}/index.html").read_text()
    assert "关于从未写出的页面的通知" in listing  # through the normal publish path: its lists too
    assert check_site().ok
    repaired = AuditEvent.objects.get(action="publishing.site.repaired")
    assert repaired.changes_data["unpublished"] == 1


def test_a_page_deleted_from_disk_is_rewritten_by_repair(
    site: Path, world: Any, nodes: Any
) -> None:
    item = _published(world, nodes, "关于被删除页面的通知")
    build_site(jobs=1)
    _page(item).unlink()
    (live_dir() / "robots.txt").unlink()
    assert set(check_site().missing) == {file_for_url(item.public_url()), "robots.txt"}
    _repair(tampered=True)
    assert "关于被删除页面的通知" in _page(item).read_text()
    assert (live_dir() / "robots.txt").is_file()
    assert check_site().ok


def test_the_daily_upkeep_writes_what_was_published_but_not_written(
    site: Path, world: Any, nodes: Any
) -> None:
    build_site(jobs=1)
    item = _published(world, nodes, "关于每日核对补发的通知")
    commands = re.findall(r"^ExecStart=\S*/gongkai (.+)$", DAILY.read_text(), re.M)
    assert commands
    for command in commands:  # what the timer runs, in its order; none may fail
        call_command(*shlex.split(command), stdout=io.StringIO(), stderr=io.StringIO())
    assert "关于每日核对补发的通知" in _page(item).read_text()
    assert check_site().ok


def test_a_power_list_changed_without_republishing_is_stale_and_repaired(
    site: Path, world: Any
) -> None:
    from gongkai.disclosure.models import PowerItem
    from gongkai.disclosure.powers import import_power_list
    from gongkai.disclosure.tests.test_powers import ROWS, _xlsx

    import_power_list(
        world.organ, actor=world.users[Role.COORDINATOR], data=_xlsx(ROWS[:2]), source_name="a"
    )
    build_site(jobs=1)
    page = live_dir() / f"xxgk/{world.organ.pk}/powers/index.html"
    assert "律师事务所设立许可" in page.read_text()
    assert check_site().ok
    PowerItem.objects.filter(name="律师事务所设立许可").update(name="律师事务所设立及变更许可")
    found = check_site()
    assert found.stale == [f"xxgk/{world.organ.pk}/powers/index.html"]
    assert not found.ok
    with pytest.raises(CommandError, match="过期 1"):
        call_command("check_site", stdout=io.StringIO())
    _repair()
    assert "律师事务所设立及变更许可" in page.read_text()
    assert check_site().ok


def test_a_revision_whose_publication_was_lost_is_stale_and_repaired(
    site: Path, world: Any, nodes: Any
) -> None:
    item = _published(world, nodes, "关于修订前标题的通知")
    build_site(jobs=1)
    disclosure.start_revision(item, actor=world.users[Role.EDITOR])
    disclosure.update_draft(
        item,
        actor=world.users[Role.EDITOR],
        title="关于修订后标题的通知",
        changed_on=item.formed_on,
    )
    _through(item, world)  # republished in the database; its pages were never rewritten
    assert file_for_url(item.public_url()) in check_site().stale
    _repair()
    assert "关于修订后标题的通知" in _page(item).read_text()
    assert check_site().ok


def test_importing_a_power_list_or_a_guide_publishes_its_page(
    site: Path, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gongkai.disclosure import guide
    from gongkai.disclosure.powers import import_power_list
    from gongkai.disclosure.tests.test_powers import ROWS, _xlsx

    build_site(jobs=1)
    coordinator = world.users[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=True):
        import_power_list(world.organ, actor=coordinator, data=_xlsx(ROWS[:1]), source_name="a")
    powers = live_dir() / f"xxgk/{world.organ.pk}/powers/index.html"
    assert "律师事务所设立许可" in powers.read_text()
    fields = guide.draft_fields(world.organ)
    fields.update(
        address="示例路 1 号", office_hours="工作日 9:00-12:00（指南测试）", phone="0760-1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_guide(world.organ, actor=coordinator, **fields)
    page = live_dir() / f"xxgk/{world.organ.pk}/guide/index.html"
    assert "工作日 9:00-12:00（指南测试）" in page.read_text()
    assert check_site().ok


def test_repair_keeps_what_it_replaces_or_takes_away(site: Path, world: Any, nodes: Any) -> None:
    """An altered page is rewritten and a file the site never published is taken off it; both
    are kept aside as evidence (tampering is a matter for an investigation), nothing deleted."""
    item = _published(world, nodes, "关于被篡改页面的通知")
    build_site(jobs=1)
    _page(item).write_text("<p>篡改</p>")
    (live_dir() / "evil.html").write_text("<script></script>")
    out = _repair(tampered=True)
    assert "被改动" in out
    assert "多余" in out
    assert "关于被篡改页面的通知" in _page(item).read_text()
    assert not (live_dir() / "evil.html").exists()
    kept = {
        p.name: p.read_text() for p in site.parent.glob("site-quarantine/*/**/*") if p.is_file()
    }
    assert kept == {f"{item.pk}.html": "<p>篡改</p>", "evil.html": "<script></script>"}
    assert check_site().ok


def test_repair_reports_its_progress(site: Path, world: Any, nodes: Any) -> None:
    from gongkai.core.actors import SYSTEM
    from gongkai.publishing.check import repair_site

    for n in range(3):
        _published(world, nodes, f"文件{n}")
    seen: list[tuple[str, int, int]] = []
    repair_site(actor=SYSTEM, progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen
    assert seen[-1][1] == seen[-1][2]  # the last phase ran to its end


def test_every_page_of_the_site_is_found_again_from_its_file(
    site: Path, world: Any, nodes: Any
) -> None:
    from gongkai.publishing import pages
    from gongkai.publishing.writer import url_for_file

    for n in range(4):
        _published(world, nodes, f"文件{n}")
    urls = list(pages.site_urls())
    assert len(urls) > 20
    for url in urls:
        assert url_for_file(file_for_url(url)) == url
        assert url_for_file(file_for_url(url) + ".gz") == url
