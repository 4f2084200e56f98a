"""Many applicants at once: one application each, distinct numbers, no server error."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from gongkai.foi import services
from gongkai.foi.models import InfoRequest
from gongkai.foi.services import applications as intake_services
from gongkai.foi.tests.test_pages import _form_fields
from gongkai.foi.tests.test_services import APPLICANT

THREADS, EACH = 20, 10


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_submissions(world: Any) -> None:
    url = f"/ysqgk/{world.organ.pk}/apply/"
    errors: list[BaseException] = []
    numbers: list[str] = []
    barrier = threading.Barrier(THREADS)

    def applicant(n: int) -> None:
        client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        try:
            forms = [_form_fields(client.get(url).content.decode()) for _ in range(EACH)]
            barrier.wait()
            for fields in forms:
                response = client.post(url, {**APPLICANT, **fields}, follow=True)
                assert response.status_code == 200, response.status_code
                found = re.search(r'id="application-number">([^<]+)<', response.content.decode())
                assert found is not None
                numbers.append(found.group(1))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=applicant, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == THREADS * EACH
    assert InfoRequest.objects.count() == THREADS * EACH


@pytest.mark.django_db
def test_a_number_drawn_twice_is_drawn_again(world: Any, monkeypatch: Any) -> None:
    drawn = iter(["YSQ20260302-AAAAAA", "YSQ20260302-AAAAAA", "YSQ20260302-BBBBBB"])
    monkeypatch.setattr(intake_services, "_new_number", lambda organ: next(drawn))
    first, _code = services.submit_online(world.organ, submit_token="t1", ip="", **APPLICANT)
    second, code = services.submit_online(world.organ, submit_token="t2", ip="", **APPLICANT)
    assert (first.number, second.number) == ("YSQ20260302-AAAAAA", "YSQ20260302-BBBBBB")
    assert code is not None
