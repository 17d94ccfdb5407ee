"""The nine event categories of DOMAIN.md; the secretariat edits them afterwards."""

from django.db import migrations

CATEGORIES = [
    ("quran", "قرآنی", "Quran", False),
    ("talent-scouting", "استعدادیابی", "Talent scouting", False),
    ("festival", "جشنواره", "Festival", False),
    ("exhibition", "نمایشگاه", "Exhibition", False),
    ("export-fair", "نمایشگاه صادرات صنایع خلاق", "Creative-industries export fair", True),
    ("workshop", "کارگاه آموزشی", "Workshop or training", False),
    ("conference", "همایش و نشست", "Conference or meeting", False),
    ("performance", "اجرا", "Performance", False),
    ("screening", "اکران", "Film screening", False),
]


def seed(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    for order, (slug, name_fa, name_en, creative) in enumerate(CATEGORIES, start=1):
        EventCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name_fa": name_fa,
                "name_en": name_en,
                "is_creative_industry": creative,
                "sort_order": order * 10,
            },
        )


def unseed(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    EventCategory.objects.filter(slug__in=[row[0] for row in CATEGORIES], events__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
