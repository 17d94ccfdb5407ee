"""The seven free zones of DOMAIN.md; afterwards the secretariat edits them in the admin."""

from django.db import migrations

SEVEN_FREE_ZONES = [
    ("kish", "کیش", "Kish", "هرمزگان", "Hormozgan"),
    ("qeshm", "قشم", "Qeshm", "هرمزگان", "Hormozgan"),
    ("chabahar", "چابهار", "Chabahar", "سیستان و بلوچستان", "Sistan and Baluchestan"),
    ("aras", "ارس", "Aras", "آذربایجان شرقی", "East Azerbaijan"),
    ("anzali", "انزلی", "Anzali", "گیلان", "Gilan"),
    ("arvand", "اروند", "Arvand", "خوزستان", "Khuzestan"),
    ("maku", "ماکو", "Maku", "آذربایجان غربی", "West Azerbaijan"),
]


def seed_zones(apps, schema_editor):
    Zone = apps.get_model("zones_portal", "Zone")
    for order, (slug, name_fa, name_en, province_fa, province_en) in enumerate(SEVEN_FREE_ZONES, start=1):
        Zone.objects.update_or_create(
            slug=slug,
            defaults={
                "name_fa": name_fa,
                "name_en": name_en,
                "province_fa": province_fa,
                "province_en": province_en,
                "kind": "free",
                "sort_order": order * 10,
            },
        )


def unseed_zones(apps, schema_editor):
    Zone = apps.get_model("zones_portal", "Zone")
    Zone.objects.filter(slug__in=[row[0] for row in SEVEN_FREE_ZONES], memberships__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("zones_portal", "0001_initial")]

    operations = [migrations.RunPython(seed_zones, unseed_zones)]
