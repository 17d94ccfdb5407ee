"""Demo agreements for ``seed_demo``: the Art Bureau MoU (docs/domain.md) and a creative-industries export MoU.

Agreements already present (same title) are left alone, so running the command again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Obligation, Party
from zones_portal.models import Institution, User, Zone

ART_BUREAU_MOU = "تفاهم‌نامه همکاری دبیرخانه شورای عالی مناطق آزاد و حوزه هنری انقلاب اسلامی"
EXPORT_MOU = "تفاهم‌نامه توسعه صادرات صنایع خلاق مناطق آزاد کیش و قشم"


def signed_pdf(title: str) -> ContentFile:
    """A small, valid one-page PDF standing in for the scanned signed copy."""
    text = f"Signed copy: {title}".encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return ContentFile(body, name="signed-copy.pdf")


def seed(say: Callable[[str], None]) -> None:
    secretariat = User.objects.get(username="secretariat")
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    art_bureau = Institution.objects.get(slug="artbureau")
    kanoon = Institution.objects.get(slug="kanoon")
    today = timezone.localdate()
    created = 0

    if not Agreement.objects.filter(title=ART_BUREAU_MOU).exists():
        created += 1
        mou = services.create_agreement(
            secretariat,
            title=ART_BUREAU_MOU,
            subject=Agreement.Subject.CREATIVE_EXPORT,
            summary=(
                "هموار کردن مسیر مناطق آزاد برای صادرات صنایع خلاق؛ ارتباط با شبکه هنرمندان و اصحاب فرهنگ؛ "
                "برپایی رویدادهای مشترک فرهنگی و هنری در مناطق آزاد هفتگانه."
            ),
            signed_on=today - dt.timedelta(days=120),
            effective_from=today - dt.timedelta(days=110),
            expires_on=today + dt.timedelta(days=59),
            notice_days=60,  # so its notice period began yesterday
            parties=[
                {"kind": Party.Kind.SECRETARIAT, "role": Party.Role.SIGNATORY},
                {"kind": Party.Kind.INSTITUTION, "institution": art_bureau, "role": Party.Role.SIGNATORY},
                {"kind": Party.Kind.ZONE, "zone": zones["kish"], "role": Party.Role.IMPLEMENTER},
            ],
        )
        services.add_signed_document(secretariat, mou, signed_pdf("Art Bureau MoU"), "نسخه امضاشده")
        services.start_negotiation(secretariat, mou)
        services.activate_agreement(secretariat, mou)
        parties = {
            party.kind if party.kind != "zone" else party.zone.slug: party for party in mou.parties.all()
        }
        done = services.add_obligation(
            secretariat,
            mou,
            description="معرفی هنرمندان منتخب مناطق آزاد به شبکه هنرمندان حوزه هنری",
            party=parties["institution"],
            due_on=today - dt.timedelta(days=30),
        )
        services.report_obligation(
            secretariat,
            done,
            status=Obligation.Status.DONE,
            evidence_note="فهرست ۴۲ هنرمند معرفی و در نشست مشترک بررسی شد.",
            today=today - dt.timedelta(days=33),
        )
        services.add_obligation(
            secretariat,
            mou,
            description="برپایی نمایشگاه آثار هنرمندان مناطق آزاد در تالار حوزه هنری تهران",
            party=parties["institution"],
            due_on=today + dt.timedelta(days=25),
        )
        services.add_obligation(
            secretariat,
            mou,
            description="برگزاری نشست هم‌اندیشی معاونان فرهنگی مناطق با حوزه هنری",
            party=parties["secretariat"],
            due_on=today + dt.timedelta(days=13),
        )
        services.add_obligation(
            secretariat,
            mou,
            description="تهیه فضای نمایشگاهی دائمی آثار هنرمندان در کیش",
            party=parties["kish"],
            due_on=today - dt.timedelta(days=8),
        )

    if not Agreement.objects.filter(title=EXPORT_MOU).exists():
        created += 1
        export = services.create_agreement(
            secretariat,
            title=EXPORT_MOU,
            subject=Agreement.Subject.CREATIVE_EXPORT,
            summary="حضور مشترک کیش و قشم در بازارهای منطقه‌ای صنایع خلاق با پشتیبانی کانون پرورش فکری.",
            signed_on=today - dt.timedelta(days=60),
            effective_from=today - dt.timedelta(days=60),
            expires_on=today + dt.timedelta(days=670),
            parties=[
                {"kind": Party.Kind.SECRETARIAT, "role": Party.Role.SIGNATORY},
                {"kind": Party.Kind.ZONE, "zone": zones["kish"], "role": Party.Role.IMPLEMENTER},
                {"kind": Party.Kind.ZONE, "zone": zones["qeshm"], "role": Party.Role.IMPLEMENTER},
                {"kind": Party.Kind.INSTITUTION, "institution": kanoon, "role": Party.Role.SUPPORTER},
            ],
        )
        services.add_signed_document(secretariat, export, signed_pdf("Creative export MoU"))
        services.activate_agreement(secretariat, export)
        parties = {party.zone.slug if party.zone else party.kind: party for party in export.parties.all()}
        services.add_obligation(
            secretariat,
            export,
            description="معرفی ده کسب‌وکار صنایع خلاق برای حضور در نمایشگاه صادرات قشم",
            party=parties["kish"],
            due_on=today + dt.timedelta(days=13),
        )
        services.add_obligation(
            secretariat,
            export,
            description="تأمین غرفه مشترک مناطق در نمایشگاه صادرات صنایع خلاق قشم",
            party=parties["qeshm"],
            due_on=today + dt.timedelta(days=2),
        )
        services.add_obligation(
            secretariat,
            export,
            description="کارگاه آموزشی بسته‌بندی و برندسازی محصولات فرهنگی کودک",
            party=parties["institution"],
            due_on=today - dt.timedelta(days=8),
        )

    say(f"{created} demo agreements." if created else "Demo agreements were already there.")
