"""What must hold before an item may be published (发布前检查), in one place.

``publication_problems`` is the one list of reasons an item may not be published yet; the
workflow asks it at every step towards publication — submission, a 保密审查 that would let the
item out, approval and publication — so that an item the 公开办 could not publish never gets
that far; and an item that became unpublishable later (a rule switched on, older data) goes back
to its unit with ``return_item``. Each problem keeps its stable error code.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongkai.core.errors import DomainError, InvalidInput
from gongkai.disclosure.choices import InterpretationForm, ItemKind, ItemStatus
from gongkai.disclosure.errors import InterpretationFormMissing, InterpretationMissing
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.selectors import get_disclosure_settings
from gongkai.disclosure.structured import DETAIL_FIELDS, clean_details

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def images_without_alt(html: str) -> int:
    """How many images in ``html`` have no (or an empty) alt text (accessibility, 发布前检查)."""
    missing = 0
    for tag in _IMG.findall(html or ""):
        found = _ALT.search(tag)
        if found is None or not "".join(g or "" for g in found.groups()).strip():
            missing += 1
    return missing


def _submitted_interpretations(policy: DisclosureItem) -> QuerySet[DisclosureItem]:
    return policy.interpretations.exclude(
        status__in=[ItemStatus.DRAFT, ItemStatus.REFUSED, ItemStatus.WITHDRAWN]
    )


def interpretation_ready(policy: DisclosureItem) -> bool:
    """三同步: an interpretation of ``policy`` has at least been submitted for review."""
    return _submitted_interpretations(policy).exists()


def other_form_ready(policy: DisclosureItem) -> bool:
    """政策解读 forms (RULES §7.1): where the organ requires it, beside text, an interpretation
    of ``policy`` in another form (图表图解, 音视频, 简明问答, 新闻发布会, H5 …) has at least been
    submitted for review."""
    if not get_disclosure_settings(policy.organ).is_other_form_required:
        return True
    text = ["", InterpretationForm.TEXT]
    return _submitted_interpretations(policy).exclude(interpretation_form__in=text).exists()


def _other_forms() -> str:
    return "、".join(
        str(label)
        for value, label in InterpretationForm.choices
        if value != InterpretationForm.TEXT
    )


def publication_errors(item: DisclosureItem) -> list[DomainError]:
    """Return the errors that stop ``item`` being published now, in the order a person fixes
    them (fields, dates, accessibility, 三同步); none when it may be published."""
    errors: list[DomainError] = []
    if not item.title.strip():
        errors.append(InvalidInput(_("请填写名称。"), details={"field": "title"}))
    if not item.body.strip() and not item.attachments.filter(is_removed=False).exists():
        errors.append(InvalidInput(_("正文和附件不能都为空。"), details={"field": "body"}))
    if item.kind in DETAIL_FIELDS:
        try:
            clean_details(item.kind, item.details or {})
        except InvalidInput as invalid:
            errors.append(invalid)
    # 条例 第二十六条 (RULES §2.3): a revision says when the information changed.
    if item.version > 0 and item.changed_on is None:
        errors.append(
            InvalidInput(
                _("修订须填写信息变更日期：公开时限自信息变更之日起计算（条例第二十六条）。"),
                details={"field": "changed_on"},
            )
        )
    missing_alt = images_without_alt(item.body)
    if missing_alt:
        errors.append(
            InvalidInput(
                _("正文中有 %(n)d 张图片没有替代文本（alt），请补充后再发布。")
                % {"n": missing_alt},
                details={"field": "body"},
            )
        )
    images = item.attachments.filter(is_removed=False, media_type__startswith="image/")
    unlabelled = images.filter(alt_text="").count()
    if unlabelled:
        errors.append(
            InvalidInput(
                _("有 %(n)d 个图片附件没有替代文本，请补充后再发布。") % {"n": unlabelled},
                details={"field": "alt_text"},
            )
        )
    # 三同步 (RULES §7.1): a 需解读 policy goes with its interpretation.
    if (
        item.kind == ItemKind.POLICY
        and item.needs_interpretation
        and settings.GONGKAI_INTERPRETATION_BLOCKS
    ):
        if not interpretation_ready(item):
            errors.append(InterpretationMissing())
        elif not other_form_ready(item):
            errors.append(
                InterpretationFormMissing(
                    _(
                        "该政策文件需解读：本机关要求在文字解读以外，至少还有一种其他形式的解读"
                        "（%(forms)s）提交审查后，才能发布政策文件。请补充此类解读并提交审查。"
                    )
                    % {"forms": _other_forms()}
                )
            )
    return errors


def publication_problems(item: DisclosureItem) -> list[str]:
    """Return, in Chinese, every reason ``item`` may not be published now (empty if none)."""
    return [error.message for error in publication_errors(item)]


def require_publishable(item: DisclosureItem) -> None:
    """Raise the first problem of ``publication_problems`` (its code and field), its message
    naming all of them, so that one answer says everything to fix."""
    errors = publication_errors(item)
    if not errors:
        return
    first = errors[0]
    if len(errors) == 1:
        raise first
    raise type(first)(
        " ".join(error.message for error in errors),
        code=first.code,
        details={
            **first.details,
            "problems": [{"code": e.code, "message": e.message} for e in errors],
        },
    )
