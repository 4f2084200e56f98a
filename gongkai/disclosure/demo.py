"""Demo content of proactive disclosure: the reference plan's notice, published through the
whole workflow (editor → reviewer → leader → coordinator)."""

from __future__ import annotations

import datetime as dt

from gongkai.accounts.choices import Role
from gongkai.core.demo import DemoContext
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem
from gongkai.workplan.demo import REFERENCE_PLAN


def load(context: DemoContext) -> None:
    organ, users = context.organ, context.users
    if organ is None or DisclosureItem.objects.filter(organ=organ).exists():
        return
    nodes = {n.code: n for n in ensure_catalogue(organ)}
    # The demo organ takes the stricter 解读 rule (RULES §7.1): text alone does not free a policy.
    services.update_disclosure_settings(
        organ, actor=users[Role.COORDINATOR], is_other_form_required=True
    )
    text = REFERENCE_PLAN.read_text(encoding="utf-8")
    notice = text.split("## 中山市司法局 2019 年政务公开工作要点分工方案")[0]
    paragraphs = [line.strip().lstrip("#").strip() for line in notice.splitlines() if line.strip()]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[3:])
    office = organ.units.get(name="办公室")
    editor = users[Role.COORDINATOR]  # the office's own staff drafts the office's notice
    item = services.create_draft(
        organ,
        actor=editor,
        unit=office,
        node=nodes["rules"],
        title="关于印发中山市司法局2019年政务公开工作要点分工方案的通知",
        formed_on=dt.date(2019, 8, 15),
        written_on=dt.date(2019, 8, 15),
        doc_number="中司办〔2019〕20号",
        topic="综合政务\\政务公开",
        subject_words="政务公开 工作要点",
        summary="印发本局2019年政务公开工作要点分工方案，明确9类32项任务的牵头单位。",
        body=body,
    )
    services.submit_item(item, actor=editor)
    services.review_item(item, actor=users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=users[Role.LEADER])
    item = services.publish_item(item, actor=users[Role.COORDINATOR])
    context.stdout.write(f"已发布示例信息：{item.title}（索引号 {item.index_no}）\n")
