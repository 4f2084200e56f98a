"""Django admin, for platform system administrators only, with the audit log read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import AuditEvent, ImportJob


def _superuser_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


def _login_through_workspace(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # One login path for everyone, so lock-out, auditing and TOTP always apply.
    return redirect(f"{reverse('accounts:login')}?next={request.GET.get('next', '/django-admin/')}")


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]
admin.site.login = _login_through_workspace  # type: ignore[method-assign]
admin.site.site_header = _("政务公开工作平台 · 系统管理")
admin.site.site_title = _("系统管理")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("seq", "created_at", "actor_label", "action", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ("pk", "kind", "organ", "status", "processed", "total", "created_at")
    readonly_fields = ("processed", "total", "result")
