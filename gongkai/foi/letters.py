"""Letters to applicants, third parties and other organs, as .docx from editable templates.

A template is a title and a body with placeholders in braces, e.g. ``{申请人}``; each organ may
replace the built-in wording of any letter (``LetterTemplate``), and unknown placeholders are
refused when it is saved. A generated letter keeps its text as sent, beside the .docx file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.accounts.choices import RemedyMode
from gongkai.accounts.remedies import remedy_clause
from gongkai.core.audit import record_event
from gongkai.foi.choices import LetterKind, Outcome, Recipient
from gongkai.foi.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Letter,
    LetterSettings,
    LetterTemplate,
)
from gongkai.lib.text import xml_text

ACT = "《中华人民共和国政府信息公开条例》"
FEE_ACT = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

# The placeholders a template may use, with what each stands for (shown beside the editor).
PLACEHOLDERS: dict[str, Any] = {
    "申请人": gettext_lazy("申请人姓名或名称"),
    "申请编号": gettext_lazy("申请编号"),
    "收到日期": gettext_lazy("收到申请之日"),
    "所需信息": gettext_lazy("申请获取的政府信息名称（含文号）"),
    "提供形式": gettext_lazy("提供形式与获取方式"),
    "机关": gettext_lazy("本机关名称"),
    "工作机构": gettext_lazy("政府信息公开工作机构"),
    "地址": gettext_lazy("工作机构地址"),
    "联系电话": gettext_lazy("工作机构电话"),
    "答复期限": gettext_lazy("当前答复期限"),
    "日期": gettext_lazy("落款日期"),
    "答复内容": gettext_lazy("答复的具体内容"),
    "补正内容": gettext_lazy("需要补正的内容"),
    "补正期限": gettext_lazy("补正期限"),
    "延长天数": gettext_lazy("延长的工作日数"),
    "延期理由": gettext_lazy("延期理由"),
    "受送达人": gettext_lazy("第三方或其他机关名称"),
    "征求内容": gettext_lazy("征求意见的内容"),
    "意见期限": gettext_lazy("提出意见的期限"),
    "意见天数": gettext_lazy("提出意见的工作日数"),
    "收费金额": gettext_lazy("收费金额（元）"),
    "计算过程": gettext_lazy("收费的计算过程"),
    "收费方式": gettext_lazy("按件或按量计收"),
    "缴费方式": gettext_lazy("缴费方式"),
    "缴费期限": gettext_lazy("缴费期限"),
    "缴费天数": gettext_lazy("缴费的工作日数"),
    "救济途径": gettext_lazy("行政复议和行政诉讼的告知"),
    "答复天数": gettext_lazy("法定答复期限（工作日）"),
}
# What every letter to the applicant may name, and what only some letters have values for.
_APPLICANT_COMMON = frozenset(PLACEHOLDERS) - {
    "延长天数",
    "延期理由",
    "受送达人",
    "征求内容",
    "意见期限",
    "意见天数",
    "收费金额",
    "计算过程",
    "收费方式",
    "缴费期限",
    "缴费天数",
}
# A third party or another organ is told what is asked, never who asked (personal data).
_CONSULTED = frozenset(
    {"申请编号", "所需信息", "机关", "工作机构", "地址", "联系电话", "日期"}
    | {"受送达人", "征求内容", "意见期限", "意见天数"}
)
_EXTRA: dict[str, frozenset[str]] = {
    LetterKind.EXTENSION: frozenset({"延长天数", "延期理由"}),
    LetterKind.FEE: frozenset({"收费金额", "计算过程", "收费方式", "缴费期限", "缴费天数"}),
}


def allowed_placeholders(key: str) -> frozenset[str]:
    """The placeholders the letter ``key`` has values for."""
    if key in (LetterKind.THIRD_PARTY, LetterKind.ORGAN):
        return _CONSULTED
    return _APPLICANT_COMMON | _EXTRA.get(key, frozenset())


_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")

_REPLY_OPENING = (
    "{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（编号：{申请编号}），"
    "申请获取“{所需信息}”。经审查，现答复如下：\n"
)
_REPLY_CLOSING = "\n{答复内容}\n{救济途径}\n联系人：{工作机构}，电话：{联系电话}，地址：{地址}。"

# (conclusion, legal basis) of the 答复告知书 for each outcome of the national list (§3.4): each
# names the exact article and item of the 条例 it rests on (RULES §2.5 "Reply types").
_OUTCOME_TEXT: dict[str, tuple[str, str]] = {
    Outcome.DISCLOSED: (
        "您申请获取的政府信息属于公开范围，本机关予以公开，提供方式见下。",
        "第三十六条第（二）项",
    ),
    Outcome.DISCLOSED_ALREADY: (
        "您申请获取的政府信息本机关已经主动公开，获取该政府信息的方式、途径见下。",
        "第三十六条第（一）项",
    ),
    Outcome.PARTIAL: (
        "您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，本机关向您提供可以公开的部分，"
        "对不予公开的部分说明理由如下。",
        "第三十六条第（二）项、第（三）项，第三十七条",
    ),
    Outcome.WITHHELD_SECRET: (
        "您申请获取的政府信息属于国家秘密，本机关不予公开。",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_LAW: (
        "您申请获取的政府信息属于法律、行政法规禁止公开的信息，本机关不予公开。",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_SAFETY: (
        "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，本机关不予公开。",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_THIRD_PARTY: (
        "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，本机关不予公开。",
        "第十五条、第三十二条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_INTERNAL: (
        "您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，本机关不予公开。",
        "第十六条第一款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_PROCESS: (
        "您申请获取的信息属于讨论记录、过程稿、磋商信函、请示报告等过程性信息，本机关不予公开。",
        "第十六条第二款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_CASE_FILE: (
        "您申请获取的信息属于行政执法案卷信息，本机关不予公开。",
        "第十六条第二款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_QUERY: (
        "您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的信息，"
        "请依照有关法律、行政法规的规定办理。",
        "第三十六条第（七）项",
    ),
    Outcome.UNAVAILABLE_NONE: (
        "经检索，本机关没有您申请公开的信息，该政府信息不存在。",
        "第三十六条第（四）项",
    ),
    Outcome.UNAVAILABLE_NOT_OURS: (
        "您申请获取的政府信息不属于本机关负责公开，理由以及能够确定的负责公开该政府信息的行政机关的"
        "名称、联系方式如下。",
        "第十条、第三十六条第（五）项",
    ),
    Outcome.UNAVAILABLE_NEW: (
        "您申请获取的信息需要本机关对现有政府信息进行加工、分析，本机关不予提供。",
        "第三十八条",
    ),
    Outcome.UNAVAILABLE_UNCLEAR: (
        "本机关已告知您补正申请，经补正后，您的申请内容仍不明确，本机关无法提供。",
        "第二十九条第二款第（二）项、第三十条",
    ),
    Outcome.NOT_HANDLED_PETITION: (
        "您提出的申请属于信访、投诉、举报等事项，不作为政府信息公开申请处理，请通过相应渠道提出。",
        "第三十九条第一款",
    ),
    Outcome.NOT_HANDLED_REPEAT: (
        "本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息，本机关不予重复处理。",
        "第三十六条第（六）项",
    ),
    Outcome.NOT_HANDLED_PUBLICATION: (
        "您申请获取的是政府公报、报刊、书籍等公开出版物，可以通过下述途径获取。",
        "第三十九条第二款",
    ),
    Outcome.NOT_HANDLED_EXCESSIVE: (
        "您申请公开政府信息的数量、频次明显超过合理范围，且未能说明理由或者理由不合理，本机关不予处理。",
        "第三十五条",
    ),
    Outcome.NOT_HANDLED_CONFIRM: (
        "您的申请系要求本机关确认或者重新出具您已获取的信息，不属于申请获取政府信息，"
        "本机关不作为政府信息公开申请处理。",
        "第二条、第二十七条",
    ),
    Outcome.OTHER_NO_CLARIFICATION: (
        "本机关已书面告知您补正申请，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该申请。",
        "第三十条",
    ),
    Outcome.OTHER_FEE_UNPAID: (
        "本机关已向您发出收费通知，您逾期未按收费通知要求缴纳信息处理费，视为放弃申请，本机关不再处理该申请。",
        "第四十二条",
    ),
    Outcome.OTHER: ("本机关对您的申请作如下处理。", "第三十三条"),
}

# Which decisions put reconsideration first (行政复议法 第二十三条第一款第（四）项: 不予公开; RULES
# §2.5): rows 3.1–3.8 always, the withheld part of 部分公开; the rest keep the choice. An organ may
# change any of these per outcome (LetterSettings.remedy_modes), where commentators differ.
DEFAULT_REMEDY_MODES: dict[str, str] = {
    o.value: (
        RemedyMode.REVIEW_FIRST
        if o.value.startswith("3.")
        else RemedyMode.MIXED
        if o == Outcome.PARTIAL
        else RemedyMode.CHOICE
    )
    for o in Outcome
}


def _reply_default(outcome: str) -> tuple[str, str]:
    conclusion, articles = _OUTCOME_TEXT[outcome]
    basis = f"依据：{ACT}{articles}" + (
        f"、{FEE_ACT}。" if outcome == Outcome.OTHER_FEE_UNPAID else "。"
    )
    terminated = outcome in (Outcome.OTHER_NO_CLARIFICATION, Outcome.OTHER_FEE_UNPAID)
    kind = LetterKind.TERMINATION if terminated else LetterKind.REPLY
    title = str(kind.label)
    return title, _REPLY_OPENING + conclusion + "\n" + basis + _REPLY_CLOSING


_DEFAULTS: dict[str, tuple[str, str]] = {
    LetterKind.RECEIPT: (
        "政府信息公开申请受理回执",
        "{申请人}：\n本机关已于{收到日期}收到您提出的政府信息公开申请，申请编号为{申请编号}，"
        "申请获取“{所需信息}”，要求的提供形式为{提供形式}。\n"
        f"根据{ACT}第三十三条，本机关将在收到申请之日起{{答复天数}}个工作日内予以答复，"
        "答复期限暂计至{答复期限}；"
        "需要延长答复期限的，将另行告知。您可以凭申请编号和查询码在网上查询办理进度。\n"
        "联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
    LetterKind.CLARIFICATION: (
        "政府信息公开申请补正告知书",
        "{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（编号：{申请编号}）。"
        "经审查，您的申请内容不明确，请补正以下内容：\n{补正内容}\n"
        "请于{补正期限}前补正。答复期限自本机关收到补正后的申请之日起计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请。\n"
        f"依据：{ACT}第三十条。\n"
        "联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
    LetterKind.EXTENSION: (
        "政府信息公开申请延期答复告知书",
        "{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（编号：{申请编号}）。"
        "因{延期理由}，本机关不能在规定期限内作出答复，经政府信息公开工作机构负责人同意，"
        "答复期限延长{延长天数}个工作日，延长后的答复期限为{答复期限}。\n"
        f"依据：{ACT}第三十三条第二款。\n"
        "联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
    LetterKind.THIRD_PARTY: (
        "政府信息公开第三方意见征询书",
        "{受送达人}：\n本机关收到政府信息公开申请（编号：{申请编号}），申请公开的信息可能涉及贵方合法权益："
        "\n{征求内容}\n请自收到本征询书之日起{意见天数}个工作日内（{意见期限}前）书面提出意见。"
        "逾期未提出意见的，由本机关依照条例规定决定是否公开。不同意公开且有合理理由的，本机关不予公开；"
        "但本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的内容和理由书面告知贵方。\n"
        f"依据：{ACT}第三十二条。\n"
        "联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
    LetterKind.ORGAN: (
        "关于政府信息公开申请的征求意见函",
        "{受送达人}：\n本机关收到政府信息公开申请（编号：{申请编号}），申请公开的信息由本机关与贵机关共同制作：\n"
        "{征求内容}\n请自收到本函之日起{意见天数}个工作日内（{意见期限}前）提出意见。逾期未提出意见的，视为同意公开。\n"
        f"依据：{ACT}第三十四条。\n"
        "联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
    LetterKind.FEE: (
        "政府信息公开信息处理费收费通知书",
        "{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（编号：{申请编号}）。"
        "您申请的数量、频次明显超过合理范围，本机关依法收取信息处理费。\n"
        "收费方式：{收费方式}。计算过程：{计算过程}。收费金额：{收费金额}元。\n"
        "缴费方式：{缴费方式}。请自收到本通知之次日起{缴费天数}个工作日内（{缴费期限}前）缴纳。"
        "逾期未缴纳的，视为放弃申请，本机关不再处理该申请。自发出本通知至缴费之日的期间，不计算在答复期限内。\n"
        f"依据：{ACT}第四十二条、{FEE_ACT}。\n"
        "{救济途径}\n联系人：{工作机构}，电话：{联系电话}，地址：{地址}。",
    ),
}


def template_keys() -> list[tuple[str, str]]:
    """Every template an organ may edit: (key, label)."""
    keys = [(str(k), str(LetterKind(k).label)) for k in _DEFAULTS]
    keys += [(f"reply:{o.value}", _("答复告知书：%(o)s") % {"o": o.label}) for o in Outcome]
    return keys


def default_template(key: str) -> tuple[str, str]:
    if key.startswith("reply:") and key[6:] in Outcome.values:
        return _reply_default(key[6:])
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    raise KeyError(key)


def get_template(organ_id: int, key: str) -> tuple[str, str]:
    stored = LetterTemplate.objects.filter(organ_id=organ_id, key=key).first()
    return (stored.title, stored.body) if stored is not None else default_template(key)


def unknown_placeholders(text: str, key: str | None = None) -> list[str]:
    """Placeholders in ``text`` that the letter ``key`` (any letter when None) cannot fill."""
    allowed = allowed_placeholders(key) if key is not None else frozenset(PLACEHOLDERS)
    return sorted({m for m in _PLACEHOLDER.findall(text) if m not in allowed})


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def letter_settings(organ_id: int) -> LetterSettings:
    found = LetterSettings.objects.filter(organ_id=organ_id).first()
    return found if found is not None else LetterSettings(organ_id=organ_id)


def remedy_mode(key: str, options: LetterSettings) -> str:
    """How the remedies clause of the letter ``key`` reads: the organ's choice for a reply
    outcome, else the default of ``DEFAULT_REMEDY_MODES``; other letters leave the choice."""
    if not key.startswith("reply:"):
        return RemedyMode.CHOICE
    outcome = key[6:]
    chosen = (options.remedy_modes or {}).get(outcome, "")
    if chosen in RemedyMode.values:
        return str(chosen)
    return DEFAULT_REMEDY_MODES.get(outcome, RemedyMode.CHOICE)


def remedies(organ: Any, options: LetterSettings, *, key: str = "") -> str:
    """The remedies sentence of the letter ``key``, naming the 行政复议机关 and the periods
    (行政复议法 第二十条第三款、第二十三条; ``accounts.remedies``)."""
    return remedy_clause(organ, remedy_mode(key, options), court=options.court)


def base_values(request: InfoRequest, *, on: dt.date, key: str = "") -> dict[str, str]:
    organ = request.organ
    options = letter_settings(organ.pk)
    title = request.info_title + (
        f"（{request.info_doc_number}）" if request.info_doc_number else ""
    )
    due = request.clock.due_on if request.clock is not None else None
    return {
        "申请人": request.name,
        "申请编号": request.number,
        "收到日期": chinese_date(request.receipt_on),
        "所需信息": title,
        "提供形式": f"{request.get_provision_form_display()}，{request.get_delivery_display()}",
        "机关": organ.name,
        "工作机构": options.office or organ.name,
        "地址": options.address or organ.address or "—",
        "联系电话": options.phone or organ.phone or "—",
        "答复期限": chinese_date(due) or _("（中止计时）"),
        "日期": chinese_date(on),
        "答复内容": request.reply_text,
        "补正内容": request.clarification_request,
        "补正期限": chinese_date(request.clarification_due_on),
        "缴费方式": options.payment_method or _("以本机关另行告知的缴费方式为准"),
        "救济途径": remedies(organ, options, key=key),
        "答复天数": str(settings.GONGKAI_FOI_REPLY_DAYS),
    }


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def render_text(request: InfoRequest, key: str, *, on: dt.date, extra: dict[str, str]) -> Rendered:
    title, body = get_template(request.organ_id, key)
    values = base_values(request, on=on, key=key) | extra
    return Rendered(fill(title, values), fill(body, values))


def _font(run: Any, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "SimSun"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def to_docx(*, organ_name: str, title: str, number: str, body: str, on: dt.date) -> bytes:
    """A plain official letter: organ and title centred, number, body, signature and date.

    Text XML cannot carry (control characters stored before input was normalised) is dropped,
    so a letter is always written: a request must always be processable (RULES §2.5).
    """
    organ_name, title, number, body = map(xml_text, (organ_name, title, number, body))
    document = Document()
    for text, size in ((organ_name, 22), (title, 18)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text), size, bold=True)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(paragraph.add_run(number), 12)
    lines = [line for line in body.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        if index > 0:  # the salutation is flush left; the rest indented two characters
            paragraph.paragraph_format.first_line_indent = Pt(32)
        _font(paragraph.add_run(line.strip()), 16)
    for text in (organ_name, chinese_date(on)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(paragraph.add_run(text), 16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def issue(
    request: InfoRequest,
    *,
    actor: Any,
    kind: str,
    key: str,
    on: dt.date,
    recipient: str = Recipient.APPLICANT,
    recipient_name: str = "",
    extra: dict[str, str] | None = None,
    consultation: Consultation | None = None,
    fee: FeeNotice | None = None,
) -> Letter:
    """Generate one letter and keep it with the request (called inside the service's write)."""
    rendered = render_text(request, key, on=on, extra=extra or {})
    # The caller holds the request's row lock, so the next serial is free; the unique
    # constraint (request, serial) would refuse a duplicate all the same.
    serial = (request.letters.aggregate(m=Max("serial"))["m"] or 0) + 1
    number = _("编号：%(n)s-%(s)02d") % {"n": request.number, "s": serial}
    content = to_docx(
        organ_name=request.organ.name,
        title=rendered.title,
        number=number,
        body=rendered.body,
        on=on,
    )
    letter = Letter(
        request=request,
        kind=kind,
        template_key=key,
        recipient=recipient,
        recipient_name=recipient_name or request.name,
        title=rendered.title,
        body=rendered.body,
        issued_on=on,
        serial=serial,
        consultation=consultation,
        fee=fee,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    letter.file.save(f"{kind}.docx", ContentFile(content), save=False)
    letter.save()
    record_event(
        "foi.letter.issued",
        actor=actor,
        obj=request,
        changes={"letter": letter.pk, "kind": kind, "template": key},
    )
    return letter
