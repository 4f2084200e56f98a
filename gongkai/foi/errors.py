from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import Conflict, DomainError


class WrongRequestState(Conflict):
    code = "request_wrong_state"
    default_message = _("申请当前的状态不允许此操作。")


class TooManyRequests(DomainError):
    code = "too_many_requests"
    default_message = _("提交过于频繁，请稍后再试。")
    http_status = 429
