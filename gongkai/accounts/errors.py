"""Errors of the accounts app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import Conflict, DomainError, InvalidInput


class LoginFailed(DomainError):
    code = "login_failed"
    default_message = _("用户名或密码不正确。")
    http_status = 401


class AccountLocked(DomainError):
    code = "account_locked"
    default_message = _("登录失败次数过多，账户已锁定，请稍后再试。")
    http_status = 403


class LoginThrottled(DomainError):
    code = "login_throttled"
    default_message = _("登录失败次数过多，请稍后再试。")
    http_status = 429


class SecondFactorInvalid(DomainError):
    code = "totp_invalid"
    default_message = _("动态口令不正确或已使用，请输入验证器中的最新 6 位数字。")
    http_status = 401


class PasswordRejected(InvalidInput):
    code = "password_rejected"
    default_message = _("密码不符合安全要求。")


class NameTaken(Conflict):
    code = "name_taken"
    default_message = _("该名称已被本机关的其他单位、单位组或别名使用。")
