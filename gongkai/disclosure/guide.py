"""The 政府信息公开指南: versioned, reviewed yearly, kept in step with the organ's contacts.

条例 第十二条: the guide gives the classification and arrangement of the information, how to
obtain it, and the office's name, address, hours, telephone, fax and internet contacts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.remedies import guide_remedies, review_bodies
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.core.time import today_local
from gongkai.disclosure.models import GuideVersion

GUIDE_FIELDS = (
    "classification",
    "how_to_obtain",
    "how_to_apply",
    "office_name",
    "address",
    "office_hours",
    "phone",
    "fax",
    "email",
    "website",
    "remedies",
)
REQUIRED = (
    "classification",
    "how_to_obtain",
    "how_to_apply",
    "office_name",
    "address",
    "office_hours",
    "phone",
)
# Organ fields the guide repeats; a change to any of them makes the guide due for review.
CONTACT_FIELDS = ("address", "office_hours", "phone", "fax", "email", "website")


def organ_contacts(organ: Organ) -> dict[str, str]:
    return {f: str(getattr(organ, f) or "") for f in CONTACT_FIELDS}


def current_guide(organ: Organ) -> GuideVersion | None:
    return GuideVersion.objects.filter(organ=organ).order_by("-version").first()


def draft_fields(organ: Organ) -> dict[str, str]:
    """Starting values for a first guide, taken from the organ's record."""
    return {
        "office_name": _("%(organ)s办公室") % {"organ": organ.name},
        "address": organ.address,
        "office_hours": organ.office_hours,
        "phone": organ.phone,
        "fax": organ.fax,
        "email": organ.email,
        "website": organ.website,
        "classification": _(
            "本机关政府信息按《政府信息公开目录》分类编排，包括政府信息公开指南、"
            "政府信息公开制度、法定主动公开内容、政府信息公开年报等。"
        ),
        "how_to_obtain": _(
            "主动公开的政府信息通过本机关门户网站“政府信息公开”专栏、政府公报、"
            "新闻发布会等途径公开，公众可在线检索、查阅、下载。"
        ),
        "how_to_apply": _(
            "申请人可通过网上申请、当面、邮寄、传真等方式提出政府信息公开申请，"
            "本机关自收到申请之日起20个工作日内予以答复。"
        ),
        "remedies": guide_remedies(organ),
    }


@transaction.atomic
def save_guide(organ: Organ, *, actor: Any, **fields: Any) -> GuideVersion:
    """Save a new version of the guide (the old ones stay), reviewed today."""
    require(actor, Action.COORDINATE, organ=organ)
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    for name in REQUIRED:
        if not str(fields.get(name, "")).strip():
            raise InvalidInput(_("第十二条要求的要素不能为空。"), details={"field": name})
    top = GuideVersion.objects.filter(organ=organ).aggregate(v=Max("version"))["v"] or 0
    guide = GuideVersion.objects.create(
        organ=organ,
        version=top + 1,
        reviewed_on=today_local(),
        organ_contacts=organ_contacts(organ),
        created_by=actor,
        **{k: str(v).strip() for k, v in fields.items()},
    )
    record_event(
        "disclosure.guide.saved",
        actor=actor,
        obj=guide,
        organ_id=organ.pk,
        changes={"version": guide.version},
    )
    return guide


def guide_reminders(organ: Organ, *, today: dt.date | None = None) -> list[str]:
    """Return why the guide needs attention: missing, a year old, contacts changed, or its
    remedies not naming the organ's 行政复议机关 (行政复议法 第二十条第三款; RULES §2.5)."""
    today = today or today_local()
    guide = current_guide(organ)
    if guide is None:
        return [_("尚未编制政府信息公开指南。")]
    reasons = []
    if (today - guide.reviewed_on).days >= settings.GONGKAI_GUIDE_REVIEW_DAYS:
        reasons.append(
            _("公开指南已超过一年未审核更新（最近审核：%(d)s）。")
            % {"d": guide.reviewed_on.isoformat()}
        )
    changed = [f for f, v in organ_contacts(organ).items() if guide.organ_contacts.get(f) != v]
    if changed:
        labels = {
            "address": _("办公地址"),
            "office_hours": _("办公时间"),
            "phone": _("联系电话"),
            "fax": _("传真"),
            "email": _("电子邮箱"),
            "website": _("网站"),
        }
        reasons.append(
            _("机关的%(fields)s已变更，请同步更新公开指南。")
            % {"fields": "、".join(str(labels[f]) for f in changed)}
        )
    bodies = review_bodies(organ)
    absent = [name for name in bodies.names if name not in guide.remedies]
    if absent:
        reasons.append(
            _(
                "公开指南的救济途径未写明行政复议机关“%(names)s”（行政复议法第二十条第三款），"
                "请按机关信息中的行政复议机关更新。"
            )
            % {"names": "、".join(absent)}
        )
    return reasons
