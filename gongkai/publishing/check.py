"""Check the published site against its manifest and the database; repair what is found.

Three ways the site can differ from what it should be, each found here:

- the files and the manifest disagree (``missing``, ``extra``, ``altered``): someone or
  something wrote to the site outside the publisher;
- the database publishes a page the manifest lacks (``unpublished``): a publication that was
  lost (its worker killed, its task never enqueued) — a published item, an organ's pages;
- a page is older than what it shows (``stale``): an item changed after its page was written
  (its ``updated_at``, or its last publication while it is being revised, is later than the
  manifest's ``written_at``), or an organ's page or a site-wide page renders differently now
  than the bytes the manifest holds (a 权责清单 or 公开指南 changed and the page was never
  rewritten). Matching hashes alone had called such a site 一致.

``repair_site`` rewrites what was found through the normal publish path (``_publish`` for items,
which also rewrites their lists and feeds; ``publish_urls`` for other pages), removes nothing
that is published, and moves what it replaces or takes away (altered and extra files) to a
quarantine directory beside the site, as evidence.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import record_event
from gongkai.publishing import pages, selectors
from gongkai.publishing.models import PublishedFile
from gongkai.publishing.render import item_id, render_many
from gongkai.publishing.services import (
    CATCH_UP_BATCH,
    _publish,
    copy_assets,
    live_dir,
    publish_urls,
    site_root,
)
from gongkai.publishing.writer import ITEM_FILE, file_for_url, url_for_file

# (phase, done, total): phases are named for people, in Chinese.
Progress = Callable[[str, int, int], None]
QUARANTINE_LISTED = 50  # paths named in the audit record per kind, at most


@dataclass
class Checked:
    missing: list[str] = field(default_factory=list)  # in the manifest, not on disk
    extra: list[str] = field(default_factory=list)  # on disk, not in the manifest
    altered: list[str] = field(default_factory=list)  # hash or size not the manifest's
    unpublished: list[str] = field(default_factory=list)  # URLs the manifest lacks
    stale: list[str] = field(default_factory=list)  # files older than their source

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.altered or self.unpublished or self.stale)

    @property
    def tampered(self) -> bool:
        """Files changed outside the publisher (not a lost or late publication)."""
        return bool(self.missing or self.extra or self.altered)

    def counts(self) -> dict[str, int]:
        return {
            "missing": len(self.missing),
            "extra": len(self.extra),
            "altered": len(self.altered),
            "unpublished": len(self.unpublished),
            "stale": len(self.stale),
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_on_disk(root: Path) -> set[str]:
    on_disk: set[str] = set()
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(".") and name.endswith((".tmp", ".link")):
                continue  # a write in progress
            on_disk.add(str(PurePosixPath(Path(directory, name).relative_to(root).as_posix())))
    return on_disk


def _expected_pages() -> list[str]:
    """The pages other than items' that the database publishes whatever the items: the
    site-wide ones and each active organ's own (its 公开指南 once it has one)."""
    from gongkai.accounts.models import Organ
    from gongkai.disclosure.models import GuideVersion

    with_guide = set(GuideVersion.objects.values_list("organ_id", flat=True).distinct())
    urls = list(pages.FIXED)
    for organ_id in (
        Organ.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    ):
        urls += [
            url
            for url in pages.organ_pages(organ_id)
            if organ_id in with_guide or "/guide/" not in url
        ]
    return urls


def check_site(*, progress: Progress | None = None) -> Checked:
    """Compare the files on disk with the manifest, the manifest with the database, and the
    pages that are not items' with what they render to now. ``progress`` is told how far each
    phase has got (hashing every file of a large site takes minutes)."""
    tell = progress or (lambda phase, done, total: None)
    root = live_dir()
    result = Checked()
    on_disk = _files_on_disk(root)
    manifest = {
        path: (sha256, size, written_at)
        for path, sha256, size, written_at in PublishedFile.objects.values_list(
            "path", "sha256", "size", "written_at"
        ).iterator(5000)
    }
    result.missing = sorted(set(manifest) - on_disk)
    result.extra = sorted(on_disk - set(manifest))
    both = sorted(on_disk & set(manifest))
    phase = _("核对文件")
    for done, path in enumerate(both, start=1):
        sha256, size, _written = manifest[path]
        target = root / path
        if target.stat().st_size != size or _sha256(target) != sha256:
            result.altered.append(path)
        if done % 500 == 0:
            tell(phase, done, len(both))
    tell(phase, len(both), len(both))
    _check_items(result, manifest, tell)
    _check_pages(result, manifest, tell)
    return result


