"""Text input over HTTP: every form derives from CleanTextMixin, every schema the API reads
from InSchema, and CleanTextMiddleware gives views that read request.POST or GET directly the
same normalised text a form would."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import unicodedata
from typing import Any, get_args

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import gongkai
from gongkai.accounts.choices import Role
from gongkai.core.api import InSchema
from gongkai.core.forms import CleanTextForm, CleanTextMixin
from gongkai.core.middleware import CleanTextMiddleware

hostile = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x1b\x0b\x08\x0c\r\n\t\x7f\x85\x9b\ufffe\u0301"),
    ),
    max_size=30,
)


def _is_clean(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value) and not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n" for ch in value
    )


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(gongkai.__path__, "gongkai."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("gongkai.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_form_of_the_project_normalises_its_text() -> None:
    project_forms = _project_forms()
    assert len(project_forms) > 30
    assert [f.__qualname__ for f in project_forms if not issubclass(f, CleanTextMixin)] == []


class _Sample(CleanTextForm):
    text = forms.CharField(required=False, widget=forms.Textarea)
    choice = forms.ChoiceField(choices=[("a", "甲")], required=False)
    password = forms.CharField(required=False, strip=False, widget=forms.PasswordInput)


@settings(max_examples=100, deadline=None)
@given(text=hostile, password=hostile)
def test_a_form_keeps_clean_text_and_refuses_nul(text: str, password: str) -> None:
    form = _Sample({"text": text, "choice": "a", "password": password})
    valid = form.is_valid()
    assert ("不能包含空字符。" in form.errors.get("text", [])) == ("\x00" in text)
    assert ("不能包含空字符。" in form.errors.get("password", [])) == ("\x00" in password)
    if valid:
        assert _is_clean(form.cleaned_data["text"])
        assert form.cleaned_data["password"] == password  # a password is hashed as typed


def test_nul_in_a_choice_is_refused_too() -> None:
    form = _Sample({"choice": "a\x00"})
    assert form.errors["choice"] == ["不能包含空字符。"]


def _seen(method: str, data: dict[str, str]) -> HttpRequest:
    factory = RequestFactory()
    request = factory.post("/", data) if method == "POST" else factory.get("/", data)
    seen: list[HttpRequest] = []

    def view(r: HttpRequest) -> HttpResponse:
        seen.append(r)
        return HttpResponse()

    CleanTextMiddleware(view)(request)
    return seen[0]


@settings(max_examples=100, deadline=None)
@given(method=st.sampled_from(["GET", "POST"]), value=hostile)
def test_views_reading_the_request_directly_get_clean_text(method: str, value: str) -> None:
    request = _seen(method, {"reason": value, "new_password": value})
    data = request.GET if method == "GET" else request.POST
    assert data["reason"] == data["reason"].replace("\x00", "")
    assert _is_clean(data["reason"])
    assert ("reason" in data.nul_keys) == ("\x00" in value)  # type: ignore[attr-defined]
    assert data["new_password"] == value.replace("\x00", "")


@pytest.mark.django_db
def test_an_applicants_correction_through_the_status_page_is_stored_clean(world: Any) -> None:
    """The status page reads the correction from request.POST itself (no form field)."""
    from gongkai.foi import services
    from gongkai.foi.models import InfoRequest
    from gongkai.foi.tests.test_services import APPLICANT

    request, code = services.submit_online(world.organ, submit_token="s", ip="", **APPLICANT)
    arrived = timezone.localtime(request.arrived_at).date()
    services.confirm_receipt(request, actor=world.users[Role.COORDINATOR], confirmed_on=arrived)
    services.request_clarification(
        request,
        actor=world.users[Role.COORDINATOR],
        on=arrived,
        what="请说明文号",
        due_on=arrived + dt.timedelta(days=10),
    )
    Client().post(
        f"/ysqgk/{world.organ.pk}/status/",
        {
            "number": request.number,
            "code": code,
            "action": "clarify",
            "clarification": "文号为\x1b中司\x00〔2025〕1号\r\n",
        },
    )
    request = InfoRequest.objects.get(pk=request.pk)
    assert request.status == "processing"
    assert request.clarification_text == "文号为中司〔2025〕1号"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
        for field in annotation.model_fields.values():
            found += _models_in(field.annotation)
    for arg in get_args(annotation):
        found += _models_in(arg)
    return found


def test_every_schema_the_api_reads_normalises_its_text() -> None:
    from gongkai.api import api

    read: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:  # ninja's wrappers: path, query, body …
                    for field in model.model_fields.values():
                        read.update(_models_in(field.annotation))
    assert {m.__name__ for m in read} >= {"IntakeIn", "ApplicantIn", "EventIn", "ItemIn"}
    assert sorted(m.__name__ for m in read if not issubclass(m, InSchema)) == []
