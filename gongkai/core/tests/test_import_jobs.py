"""Import jobs report progress and per-row errors to the CLI, the pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core import services
from gongkai.core.models import ImportJob

pytestmark = pytest.mark.django_db


def test_progress_and_row_errors_are_visible(world: Any, client: Client) -> None:
    coordinator = world.users[Role.COORDINATOR]
    job = services.create_import_job(
        world.organ, actor=coordinator, kind="plan", source_name="2019年分工方案.docx"
    )
    services.start_import_job(job, total=32)
    services.advance_import_job(job, by=8)
    services.add_import_row_error(job, row=9, column="牵头单位", message="未知单位：市档案馆")
    client.force_login(coordinator)
    status = client.get(f"/staff/imports/{job.pk}/status.json").json()
    assert status == {
        "id": job.pk,
        "status": "running",
        "status_label": "进行中",
        "processed": 8,
        "total": 32,
        "percent": 25,
        "errors": 1,
        "message": "",
    }
    page = client.get("/staff/imports/").content.decode()
    assert "2019年分工方案.docx" in page
    services.finish_import_job(job, actor=coordinator, result={"tasks": 31})
    api = client.get(f"/api/v1/import-jobs/{job.pk}").json()
    assert api["status"] == "succeeded"
    assert api["percent"] == 100
    assert api["error_count"] == 1


def test_other_organs_jobs_are_hidden(world: Any, client: Client) -> None:
    from gongkai.core.actors import SYSTEM

    job = ImportJob.objects.create(
        organ=world.other_organ, created_by=world.users[Role.ADMIN], kind="plan"
    )
    assert job.pk
    client.force_login(world.users[Role.COORDINATOR])
    assert client.get(f"/staff/imports/{job.pk}/status.json").status_code == 404
    assert client.get(f"/api/v1/import-jobs/{job.pk}").status_code == 404
    assert SYSTEM.is_superuser
