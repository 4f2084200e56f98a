"""Domain errors with stable codes: the API and the UI show ``message``, clients match ``code``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused an action. ``code`` is stable; ``message`` is for people."""

    code = "domain_error"
    default_message: Any = _("操作无法完成。")
    http_status = 400

    def __init__(
        self, message: Any = None, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code is not None:
            self.code = code
        self.details = details or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        """Return the error body used by the API: ``{"code", "message", "details"}``."""
        return {"code": self.code, "message": self.message, "details": self.details}


class NotPermitted(DomainError):
    code = "not_permitted"
    default_message = _("您没有执行此操作的权限。")
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    default_message = _("找不到该对象。")
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("输入有误，请检查后重试。")
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    default_message = _("与现有数据冲突。")
    http_status = 409
