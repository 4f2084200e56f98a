"""Staff workspace views: login, workspace, units, API tokens, account security."""

from __future__ import annotations

import datetime as dt
import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts import services
from gongkai.accounts.forms import (
    DeactivateUserForm,
    GrantRoleForm,
    LoginForm,
    LogoForm,
    NewUserForm,
    OrganForm,
    PasswordForm,
    TokenForm,
    TotpForm,
    UnitContactForm,
    UnitForm,
)
from gongkai.accounts.models import Membership, Organ, Unit, User
from gongkai.accounts.organs import choose_organ, current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.remedies import review_bodies
from gongkai.accounts.selectors import (
    list_actable_units,
    list_api_tokens,
    list_organ_members,
    list_unit_groups,
    list_units,
)
from gongkai.core.errors import DomainError

PENDING_2FA_KEY = "gongkai_pending_2fa_user"
PENDING_2FA_AT_KEY = "gongkai_pending_2fa_at"
# The password step is valid for this long while the second factor is asked for.
PENDING_2FA_SECONDS = 300
NEXT_KEY = "gongkai_login_next"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("accounts:workspace")


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - views below require login
    return user


def login_view(request: HttpRequest) -> HttpResponse:
    """Check username and password; continue to the second factor when the user has one."""
    if request.user.is_authenticated:
        return redirect("accounts:workspace")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_login(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            next_url = _safe_next(request, request.GET.get("next"))
            if user.has_totp:
                request.session.cycle_key()
                request.session[PENDING_2FA_KEY] = user.pk
                request.session[PENDING_2FA_AT_KEY] = time.time()
                request.session[NEXT_KEY] = next_url
                return redirect("accounts:login_totp")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/login.html", {"form": form}, status=200)


def login_totp_view(request: HttpRequest) -> HttpResponse:
    """Second step of login for users with TOTP enabled."""
    user_id = request.session.get(PENDING_2FA_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    started = float(request.session.get(PENDING_2FA_AT_KEY, 0))
    if user is None or time.time() - started > PENDING_2FA_SECONDS:
        request.session.pop(PENDING_2FA_KEY, None)
        if user is not None:
            messages.info(request, _("动态口令验证已超时，请重新登录。"))
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_second_factor(user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            next_url = request.session.pop(NEXT_KEY, None)
            request.session.pop(PENDING_2FA_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(_safe_next(request, next_url))
    return render(request, "accounts/login_totp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(_me(request), reason="user")
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


@login_required
def workspace_view(request: HttpRequest) -> HttpResponse:
    """The staff home (工作台): the user's organ, roles, units and modules."""
    organ = current_organ(request)
    from gongkai.workdays.selectors import list_missing_notice_years

    units = list_actable_units(organ, user=request.user) if organ else Unit.objects.none()
    missing = list_missing_notice_years() if request.user.is_superuser else []
    return render(
        request,
        "accounts/workspace.html",
        {"organ": organ, "my_units": units, "missing_notice_years": missing},
    )


@login_required
@require_POST
def choose_organ_view(request: HttpRequest) -> HttpResponse:
    try:
        organ_id = int(request.POST.get("organ", ""))
    except ValueError:
        raise Http404 from None
    if choose_organ(request, organ_id) is None:
        raise Http404
    return redirect(_safe_next(request, request.POST.get("next")))


def _organ_or_404(request: HttpRequest) -> Organ:
    organ = current_organ(request)
    if organ is None:
        raise Http404
    return organ


@login_required
def units_view(request: HttpRequest) -> HttpResponse:
    """The organ's units as a tree, with groups; managers can add units here."""
    organ = _organ_or_404(request)
    units = list(
        list_units(organ, user=request.user, include_inactive=True).prefetch_related("aliases")
    )
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    rows: list[tuple[int, Unit]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            rows.append((depth, unit))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    actable = set(list_actable_units(organ, user=request.user).values_list("pk", flat=True))
    can_manage = can(request.user, Action.MANAGE_UNITS, organ=organ)
    form = UnitForm(request.POST or None, organ=organ) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(organ, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已新增单位“%(name)s”。") % {"name": unit.name})
            return redirect("accounts:units")
    context = {
        "organ": organ,
        "rows": [(min(depth, 6), unit, unit.pk in actable) for depth, unit in rows],
        "groups": list_unit_groups(organ, user=request.user),
        "form": form,
    }
    return render(
        request, "accounts/units.html", context, status=400 if form and form.errors else 200
    )


@login_required
def unit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a unit: its structure for managers, its contacts for the unit's own editors."""
    organ = _organ_or_404(request)
    unit = get_object_or_404(Unit, pk=pk, organ=organ)
    can_manage = can(request.user, Action.MANAGE_UNITS, organ=organ)
    if not can_manage and not can(request.user, Action.ACT_FOR_UNIT, organ=organ, unit=unit):
        raise Http404
    form: UnitForm | UnitContactForm
    if can_manage:
        initial = {
            f: getattr(unit, f)
            for f in ("name", "short_name", "kind", "parent", "sort_order", "phone", "email")
        }
        form = UnitForm(request.POST or None, organ=organ, initial=initial)
    else:
        form = UnitContactForm(
            request.POST or None, initial={"phone": unit.phone, "email": unit.email}
        )
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.update_unit(unit, actor=request.user, **changed)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:units")
    return render(
        request,
        "accounts/unit_edit.html",
        {"unit": unit, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create (shown once), list, revoke."""
    me = _me(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data.get("expires_on")
        expires_at = (
            timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
            if expires_on
            else None
        )
        try:
            _token, new_token = services.create_api_token(
                me, actor=me, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": list_api_tokens(me), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    token = get_object_or_404(list_api_tokens(me), pk=pk)
    services.revoke_api_token(token, actor=me)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")


@login_required
def security_view(request: HttpRequest) -> HttpResponse:
    """Change password; enrol, confirm or remove the TOTP second factor."""
    me = _me(request)
    password_form = PasswordForm(request.POST if request.POST.get("form") == "password" else None)
    totp_form = TotpForm(request.POST if request.POST.get("form") == "totp_confirm" else None)
    action = request.POST.get("form")
    if request.method == "POST":
        try:
            if action == "password" and password_form.is_valid():
                services.change_password(
                    me, actor=me, password=password_form.cleaned_data["password"]
                )
                login(request, me, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("密码已修改。"))
                return redirect("accounts:security")
            if action == "totp_begin":
                services.begin_totp_enrollment(me, actor=me)
                return redirect("accounts:security")
            if action == "totp_confirm" and totp_form.is_valid():
                services.confirm_totp(me, actor=me, code=totp_form.cleaned_data["code"])
                request.session.pop("gongkai_2fa_ok", None)
                messages.success(request, _("动态口令已启用，下次登录时需要输入。"))
                return redirect("accounts:security")
            if action == "totp_disable":
                services.disable_totp(me, actor=me)
                messages.success(request, _("动态口令已停用。"))
                return redirect("accounts:security")
        except DomainError as error:
            (password_form if action == "password" else totp_form).add_domain_error(error)
    qr_svg = None
    if me.totp_secret and not me.has_totp:
        uri = services.totp_for(me).provisioning_uri(name=me.username, issuer_name="gongkai")
        qr_svg = segno.make(uri, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "accounts/security.html",
        {
            "password_form": password_form,
            "totp_form": totp_form,
            "qr_svg": qr_svg,
            "totp_required": services.needs_second_factor_enrollment(me),
        },
        status=400 if (password_form.errors or totp_form.errors) else 200,
    )


def _manager_organ(request: HttpRequest) -> Organ:
    organ = _organ_or_404(request)
    if not can(request.user, Action.MANAGE_USERS, organ=organ):
        raise Http404
    return organ


@login_required
def users_view(request: HttpRequest) -> HttpResponse:
    """Staff of the organ with their roles; create accounts and grant roles."""
    organ = _manager_organ(request)
    action = request.POST.get("form")
    new_form = NewUserForm(request.POST if action == "new" else None, organ=organ)
    grant_form = GrantRoleForm(request.POST if action == "grant" else None, organ=organ)
    if request.method == "POST":
        form = new_form if action == "new" else grant_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "new":
                    user = services.create_user(
                        actor=request.user,
                        organ=organ,
                        username=data["username"],
                        password=data["password"],
                        display_name=data["display_name"],
                        phone=data["phone"],
                        email=data["email"],
                        role=data["role"],
                        units=list(data["units"]),
                    )
                else:
                    user = data["user"]
                    services.grant_role(
                        user,
                        actor=request.user,
                        organ=organ,
                        role=data["role"],
                        units=list(data["units"]),
                    )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("已保存“%(user)s”的账户与角色。") % {"user": user})
                return redirect("accounts:users")
    context = {
        "organ": organ,
        "members": list_organ_members(organ, user=request.user),
        "new_form": new_form,
        "grant_form": grant_form,
        "now": timezone.now(),
    }
    invalid = new_form.errors or grant_form.errors
    return render(request, "accounts/users.html", context, status=400 if invalid else 200)


@login_required
@require_POST
def user_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a role, unlock, or deactivate one member of the organ."""
    organ = _manager_organ(request)
    member = get_object_or_404(list_organ_members(organ, user=request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "revoke":
            membership = get_object_or_404(
                Membership, pk=request.POST.get("membership"), user=member, organ=organ
            )
            services.revoke_role(membership, actor=request.user)
        elif action == "unlock":
            services.unlock_user(member, actor=request.user, organ=organ)
        elif action == "deactivate":
            form = DeactivateUserForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.deactivate_user(member, actor=request.user, organ=organ, reason=reason)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已完成。"))
    return redirect("accounts:users")


@login_required
def organ_view(request: HttpRequest) -> HttpResponse:
    """The organ's own record (name, codes, contacts) and its logo."""
    organ = _organ_or_404(request)
    if not can(request.user, Action.MANAGE_ORGAN, organ=organ):
        raise Http404
    action = request.POST.get("form")
    initial = {name: getattr(organ, name) for name in services.ORGAN_FIELDS}
    form = OrganForm(request.POST if action == "organ" else None, initial=initial)
    logo_form = LogoForm(
        request.POST if action == "logo" else None, request.FILES if action == "logo" else None
    )
    if request.method == "POST":
        try:
            if action == "organ" and form.is_valid():
                changed = {k: form.cleaned_data[k] for k in form.changed_data}
                services.update_organ(organ, actor=request.user, **changed)
                messages.success(request, _("机关信息已保存。"))
                return redirect("accounts:organ")
            if action == "logo" and logo_form.is_valid():
                services.set_organ_logo(
                    organ, actor=request.user, upload=logo_form.cleaned_data["logo"]
                )
                messages.success(request, _("标志已更新。"))
                return redirect("accounts:organ")
        except DomainError as error:
            (form if action == "organ" else logo_form).add_domain_error(error)
    invalid = form.errors or logo_form.errors
    return render(
        request,
        "accounts/organ.html",
        {
            "organ": organ,
            "form": form,
            "logo_form": logo_form,
            "review_bodies": review_bodies(organ),
        },
        status=400 if invalid else 200,
    )
