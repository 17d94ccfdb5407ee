"""The disciplines of DOMAIN.md; the secretariat edits them afterwards."""

from django.db import migrations

DISCIPLINES = [
    ("quran", "تلاوت و حفظ قرآن", "Quran recitation and memorisation"),
    ("calligraphy", "خوشنویسی", "Calligraphy"),
    ("painting", "نقاشی", "Painting"),
    ("music", "موسیقی", "Music"),
    ("theatre", "تئاتر", "Theatre"),
    ("film", "فیلم", "Film"),
    ("photography", "عکاسی", "Photography"),
    ("handicrafts", "صنایع دستی", "Handicrafts"),
    ("literature", "ادبیات و شعر", "Literature and poetry"),
    ("digital", "محتوای دیجیتال و بازی", "Digital content and games"),
]


def seed(apps, schema_editor):
    Discipline = apps.get_model("talent", "Discipline")
    for order, (slug, name_fa, name_en) in enumerate(DISCIPLINES, start=1):
        Discipline.objects.update_or_create(
            slug=slug, defaults={"name_fa": name_fa, "name_en": name_en, "sort_order": order * 10}
        )


def unseed(apps, schema_editor):
    Discipline = apps.get_model("talent", "Discipline")
    Discipline.objects.filter(slug__in=[row[0] for row in DISCIPLINES], applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
