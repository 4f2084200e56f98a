"""Remedies against an organ's acts: which body reviews them, and the sentences that say so.

《中华人民共和国行政复议法》(2023; RULES §2.5 "Remedies"):

- 第二十四条第一款第（一）项: a department of a local government → the 本级人民政府;
  第（二）项: a lower government → the government one level up; 第二款: a 省级人民政府 reviews its
  own acts, as a 国务院部门 does (第二十五条).
- 第二十七条: 海关、金融、外汇管理 and other vertically led organs, 税务 and 国家安全机关 → the
  上一级主管部门.
- 第二十八条: a 司法行政部门 → the 本级人民政府 **or** the 上一级司法行政部门.
- 第二十条第一款: 60 days; 第三款: a decision that does not name the right, the body and the period
  lets the 60 days run from when the applicant learns of them (at most one year) — so every letter
  names the body and the period.
- 第二十三条第一款第（四）项、第二款: against 不予公开 reconsideration comes first, and the decision
  must say so; then court within 15 days of the reconsideration decision, or of the end of its
  period when none is made (行政诉讼法 第四十五条). Otherwise court directly within 6 months
  (行政诉讼法 第四十六条).

The periods are settings (``GONGKAI_FOI_REVIEW_DAYS``, ``GONGKAI_FOI_LITIGATION_MONTHS``,
``GONGKAI_FOI_LITIGATION_AFTER_REVIEW_DAYS``); the organ's kind and the bodies' names are organ
fields, so that the clause never names a body in general words where it can name it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from gongkai.accounts.choices import RemedyMode, ReviewKind
from gongkai.accounts.models import Organ

REVIEW_ACT = "《中华人民共和国行政复议法》"
LITIGATION_ACT = "《中华人民共和国行政诉讼法》"

# The article of 行政复议法 that names the reviewing body, per kind of organ.
KIND_BASIS: dict[str, str] = {
    ReviewKind.DEPARTMENT: "第二十四条第一款第（一）项",
    ReviewKind.JUSTICE: "第二十八条",
    ReviewKind.VERTICAL: "第二十七条",
    ReviewKind.LOCAL_GOVERNMENT: "第二十四条第一款第（二）项",
    ReviewKind.OWN: "第二十四条第二款、第二十五条",
}


@dataclass(frozen=True)
class ReviewBodies:
    """The body or bodies an applicant may ask for reconsideration (行政复议机关)."""

    names: tuple[str, ...]
    basis: str
    missing: tuple[str, ...] = ()  # organ fields to fill in before the names are exact

    @property
    def wording(self) -> str:
        return _("或者").join(self.names)


def _government(organ: Organ) -> str:
    if organ.level_government.strip():
        return organ.level_government.strip()
    if organ.supervisor_id is not None and organ.supervisor is not None:
        return organ.supervisor.name
    return ""


def review_bodies(organ: Organ) -> ReviewBodies:
    """Name the 行政复议机关 of ``organ`` by its kind (行政复议法 第二十四条–第二十八条).

    A name the organ has not filled in is replaced by the statute's description (e.g.
    "本级人民政府") and listed in ``missing``, so that the settings page can ask for it.
    """
    basis = REVIEW_ACT + KIND_BASIS.get(organ.review_kind, KIND_BASIS[ReviewKind.DEPARTMENT])
    if organ.review_body.strip():
        return ReviewBodies((organ.review_body.strip(),), basis)
    government = _government(organ)
    superior = organ.superior_body.strip()
    missing: list[str] = []
    names: list[str] = []
    kind = organ.review_kind
    if kind == ReviewKind.OWN:
        names.append(organ.name)
    if kind in (ReviewKind.DEPARTMENT, ReviewKind.JUSTICE):
        names.append(government or _("本级人民政府"))
        if not government:
            missing.append(str(Organ._meta.get_field("level_government").verbose_name))
    if kind in (ReviewKind.JUSTICE, ReviewKind.VERTICAL, ReviewKind.LOCAL_GOVERNMENT):
        described = {
            ReviewKind.JUSTICE: _("上一级司法行政部门"),
            ReviewKind.VERTICAL: _("上一级主管部门"),
            ReviewKind.LOCAL_GOVERNMENT: _("上一级人民政府"),
        }[ReviewKind(kind)]
        names.append(superior or described)
        if not superior:
            missing.append(str(Organ._meta.get_field("superior_body").verbose_name))
    return ReviewBodies(tuple(names), basis, tuple(missing))


def _periods() -> dict[str, int]:
    return {
        "d": settings.GONGKAI_FOI_REVIEW_DAYS,
        "m": settings.GONGKAI_FOI_LITIGATION_MONTHS,
        "k": settings.GONGKAI_FOI_LITIGATION_AFTER_REVIEW_DAYS,
    }


def _choice(bodies: ReviewBodies, court: str, *, what: str) -> str:
    return _(
        "如对%(w)s不服，可以自收到本告知书之日起%(d)d日内向%(r)s申请行政复议，"
        "或者自收到本告知书之日起%(m)d个月内依法向%(c)s提起行政诉讼。"
    ) % {"w": what, "r": bodies.wording, "c": court, **_periods()}


def _review_first(bodies: ReviewBodies, court: str, *, what: str) -> str:
    return _(
        "如对%(w)s不服，依照%(act)s第二十三条第一款第（四）项的规定，应当先申请行政复议："
        "可以自收到本告知书之日起%(d)d日内向%(r)s申请行政复议；对行政复议决定不服的，"
        "可以自收到行政复议决定书之日起%(k)d日内依法向%(c)s提起行政诉讼，"
        "行政复议机关逾期不作决定的，可以自复议期满之日起%(k)d日内依法提起行政诉讼。"
    ) % {"w": what, "act": REVIEW_ACT, "r": bodies.wording, "c": court, **_periods()}


def remedy_clause(organ: Organ, mode: str, *, court: str = "") -> str:
    """The remedies sentence of a decision letter, naming the body and the periods.

    ``mode`` is a ``RemedyMode``: a 不予公开 decision puts reconsideration first
    (行政复议法 第二十三条第一款第（四）项、第二款), a 部分公开 one does so for its withheld part,
    any other decision leaves the choice of reconsideration or court (第二十条;
    行政诉讼法 第四十六条).
    """
    bodies = review_bodies(organ)
    court = court.strip() or _("有管辖权的人民法院")
    if mode == RemedyMode.REVIEW_FIRST:
        return _review_first(bodies, court, what=_("本机关不予公开政府信息的决定"))
    if mode == RemedyMode.MIXED:
        return _review_first(bodies, court, what=_("本告知书中不予公开部分的决定")) + _choice(
            bodies, court, what=_("本告知书的其他内容")
        )
    return _choice(bodies, court, what=_("本告知书"))


def guide_remedies(organ: Organ) -> str:
    """The remedies paragraph of the 公开指南 (条例 第五十一条; 行政复议法 第二十条、第二十三条)."""
    bodies = review_bodies(organ)
    return _(
        "公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关"
        "或者政府信息公开工作主管部门投诉、举报；也可以自知道该行政行为之日起%(d)d日内向%(r)s"
        "申请行政复议，或者自知道该行政行为之日起%(m)d个月内依法向人民法院提起行政诉讼。"
        "其中，对本机关不予公开政府信息的决定不服的，依照%(act)s第二十三条第一款第（四）项的规定，"
        "应当先申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起%(k)d日内"
        "依法向人民法院提起行政诉讼。"
    ) % {"r": bodies.wording, "act": REVIEW_ACT, **_periods()}
