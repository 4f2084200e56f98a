"""Enumerations of information requests (依申请公开), with the annual-report rows of §3.4."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantType(models.TextChoices):
    """The applicant columns of the annual report (2021 format)."""

    NATURAL = "natural", _("自然人")
    BUSINESS = "business", _("法人或其他组织：商业企业")
    RESEARCH = "research", _("法人或其他组织：科研机构")
    NONPROFIT = "nonprofit", _("法人或其他组织：社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法人或其他组织：法律服务机构")
    OTHER_ORG = "other_org", _("法人或其他组织：其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    PASSPORT = "passport", _("护照")
    OTHER = "other", _("其他证件")


class Channel(models.TextChoices):
    """How the application arrived; decides the day of receipt (条例 第三十一条)."""

    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    POST_SIGNED = "post_signed", _("邮寄（需签收）")
    POST_PLAIN = "post_plain", _("平常信函")
    FAX = "fax", _("传真")


class ProvisionForm(models.TextChoices):
    ELECTRONIC = "electronic", _("电子")
    PAPER = "paper", _("纸质")


class Delivery(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    POST = "post", _("邮寄")
    PICKUP = "pickup", _("自行领取")


class RequestStatus(models.TextChoices):
    AWAITING_RECEIPT = "awaiting", _("待确认收到")
    PROCESSING = "processing", _("办理中")
    CLARIFYING = "clarifying", _("待申请人补正")
    CONSULTING = "consulting", _("征求意见中")
    AWAITING_PAYMENT = "payment", _("待缴费")
    REVIEWING = "reviewing", _("答复审签中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已终止")


class Outcome(models.TextChoices):
    """Exactly one per closed request. The code names its annual-report row (§3.4); where one
    row holds two decisions of 第三十六条 with different wording, the second one's code is the
    row's followed by "-" and the item (``annual_row`` maps it back)."""

    DISCLOSED = "1", _("予以公开")
    DISCLOSED_ALREADY = "1-1", _("予以公开：已主动公开，告知获取方式")
    PARTIAL = "2", _("部分公开")
    WITHHELD_SECRET = "3.1", _("不予公开：属于国家秘密")
    WITHHELD_LAW = "3.2", _("不予公开：其他法律行政法规禁止公开")
    WITHHELD_SAFETY = "3.3", _("不予公开：危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY = "3.4", _("不予公开：保护第三方合法权益")
    WITHHELD_INTERNAL = "3.5", _("不予公开：属于三类内部事务信息")
    WITHHELD_PROCESS = "3.6", _("不予公开：属于四类过程性信息")
    WITHHELD_CASE_FILE = "3.7", _("不予公开：属于行政执法案卷")
    WITHHELD_QUERY = "3.8", _("不予公开：属于行政查询事项")
    UNAVAILABLE_NONE = "4.1", _("无法提供：本机关不掌握相关政府信息（经检索不存在）")
    UNAVAILABLE_NOT_OURS = "4.1-5", _("无法提供：本机关不掌握相关政府信息（不属于本机关负责公开）")
    UNAVAILABLE_NEW = "4.2", _("无法提供：没有现成信息需要另行制作")
    UNAVAILABLE_UNCLEAR = "4.3", _("无法提供：补正后申请内容仍不明确")
    NOT_HANDLED_PETITION = "5.1", _("不予处理：信访举报投诉类申请")
    NOT_HANDLED_REPEAT = "5.2", _("不予处理：重复申请")
    NOT_HANDLED_PUBLICATION = "5.3", _("不予处理：要求提供公开出版物")
    NOT_HANDLED_EXCESSIVE = "5.4", _("不予处理：无正当理由大量反复申请")
    NOT_HANDLED_CONFIRM = "5.5", _("不予处理：要求行政机关确认或重新出具已获取信息")
    OTHER_NO_CLARIFICATION = "6.1", _("其他处理：申请人无正当理由逾期不补正")
    OTHER_FEE_UNPAID = "6.2", _("其他处理：申请人逾期未按收费通知要求缴纳费用")
    OTHER = "6.3", _("其他处理：其他")


def annual_row(outcome: str) -> str:
    """The annual-report row (§3.4) an outcome counts in: 第三十六条第（一）项 counts as 予以公开
    and 第（五）项 as 本机关不掌握相关政府信息 (RULES §3.4 mapping)."""
    return outcome.split("-", 1)[0]


ANNUAL_ROWS = tuple(dict.fromkeys(annual_row(o.value) for o in Outcome))


class ReplyStage(models.TextChoices):
    """Where a reply that discloses information stands (条例 第十七条: 保密审查 first)."""

    REVIEW = "review", _("待保密审查")
    SIGN = "sign", _("待签发")
    SENT = "sent", _("已签发")
    RETURNED = "returned", _("已退回")


class ConsultationKind(models.TextChoices):
    """第三十二条 (third party; no answer → the organ decides) and 第三十四条 (another organ;
    no answer → deemed consent)."""

    THIRD_PARTY = "third_party", _("第三方")
    ORGAN = "organ", _("其他机关")


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意公开")
    OBJECT = "object", _("不同意公开")
    NONE = "none", _("逾期未答复，由本机关决定")
    DEEMED_CONSENT = "deemed", _("逾期未答复，视为同意公开")


class FeeMethod(models.TextChoices):
    """国办函〔2020〕109号 第三条: one standard per application, never both."""

    PER_ITEM = "item", _("按件计收")
    PER_VOLUME = "volume", _("按量计收")


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("受理回执")
    CLARIFICATION = "clarification", _("补正告知书")
    EXTENSION = "extension", _("延期答复告知书")
    THIRD_PARTY = "third_party", _("第三方意见征询书")
    ORGAN = "organ", _("征求意见函")
    FEE = "fee", _("收费通知书")
    REPLY = "reply", _("政府信息公开申请答复告知书")
    TERMINATION = "termination", _("终止办理告知书")


class Recipient(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    THIRD_PARTY = "third_party", _("第三方")
    ORGAN = "organ", _("其他机关")


class DeliveryMethod(models.TextChoices):
    ONLINE = "online", _("网上查询下载")
    EMAIL = "email", _("电子邮件")
    POST = "post", _("邮寄")
    IN_PERSON = "in_person", _("当面送达")
    FAX = "fax", _("传真")


class AttachmentPurpose(models.TextChoices):
    ID_COPY = "id_copy", _("身份证明")
    AUTHORIZATION = "authorization", _("授权委托书")
    OTHER = "other", _("其他材料")
