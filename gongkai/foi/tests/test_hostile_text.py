"""Hostile text at the request's boundaries (the public form, the intake API) and in its letters:
control characters never reach the database, NUL is refused with a Chinese message, and a
request stored before the boundaries were closed still gets its letters (RULES §2.5)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
from django.test import Client
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role
from gongkai.foi import letters, services
from gongkai.foi.forms import ApplicationForm
from gongkai.foi.models import InfoRequest, Letter
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db

# Text as an attacker or an unlucky paste sends it: any code point but lone surrogates (a form
# post cannot carry them; the API test adds them), the controls of the incident weighted up.
hostile = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x1b\x0b\x08\x0c\r\n\t\x7f\x85\x9b\ufffe\uffff\u0301"),
    ),
    max_size=40,
)
FREE_TEXT = ("name", "address", "info_title", "info_doc_number", "info_description")
PROPERTY = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _is_clean(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value) and not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n" for ch in value
    )


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def _letter_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        return _docx_text(handle.read())


def test_a_request_stored_with_control_characters_still_gets_its_letters(world: Any) -> None:
    """Data stored before the boundaries normalised text: the letters drop what XML cannot
    carry, so the receipt is issued and the clock starts."""
    request, _code = services.submit_online(world.organ, submit_token="old", ip="", **APPLICANT)
    InfoRequest.objects.filter(pk=request.pk).update(
        name="张\x1b三", info_title="2025年\x0b行政处罚\x7f决定书", address="中山\x08市"
    )
    request.refresh_from_db()
    confirmed = services.confirm_receipt(
        request,
        actor=world.users[Role.COORDINATOR],
        confirmed_on=request.arrived_at.date() + dt.timedelta(days=1),
    )
    assert confirmed.clock is not None
    receipt = confirmed.letters.get()
    text = _letter_text(receipt)
    assert "张三" in text
    assert "2025年行政处罚决定书" in text


@settings(max_examples=50, deadline=None)
@given(organ=hostile, title=hostile, number=hostile, body=hostile)
def test_a_letter_is_written_whatever_its_text(
    organ: str, title: str, number: str, body: str
) -> None:
    content = letters.to_docx(
        organ_name=organ, title=title, number=number, body=body, on=dt.date(2026, 3, 2)
    )
    assert _docx_text(content)  # opens again: at least the date is there


def _form(**values: str) -> ApplicationForm:
    """The form as the view builds it once the challenge (kept in the session) was passed."""
    return ApplicationForm({**APPLICANT, "submit_token": "t", **values})


@PROPERTY
@given(field=st.sampled_from(FREE_TEXT), value=hostile)
def test_the_public_form_keeps_no_control_characters(world: Any, field: str, value: str) -> None:
    form = _form(**{field: "甲" + value + "乙"})
    if "\x00" in value:
        assert not form.is_valid()
        assert "不能包含空字符。" in form.errors[field]
        return
    if not form.is_valid():  # too long, or an invalid e-mail: refused, never stored
        assert field in form.errors
        return
    cleaned = form.cleaned_data[field]
    assert _is_clean(cleaned)
    fields = {k: form.cleaned_data[k] for k in services.APPLICANT_FIELDS}
    request, _code = services.submit_online(
        world.organ, submit_token=f"t{InfoRequest.objects.count()}", ip="", **fields
    )
    confirmed = services.confirm_receipt(
        request,
        actor=world.users[Role.COORDINATOR],
        confirmed_on=request.arrived_at.date() + dt.timedelta(days=1),
    )
    assert confirmed.letters.count() == 1


def test_the_public_form_refuses_nul_and_drops_escape_through_the_view(world: Any) -> None:
    from gongkai.foi.tests.test_pages import _form_fields

    client = Client()
    page = client.get(f"/ysqgk/{world.organ.pk}/apply/").content.decode()
    fields = {**APPLICANT, **_form_fields(page)}
    refused = client.post(f"/ysqgk/{world.organ.pk}/apply/", {**fields, "name": "张\x00三"})
    assert refused.status_code == 400
    assert "不能包含空字符" in refused.content.decode()
    assert not InfoRequest.objects.exists()
    client.post(f"/ysqgk/{world.organ.pk}/apply/", {**fields, "name": "张\x1b三\r\n"})
    assert InfoRequest.objects.get().name == "张三"


def _token(world: Any) -> dict[str, str]:
    _row, raw = accounts.create_api_token(
        world.users[Role.COORDINATOR], actor=world.users[Role.COORDINATOR], name="测试"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _intake_body(world: Any, **changes: Any) -> dict[str, Any]:
    applicant = {
        k: APPLICANT[k]
        for k in ("applicant_type", "name", "id_type", "id_number", "phone", "email", "address")
    }
    body: dict[str, Any] = {
        "organ_id": world.organ.pk,
        "channel": "in_person",
        "arrived_on": "2026-03-02",
        "applicant": applicant,
        "info_title": "2025年行政处罚决定书",
        "info_description": "律师行业",
    }
    for key, value in changes.items():
        if key in applicant:
            body["applicant"][key] = value
        else:
            body[key] = value
    return body


API_TEXT = ("name", "address", "info_title", "info_doc_number", "info_description")


@PROPERTY
@given(
    field=st.sampled_from(API_TEXT),
    value=st.text(
        st.one_of(st.characters(codec=None), st.sampled_from("\x00\x1b\ud800\x0b\x85")),
        max_size=40,
    ),
)
def test_the_intake_api_keeps_no_control_characters(world: Any, field: str, value: str) -> None:
    headers = _token(world)
    body = _intake_body(world, **{field: "甲" + value + "乙"})
    response = Client().post(
        "/api/v1/foi/requests", body, content_type="application/json", **headers
    )
    if "\x00" in value:
        assert response.status_code == 422, response.content
        errors = response.json()["details"]["errors"]
        assert any(e["loc"][-1] == field and e["message"] == "不能包含空字符。" for e in errors)
        return
    if response.status_code == 422:  # too long: refused, never stored
        return
    assert response.status_code == 201, response.content
    request = InfoRequest.objects.get(pk=response.json()["request"]["id"])
    assert _is_clean(getattr(request, field))
    assert request.letters.count() == 1  # in person: the clock started and the receipt went out


def test_the_api_refuses_nul_on_sqlite_and_postgresql_alike(world: Any) -> None:
    response = Client().post(
        "/api/v1/foi/requests",
        _intake_body(world, name="张\x00三"),
        content_type="application/json",
        **_token(world),
    )
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["message"] == "不能包含空字符。"
    assert response.json()["details"]["errors"][0]["loc"][-2:] == ["applicant", "name"]
    assert not InfoRequest.objects.exists()
