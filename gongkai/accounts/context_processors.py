"""Template context of the staff workspace: the organ, the user's roles, the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_memberships, list_organs_visible_to
from gongkai.workplan.models import Notification


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the modules this user may open, in menu order."""
    organ = current_organ(request)
    user = request.user

    def allowed(action: Action) -> bool:
        return organ is not None and can(user, action, organ=organ)

    items: list[tuple[str, str, bool]] = [
        (_("工作台"), "accounts:workspace", True),
        (_("主动公开"), "disclosure:list", allowed(Action.VIEW)),
        (_("保密审查"), "disclosure:review_queue", allowed(Action.REVIEW)),
        (_("依申请公开"), "foi:queue", allowed(Action.VIEW)),
        (_("分工方案"), "workplan:plans", allowed(Action.VIEW)),
        (_("督办看板"), "workplan:dashboard", allowed(Action.VIEW)),
        (_("我的任务"), "workplan:mine", allowed(Action.ACT_FOR_UNIT)),
        (_("机关信息"), "accounts:organ", allowed(Action.MANAGE_ORGAN)),
        (_("单位管理"), "accounts:units", allowed(Action.VIEW)),
        (_("用户与角色"), "accounts:users", allowed(Action.MANAGE_USERS)),
        (_("工作日历"), "workdays:current", allowed(Action.VIEW)),
        (_("导入任务"), "core:import_jobs", allowed(Action.VIEW)),
        (_("审计日志"), "core:audit_log", allowed(Action.VIEW_AUDIT)),
        (_("消息"), "workplan:notifications", True),
        (_("API 令牌"), "accounts:tokens", True),
        (_("账户安全"), "accounts:security", True),
    ]
    path = request.path
    nav = []
    unread = Notification.objects.filter(user_id=user.pk or 0, read_at__isnull=True).count()
    for label, name, visible in items:
        if not visible:
            continue
        url = reverse(name)
        if name == "workplan:notifications" and unread:
            label = f"{label}（{unread}）"
        nav.append({"label": label, "url": url, "active": False})
    # The current module is the item whose address is the longest prefix of the path.
    matches = [item for item in nav if path.startswith(str(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(str(item["url"])))["active"] = True
    if getattr(user, "is_superuser", False):
        nav.append({"label": _("系统管理"), "url": reverse("admin:index"), "active": False})
    return nav


def workspace(request: HttpRequest) -> dict[str, Any]:
    """Add the staff context to templates rendered for a signed-in user."""
    if not request.path.startswith("/staff/") or not request.user.is_authenticated:
        return {}
    return {
        "current_organ": current_organ(request),
        "visible_organs": list_organs_visible_to(request.user),
        "my_memberships": list_memberships(request.user),
        "nav_items": navigation(request),
    }
