"""The JSON API at /api/v1/: one NinjaAPI, routers from the apps, one error body everywhere.

Errors always have the body ``{"code", "message", "details"}``. Clients authenticate with a
personal token (``Authorization: Bearer gk_…``) or, from the staff pages, with the session
and its CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gongkai.accounts.api import router as accounts_router
from gongkai.accounts.services import authenticate_api_token
from gongkai.core.api import router as core_router
from gongkai.core.errors import DomainError
from gongkai.disclosure.api import router as disclosure_router
from gongkai.foi.api import router as foi_router
from gongkai.search.api import router as search_router
from gongkai.workdays.api import router as workdays_router


class BearerToken(HttpBearer):
    """Personal API token; the user it belongs to becomes ``request.auth``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A signed-in staff session (CSRF checked on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


# The error statuses any operation may answer, each with the one error body (documented in the
# OpenAPI so that clients — and the schemathesis run in CI — know every status they can get).
ERROR_STATUSES: dict[int, str] = {
    400: "请求无效",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "找不到该对象",
    409: "与对象的当前状态冲突",
    422: "输入有误（字段、取值范围或格式）",
    429: "请求过于频繁",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码"},
        "message": {"type": "string", "description": "中文错误信息"},
        "details": {"type": "object", "description": "出错的字段等"},
    },
    "required": ["code", "message", "details"],
}


class GongkaiAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI documents the error responses of every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    if status == 401 and not operation.get("security"):
                        continue  # an operation open to all never asks for a login
                    responses.setdefault(status, {"description": description, "content": body})
        return schema


api = GongkaiAPI(
    title="gongkai API",
    version="1",
    description=_('政务公开工作平台接口。错误响应统一为 {"code", "message", "details"}。'),
    urls_namespace="api",
    auth=[BearerToken(), StaffSession()],
)
api.add_router("/", accounts_router)
api.add_router("/", core_router)
api.add_router("/", workdays_router)
api.add_router("/", disclosure_router)
api.add_router("/", foi_router)
api.add_router("/", search_router)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.http_status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _error(request, 422, "invalid_input", _("输入有误，请检查后重试。"), {"errors": errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("未登录或令牌无效。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("找不到该对象。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))
