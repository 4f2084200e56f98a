"""The public form's challenge: shown and checked from the same stored question, single-use,
not derivable from the page's hidden fields, with a second kind of question."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gongkai.foi import challenge
from gongkai.foi.models import InfoRequest
from gongkai.foi.tests.test_pages import _form_fields, _question, solve
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db


def _url(world: Any) -> str:
    return f"/ysqgk/{world.organ.pk}/apply/"


def _submit_token(page: str) -> str:
    found = re.search(r'name="submit_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("first", ["", "999", "abc"])
def test_after_a_wrong_or_empty_answer_the_question_shown_is_the_one_checked(
    world: Any, first: str
) -> None:
    client = Client()
    page = client.get(_url(world)).content.decode()
    token = _submit_token(page)
    wrong = client.post(
        _url(world), {**APPLICANT, "submit_token": token, "challenge_answer": first}
    )
    assert wrong.status_code == 400
    again = wrong.content.decode()
    assert 'value="2025年行政处罚决定书"' in again  # what was typed is kept
    assert _submit_token(again) == token
    right = {**APPLICANT, "submit_token": token, "challenge_answer": solve(_question(again))}
    response = client.post(_url(world), right)
    assert response.status_code == 302, response.content.decode()
    assert InfoRequest.objects.count() == 1


def test_a_solved_answer_cannot_be_replayed_for_a_second_application(world: Any) -> None:
    client = Client()
    solved = {**APPLICANT, **_form_fields(client.get(_url(world)).content.decode())}
    assert client.post(_url(world), solved).status_code == 302
    # the same answer again with the next form of this browser, and from another browser
    fresh = _submit_token(client.get(_url(world)).content.decode())
    replayed = client.post(_url(world), {**solved, "submit_token": fresh})
    assert replayed.status_code == 400
    assert "回答不正确" in replayed.content.decode()
    elsewhere = Client().post(_url(world), solved)
    assert elsewhere.status_code == 400
    assert "验证已过期" in elsewhere.content.decode()
    assert InfoRequest.objects.count() == 1
    # the same form sent twice (a double click) shows its one application
    twice = client.post(_url(world), solved, follow=True)
    assert "申请已提交" in twice.content.decode()
    assert InfoRequest.objects.count() == 1


def test_the_answer_is_not_in_the_page(world: Any) -> None:
    client = Client()
    page = client.get(_url(world)).content.decode()
    answer = solve(_question(page))
    hidden = re.findall(r'<input type="hidden"[^>]*>', page)
    assert [h for h in hidden if "challenge" in h] == []
    for field in hidden:
        assert answer not in field
    stored = challenge.current(client.session, _submit_token(page))
    assert stored is not None
    assert stored.answer == answer


def test_another_question_of_the_other_kind_keeps_what_was_typed(world: Any) -> None:
    client = Client()
    page = client.get(_url(world)).content.decode()
    token = _submit_token(page)
    assert "加" in _question(page)
    switched = client.post(
        _url(world), {**APPLICANT, "submit_token": token, "another_question": "1"}
    )
    assert switched.status_code == 200
    text = switched.content.decode()
    assert "请用阿拉伯数字依次输入" in _question(text)
    assert 'value="2025年行政处罚决定书"' in text
    assert "field-error" not in text  # nothing was checked yet
    full_width = solve(_question(text)).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    done = client.post(
        _url(world), {**APPLICANT, "submit_token": token, "challenge_answer": full_width}
    )
    assert done.status_code == 302


def test_a_form_from_another_browser_gets_a_question_of_its_own(world: Any) -> None:
    page = Client().get(_url(world)).content.decode()
    stranger = Client()
    response = stranger.post(_url(world), {**APPLICANT, **_form_fields(page)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "验证已过期" in text
    token = _submit_token(text)
    assert token != _submit_token(page)  # a form this browser was given
    right = {**APPLICANT, "submit_token": token, "challenge_answer": solve(_question(text))}
    assert stranger.post(_url(world), right).status_code == 302


def test_the_session_that_holds_the_answer_stays_on_the_server(settings: Any) -> None:
    """A cookie-based session would hand the stored answer to the browser."""
    assert "signed_cookies" not in settings.SESSION_ENGINE
