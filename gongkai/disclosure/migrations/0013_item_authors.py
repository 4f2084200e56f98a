"""Each item's authors (separation of duties), read back from the audit trail for existing items:
whoever created, edited, attached to or submitted it since it was created or its last revision
started; an item without audit records gets its creator."""

from typing import Any

from django.conf import settings
from django.db import migrations, models

ITEM = "disclosure.disclosureitem"
ADDS = {
    "disclosure.item.created",
    "disclosure.item.updated",
    "disclosure.item.submitted",
    "disclosure.attachment.added",
}
RESTART = "disclosure.item.revision_started"


def authors_from_the_audit_trail(apps: Any, schema_editor: Any) -> None:
    item_model = apps.get_model("disclosure", "DisclosureItem")
    event_model = apps.get_model("core", "AuditEvent")
    user_ids = set(apps.get_model("accounts", "User").objects.values_list("pk", flat=True))
    found: dict[str, set[int]] = {}
    events = event_model.objects.filter(object_type=ITEM, action__in=ADDS | {RESTART})
    for object_id, action, actor_id in events.order_by("seq").values_list(
        "object_id", "action", "actor_id"
    ):
        if action == RESTART:
            found[object_id] = set()
        if actor_id is not None and actor_id in user_ids:
            found.setdefault(object_id, set()).add(actor_id)
    for pk, created_by_id in item_model.objects.values_list("pk", "created_by_id"):
        item_model.authors.through.objects.bulk_create(
            [
                item_model.authors.through(disclosureitem_id=pk, user_id=user_id)
                for user_id in sorted(found.get(str(pk)) or {created_by_id})
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only_trigger"),
        ("disclosure", "0012_settings_and_h5"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosureitem",
            name="authors",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="拟稿人"
            ),
        ),
        migrations.RunPython(authors_from_the_audit_trail, migrations.RunPython.noop),
    ]
