"""Letters from editable templates, delivery records, consultation of other organs, staged
attachments on the public form, and the queue's copy of the clock."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from gongkai.accounts import services as accounts_services
from gongkai.accounts.choices import Role
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import InvalidInput
from gongkai.foi import letters, services
from gongkai.foi.choices import Outcome
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.models import Letter
from gongkai.foi.tests.test_pages import _form_fields
from gongkai.foi.tests.test_services import APPLICANT, _received, answer, on_day

pytestmark = pytest.mark.django_db
D = dt.date
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _docx_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


def test_every_outcome_has_a_letter_that_fills_every_placeholder() -> None:
    for key, _label in letters.template_keys():
        title, body = letters.default_template(key)
        assert not letters.unknown_placeholders(title + body), key
    assert len([k for k, _ in letters.template_keys() if k.startswith("reply:")]) == len(Outcome)


def test_reply_letter_is_a_docx_with_basis_and_remedies(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    services.save_letter_settings(
        world.organ,
        actor=coordinator,
        office="办公室",
        address="中山市东区",
        phone="0760-1234567",
        court="",
        payment_method="",
    )
    accounts_services.update_organ(
        world.organ, actor=world.users[Role.ADMIN], level_government="中山市人民政府"
    )
    request = _received(world, D(2026, 3, 2))
    services.reply(request, actor=coordinator, on=D(2026, 3, 20), outcome="3.1", text="涉密")
    letter = request.letters.get(kind="reply")
    text = _docx_text(letter)
    assert world.organ.name in text
    assert "张三" in text
    assert request.number in text
    assert "第十四条、第三十六条第（三）项" in text  # the legal basis of 3.1
    # 不予公开: reconsideration first (行政复议法 第二十三条), then court within 15 days.
    assert "应当先申请行政复议" in text
    assert "60日内向中山市人民政府申请行政复议" in text
    assert "15日内依法向有管辖权的人民法院提起行政诉讼" in text
    assert "6个月" not in text
    assert "2026年3月20日" in text
    assert not re.search(r"\{[^}]+\}", text)  # no placeholder left unfilled


def test_an_organs_own_wording_is_used_and_unknown_placeholders_refused(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="不能使用的占位符") as caught:
        services.save_letter_template(
            world.organ, actor=coordinator, key="receipt", title="回执", body="{申请人} {身份证}"
        )
    assert caught.value.details == {"field": "body"}
    services.save_letter_template(
        world.organ,
        actor=coordinator,
        key="receipt",
        title="收件回执",
        body="{申请人}：您的申请{申请编号}已于{收到日期}收到。",
    )
    request = _received(world, D(2026, 3, 2))
    receipt = request.letters.get(kind="receipt")
    assert receipt.title == "收件回执"
    assert receipt.body == f"张三：您的申请{request.number}已于2026年3月2日收到。"
    editor = world.users[Role.EDITOR]
    with pytest.raises(Exception, match="权限"):
        services.save_letter_template(world.organ, actor=editor, key="receipt", title="x", body="x")


def test_delivery_is_recorded_and_checked(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    receipt = request.letters.get()
    with pytest.raises(InvalidInput) as caught:
        services.record_delivery(
            receipt,
            actor=coordinator,
            method="post",
            sent_on=D(2026, 3, 3),
            delivered_on=D(2026, 3, 1),
        )
    assert caught.value.details == {"field": "delivered_on"}
    done = services.record_delivery(
        receipt,
        actor=coordinator,
        method="post",
        sent_on=D(2026, 3, 3),
        delivered_on=D(2026, 3, 5),
        reference="EMS 1234",
    )
    assert (done.delivery_method, done.delivered_on, done.delivery_ref) == (
        "post",
        D(2026, 3, 5),
        "EMS 1234",
    )


@on_day(D(2026, 3, 2))
def test_another_organs_silence_is_consent_after_15_working_days(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    consultation = services.start_consultation(
        request, actor=coordinator, on=D(2026, 3, 3), party="市财政局", kind="organ"
    )
    assert consultation.answer_due_on == D(2026, 3, 24)
    letter = request.letters.get(kind="organ")
    assert letter.recipient_name == "市财政局"
    assert "视为同意公开" in letter.body
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.end_consultation(request, actor=coordinator, on=D(2026, 3, 20))
    services.end_consultation(request, actor=coordinator, on=D(2026, 3, 25))
    consultation.refresh_from_db()
    assert consultation.opinion == "deemed"


@on_day(D(2026, 3, 2))
def test_a_third_partys_silence_leaves_the_decision_to_the_organ(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    consultation = services.start_consultation(
        request, actor=coordinator, on=D(2026, 3, 3), party="某公司", question="合同金额"
    )
    assert request.letters.get(kind="third_party").recipient == "third_party"
    services.end_consultation(request, actor=coordinator, on=D(2026, 3, 25))
    consultation.refresh_from_db()
    assert consultation.opinion == "none"


def _form(client: Client, organ_id: int) -> dict[str, str]:
    page = client.get(f"/ysqgk/{organ_id}/apply/").content.decode()
    return {**APPLICANT, **_form_fields(page)}


def test_an_uploaded_file_survives_an_error_elsewhere_on_the_form(world: Any) -> None:
    client = Client()
    data = _form(client, world.organ.pk)
    first = client.post(
        f"/ysqgk/{world.organ.pk}/apply/",
        {**data, "phone": "", "id_copy": SimpleUploadedFile("身份证.png", PNG)},
    )
    assert first.status_code == 400
    page = first.content.decode()
    assert "已上传：身份证.png" in page
    assert 'id="id_phone-error"' in page
    bad = client.post(
        f"/ysqgk/{world.organ.pk}/apply/",
        {**data, "phone": "", "authorization": SimpleUploadedFile("a.png", b"MZ\x90\x00exe")},
    )
    assert "不支持的文件类型" in bad.content.decode()
    done = client.post(f"/ysqgk/{world.organ.pk}/apply/", data)
    assert done.status_code == 302
    request = world.organ.info_requests.get()
    assert [(a.purpose, a.original_name) for a in request.attachments.all()] == [
        ("id_copy", "身份证.png")
    ]
    staff = Client()
    staff.force_login(world.users[Role.COORDINATOR])
    attachment = request.attachments.get()
    got = staff.get(f"/staff/requests/{request.pk}/attachments/{attachment.pk}/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PNG


def test_applicant_downloads_letters_only_after_the_lookup(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request, code = services.intake(
        world.organ, actor=coordinator, channel="in_person", arrived_on=D(2026, 3, 2), **APPLICANT
    )
    answer(request, world, on=D(2026, 3, 10), outcome="1", text="见附件")
    reply = request.letters.get(kind="reply")
    url = f"/ysqgk/{world.organ.pk}/letters/{reply.pk}/"
    client = Client()
    assert client.get(url).status_code == 404
    page = client.post(
        f"/ysqgk/{world.organ.pk}/status/", {"number": request.number, "code": code}
    ).content.decode()
    assert url in page
    assert "政府信息公开申请答复告知书" in page
    got = client.get(url)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    assert Client().get(url).status_code == 404  # another browser has not looked it up


def test_a_refused_staff_action_keeps_what_was_typed(world: Any) -> None:
    request = _received(world, D(2026, 3, 2))
    client = Client()
    client.force_login(world.users[Role.COORDINATOR])
    response = client.post(
        f"/staff/requests/{request.pk}/action/",
        {"action": "clarify", "on": "2026-03-04", "what": "请说明所需文件的年份", "due_on": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请说明所需文件的年份</textarea>" in page
    assert "请填写补正期限" in page


def test_the_queue_copy_follows_a_calendar_correction(world: Any, django_user_model: Any) -> None:
    from gongkai.workdays import services as workdays

    request = _received(world, D(2026, 3, 2))
    due = request.queue_due_on
    admin = django_user_model.objects.create_superuser("root", "r@example.com", "Xx#12345678a")
    workdays.correct_day(D(2026, 3, 10), actor=admin, kind="holiday", name="停工", reason="测试")
    workdays.recompute_open_clocks(actor=SYSTEM)
    request.refresh_from_db()
    assert request.queue_due_on == request.clock.due_on == due + dt.timedelta(days=1)


def test_queue_export_is_masked_audited_and_safe_from_formulas(world: Any) -> None:
    from gongkai.core.models import AuditEvent

    _received(world, D(2026, 3, 2), **{**APPLICANT, "info_title": '=HYPERLINK("x")'})
    client = Client()
    client.force_login(world.users[Role.COORDINATOR])
    response = client.get("/staff/requests/export/?view=open")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "张*" in text
    assert "张三" not in text
    assert APPLICANT["id_number"] not in text
    assert APPLICANT["id_number"][-4:] in text
    assert "'=HYPERLINK" in text
    assert AuditEvent.objects.filter(action="foi.queue.exported").exists()


@on_day(D(2026, 3, 2))
def test_silence_excludes_only_the_consultation_period(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    consultation = services.start_consultation(
        request, actor=coordinator, on=D(2026, 3, 3), party="市财政局", kind="organ"
    )
    with pytest.raises(WrongRequestState):  # no reply while the other organ may still answer
        services.reply(request, actor=coordinator, on=D(2026, 3, 4), outcome="1", text="x")
    with pytest.raises(WrongRequestState):  # nor an extension while the clock stands still
        services.extend(
            request, actor=world.users[Role.LEADER], on=D(2026, 3, 4), days=5, reason="量大"
        )
    late = services.end_consultation(request, actor=coordinator, on=D(2026, 4, 20))
    on_time = _received(world, D(2026, 3, 2))
    services.start_consultation(
        on_time, actor=coordinator, on=D(2026, 3, 3), party="市财政局", kind="organ"
    )
    prompt = services.end_consultation(
        on_time, actor=coordinator, on=consultation.answer_due_on + dt.timedelta(days=1)
    )
    # recorded weeks later or the day after, the count resumes where the period ended
    assert late.clock.due_on == prompt.clock.due_on


def test_delivery_moves_the_payment_deadline_and_withdrawal_settles_the_fee(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request, code = services.intake(
        world.organ, actor=coordinator, channel="in_person", arrived_on=D(2026, 3, 2), **APPLICANT
    )
    with on_day(D(2026, 3, 5)):
        notice = services.issue_fee_notice(
            request, actor=coordinator, on=D(2026, 3, 5), method="volume", pages=40
        )
    services.record_delivery(
        request.letters.get(kind="fee"),
        actor=coordinator,
        method="post",
        sent_on=D(2026, 3, 5),
        delivered_on=D(2026, 3, 9),
    )
    notice.refresh_from_db()
    assert notice.pay_due_on == services.get_calendar().add_working_days(D(2026, 3, 9), 20).date
    services.withdraw_by_applicant(request, code=code)
    notice.refresh_from_db()
    assert notice.lapsed_on is not None


def test_a_consulted_party_is_never_told_who_applied(world: Any) -> None:
    with pytest.raises(InvalidInput, match="不能使用的占位符"):
        services.save_letter_template(
            world.organ,
            actor=world.users[Role.COORDINATOR],
            key="third_party",
            title="征询",
            body="{受送达人}：{申请人}申请公开{所需信息}。",
        )
    with pytest.raises(InvalidInput, match="不能使用的占位符"):  # fee amounts only in fee letters
        services.save_letter_template(
            world.organ,
            actor=world.users[Role.COORDINATOR],
            key="receipt",
            title="回执",
            body="{申请人}：{收费金额}",
        )


def test_only_forms_this_browser_was_given_take_files(world: Any) -> None:
    client = Client()
    data = {**_form(client, world.organ.pk), "submit_token": "made-up-token", "phone": ""}
    client.post(
        f"/ysqgk/{world.organ.pk}/apply/",
        {**data, "id_copy": SimpleUploadedFile("id.png", PNG)},
    )
    from gongkai.foi.models import RequestAttachment

    assert not RequestAttachment.objects.exists()


def test_letters_stay_downloadable_for_half_an_hour(world: Any, monkeypatch: Any) -> None:
    import time

    from gongkai.foi import views

    coordinator = world.users[Role.COORDINATOR]
    request, code = services.intake(
        world.organ, actor=coordinator, channel="in_person", arrived_on=D(2026, 3, 2), **APPLICANT
    )
    url = f"/ysqgk/{world.organ.pk}/letters/{request.letters.get().pk}/"
    client = Client()
    client.post(f"/ysqgk/{world.organ.pk}/status/", {"number": request.number, "code": code})
    assert client.get(url).status_code == 200
    later = time.time() + views.LOOKUP_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the clock the lookup is timed by
    assert client.get(url).status_code == 404
