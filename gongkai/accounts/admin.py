"""Django admin for accounts: read-mostly, because writes belong to the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.accounts.models import ApiToken, Membership, Organ, Unit, UnitAlias, UnitGroup, User


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Lists and details only: every change goes through a service that audits it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = (
        "username",
        "display_name",
        "is_active",
        "is_superuser",
        "locked_until",
        "last_login",
    )
    search_fields = ("username", "display_name")


@admin.register(Organ)
class OrganAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "supervisor", "is_active")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "organ", "kind", "parent", "is_active")
    list_filter = ("organ", "kind", "is_active")


admin.site.register(UnitGroup, ReadOnlyAdmin)
admin.site.register(UnitAlias, ReadOnlyAdmin)
admin.site.register(Membership, ReadOnlyAdmin)
admin.site.register(ApiToken, ReadOnlyAdmin)
