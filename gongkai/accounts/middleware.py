"""Session security: idle time-out and mandatory enrolment of the second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.accounts.services import needs_second_factor_enrollment, record_logout

LAST_SEEN_KEY = "gongkai_last_seen"
ENROLL_CHECKED_KEY = "gongkai_2fa_ok"


class IdleTimeoutMiddleware:
    """End a staff session after GONGKAI_SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.GONGKAI_SESSION_IDLE_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > idle_limit:
                assert isinstance(user, User)  # noqa: S101
                record_logout(user, reason="idle")
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "session_expired",
                            "message": _("会话已超时，请重新登录。"),
                            "details": {},
                        },
                        status=401,
                    )
                messages.info(
                    request,
                    _("您已超过 %(n)d 分钟未操作，为保障安全已自动退出，请重新登录。")
                    % {"n": settings.GONGKAI_SESSION_IDLE_MINUTES},
                )
                return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Send users whom policy requires to use TOTP to enrolment before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.GONGKAI_REQUIRE_2FA
            and user.is_authenticated
            and not request.session.get(ENROLL_CHECKED_KEY)
        ):
            assert isinstance(user, User)  # noqa: S101
            if needs_second_factor_enrollment(user):
                allowed = {reverse("accounts:security"), reverse("accounts:logout")}
                if request.path not in allowed and not request.path.startswith("/static/"):
                    messages.warning(
                        request, _("您的角色要求启用动态口令（双因素认证），请先完成设置。")
                    )
                    return HttpResponseRedirect(reverse("accounts:security"))
            else:
                request.session[ENROLL_CHECKED_KEY] = True
        return self.get_response(request)
