"""The audit chain becomes keyed: every record already written is marked plain SHA-256
(scheme 1) and stays verifiable as it is; records from now on are HMAC-SHA256 (scheme 2).

Adding a column fires no row trigger, so the append-only trigger on PostgreSQL stays in place.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256（启用审计密钥之前）"), (2, "HMAC-SHA256（审计密钥）")],
                default=1,
                verbose_name="哈希方式",
            ),
            preserve_default=False,
        ),
    ]
