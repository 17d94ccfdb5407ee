"""The two default certificate templates (a selected contestant, a round's winner), in Persian.

The secretariat edits them in the admin (the signatory's name above all) and may add one per call;
issuing refuses with a sentence, rather than print made-up wording, if a kind has no template at all.
"""

from django.db import migrations

# Who signs, by office: the secretariat puts the person's name in once it is known.
SIGNATORY = "مدیرکل فرهنگ، هنر و صنایع خلاق"
SIGNATORY_TITLE = "دبیرخانه شورای عالی مناطق آزاد"

DEFAULTS = [
    {
        "kind": "selected",
        "name": "گواهی برگزیدگی (پیش‌فرض)",
        "heading": "گواهی برگزیدگی",
        "body": (
            "بدین‌وسیله گواهی می‌شود {name} از منطقه {zone} در «{call}» به عنوان برگزیده انتخاب شده است. "
            "امید است این انتخاب آغاز راهی پربار در عرصه فرهنگ و هنر باشد."
        ),
    },
    {
        "kind": "round_winner",
        "name": "گواهی رتبه (پیش‌فرض)",
        "heading": "گواهی افتخار",
        "body": (
            "بدین‌وسیله گواهی می‌شود {name} از منطقه {zone} در {round} «{call}» رتبه {place} را کسب کرده است. "
            "برای ایشان آرزوی موفقیت روزافزون داریم."
        ),
    },
]


def seed(apps, schema_editor):
    CertificateTemplate = apps.get_model("contests", "CertificateTemplate")
    for default in DEFAULTS:
        CertificateTemplate.objects.get_or_create(
            kind=default["kind"],
            call=None,
            defaults={
                "name": default["name"],
                "heading": default["heading"],
                "body": default["body"],
                "signatory_name": SIGNATORY,
                "signatory_title": SIGNATORY_TITLE,
            },
        )


def unseed(apps, schema_editor):
    CertificateTemplate = apps.get_model("contests", "CertificateTemplate")
    CertificateTemplate.objects.filter(call=None, certificates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("contests", "0001_competitions")]

    operations = [migrations.RunPython(seed, unseed)]
