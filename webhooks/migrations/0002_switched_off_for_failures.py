"""Tells the portal's own switch-off after failures from a person's: only the former sends a notice."""

from django.db import migrations, models


def mark_earlier_switch_offs(apps, schema_editor):
    """Before this field the notice went to every endpoint switched off with failures on record: keep
    that reading for the endpoints already switched off."""
    endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    endpoint.objects.filter(is_active=False, disabled_at__isnull=False, consecutive_failures__gt=0).update(
        switched_off_for_failures=True
    )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_webhooks")]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="switched_off_for_failures",
            field=models.BooleanField(default=False, verbose_name="switched off after failures"),
        ),
        migrations.AddField(
            model_name="historicalwebhookendpoint",
            name="switched_off_for_failures",
            field=models.BooleanField(default=False, verbose_name="switched off after failures"),
        ),
        migrations.RunPython(mark_earlier_switch_offs, migrations.RunPython.noop),
    ]
