"""Every response carries the security headers, whatever its status or origin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.choices import Role

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=()",
}

ANONYMOUS_PATHS = [
    "/",
    "/staff/login/",
    "/staff/",
    "/staff/audit/",
    "/api/v1/me",
    "/api/v1/openapi.json",
    "/django-admin/",
    "/no-such-page/",
    "/static/gongkai/staff.css",
]
STAFF_PATHS = [
    "/staff/",
    "/staff/units/",
    "/staff/tokens/",
    "/staff/security/",
    "/staff/audit/",
    "/staff/audit/export.csv",
    "/staff/imports/",
    "/api/v1/units",
    "/django-admin/",
]


def _assert_headers(response: Any, path: str) -> None:
    for header, fragment in EXPECTED.items():
        assert fragment in response.headers.get(header, ""), f"{header} missing on {path}"


@pytest.mark.parametrize("path", ANONYMOUS_PATHS)
def test_headers_on_public_and_error_responses(path: str, client: Client) -> None:
    _assert_headers(client.get(path), path)


@pytest.mark.parametrize("path", STAFF_PATHS)
def test_headers_on_staff_responses(world: Any, client: Client, path: str) -> None:
    client.force_login(world.users[Role.ADMIN])
    response = client.get(path)
    assert response.status_code in (200, 302)
    _assert_headers(response, path)


def test_headers_on_post_and_forbidden(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/staff/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    _assert_headers(response, "csrf failure")


def test_nginx_includes_the_headers_the_application_sends() -> None:
    """deploy/security-headers.conf is generated from the settings, and still matches them."""
    import io

    from django.core.management import call_command

    call_command("nginx_headers", "--check", stdout=io.StringIO())


def test_a_changed_policy_makes_the_nginx_headers_stale(settings: Any) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.GONGKAI_CSP = "default-src 'none'"
    with pytest.raises(CommandError, match="不一致"):
        call_command("nginx_headers", "--check", stdout=io.StringIO())