def _check_items(
    result: Checked, manifest: dict[str, tuple[str, int, Any]], tell: Progress
) -> None:
    """Each listed item has its page in the manifest, written after the item last changed."""
    from gongkai.disclosure.choices import ItemStatus
    from gongkai.disclosure.models import LISTED, DisclosureItem, item_url

    shown = (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN)
    total = DisclosureItem.objects.filter(LISTED).count()
    phase = _("核对信息页面")
    rows = (
        DisclosureItem.objects.filter(LISTED)
        .order_by("pk")
        .values_list("pk", "status", "updated_at", "published_at")
        .iterator(2000)
    )
    for done, (pk, status, updated_at, published_at) in enumerate(rows, start=1):
        url = item_url(pk)
        path = file_for_url(url)
        entry = manifest.get(path)
        if entry is None:
            result.unpublished.append(url)
        else:
            # While a new version is drafted the page shows the last one published.
            changed = updated_at if status in shown else published_at
            if changed is not None and changed > entry[2]:
                result.stale.append(path)
        if done % 2000 == 0:
            tell(phase, done, total)
    tell(phase, total, total)


def _check_pages(
    result: Checked, manifest: dict[str, tuple[str, int, Any]], tell: Progress
) -> None:
    """The site-wide and organ pages: in the manifest, and the bytes they render to now."""
    urls = _expected_pages()
    present = [url for url in urls if file_for_url(url) in manifest]
    result.unpublished += [url for url in urls if file_for_url(url) not in manifest]
    phase = _("核对栏目页面")
    with selectors.snapshot(), selectors.build_cache(full=False):
        for done, (url, body) in enumerate(render_many(present), start=1):
            path = file_for_url(url)
            if body is not None and hashlib.sha256(body).hexdigest() != manifest[path][0]:
                result.stale.append(path)
            tell(phase, done, len(present))
    tell(phase, len(present), len(present))


@dataclass
class Repaired:
    found: Checked
    left: Checked  # what a check after the repair still finds
    quarantine: Path | None
    items: int = 0  # items published again
    pages: int = 0  # other pages rewritten


def quarantine_dir() -> Path:
    root = site_root()
    return root.with_name(root.name + "-quarantine")


def _quarantine(root: Path, paths: list[str], into: Path) -> None:
    for path in paths:
        source = root / path
        if source.is_file():
            target = into / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)


def _to_rewrite(found: Checked) -> tuple[list[int], list[str], bool]:
    """What to write again: item ids (their publication also rewrites their lists, feeds and
    attachments), other pages' URLs, and whether the static assets."""
    from gongkai.disclosure.models import Attachment

    ids: set[int] = set()
    urls: list[str] = []
    assets = False
    attachments: set[int] = set()
    for url in found.unpublished:
        pk = item_id(url)
        if pk is not None:
            ids.add(pk)
        else:
            urls.append(url)
    for path in [*found.missing, *found.altered, *found.stale]:
        page = path.removesuffix(".gz")
        if path.startswith("static/"):
            assets = True
        elif path.startswith("xxgk/files/"):
            attachments.add(int(path.split("/")[2]))
        elif (match := ITEM_FILE.match(page)) is not None:
            ids.add(int(match.group(1)))
        else:
            urls.append(url_for_file(path))
    if attachments:
        ids |= set(Attachment.objects.filter(pk__in=attachments).values_list("item_id", flat=True))
    return sorted(ids), list(dict.fromkeys(urls)), assets


def repair_site(*, actor: Any, progress: Progress | None = None) -> Repaired:
    """Check the site and write again what the check finds, through the normal publish path:
    items not written, missing, altered or stale are published again (with their lists and
    feeds), other pages re-rendered, the static assets copied. Altered files and files the
    publisher never wrote are first moved to ``<site>-quarantine/<time>/`` (kept as evidence,
    never deleted); nothing that is published is removed. Audited
    (``publishing.site.repaired``) with what was found and what is left."""
    tell = progress or (lambda phase, done, total: None)
    found = check_site(progress=progress)
    if found.ok:
        return Repaired(found, found, None)
    root = live_dir()
    into = None
    if found.altered or found.extra:
        into = quarantine_dir() / f"{timezone.now():%Y%m%d-%H%M%S-%f}"
        _quarantine(root, [*found.altered, *found.extra], into)
    ids, urls, assets = _to_rewrite(found)
    phase = _("重新发布信息")
    for start in range(0, len(ids), CATCH_UP_BATCH):
        _publish(ids[start : start + CATCH_UP_BATCH])
        tell(phase, min(start + CATCH_UP_BATCH, len(ids)), len(ids))
    if urls:
        publish_urls(urls, source="repair")
        tell(_("重新生成页面"), len(urls), len(urls))
    if assets:
        copy_assets()
    left = check_site()
    listed = {
        kind: paths[:QUARANTINE_LISTED]
        for kind, paths in (
            ("missing_paths", found.missing),
            ("altered_paths", found.altered),
            ("extra_paths", found.extra),
            ("unpublished_urls", found.unpublished),
            ("stale_paths", found.stale),
        )
        if paths
    }
    with transaction.atomic():
        record_event(
            "publishing.site.repaired",
            actor=actor,
            changes={
                **found.counts(),
                **listed,
                "items": len(ids),
                "pages": len(urls),
                "quarantine": str(into) if into else "",
                "left": left.counts(),
            },
        )
    return Repaired(found, left, into, items=len(ids), pages=len(urls))
