from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import DomainError, InvalidInput


class UnresolvedUnits(InvalidInput):
    code = "unresolved_units"
    default_message = _("方案中有未对应到本机关单位的名称，请先完成单位对应。")


class NotAssigned(DomainError):
    code = "unit_not_assigned"
    default_message = _("该单位不是此任务的牵头或配合单位。")
    http_status = 403
