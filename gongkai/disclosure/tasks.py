"""Background tasks of proactive disclosure."""

from __future__ import annotations

from django_tasks import task

from gongkai.core.actors import SYSTEM
from gongkai.core.time import today_local


@task()
def expire_normative_documents_task() -> int:
    """Mark the normative documents whose 失效日期 has come as 已失效, with their items' 有效性
    (RULES §10); run daily by the timer or `gongkai expire_normative_documents`."""
    from gongkai.disclosure.ledger import expire_documents

    return expire_documents(today=today_local(), actor=SYSTEM)
