"""Demo coordination desk for ``seed_demo``: a year of monthly council meetings and two circulars.

The last twelve Solar Hijri months each had a council meeting of the seven zones' cultural deputies
with the Art Bureau; the next one is scheduled and open for agenda proposals. Their agendas follow the
joint Quran programme, the Art Bureau MoU and the creative-industries export fair; their decisions give
action items to zones, the Art Bureau and the secretariat, done on time, done late, open and overdue.
The latest meeting's minutes are open for comment. Of two circulars, the older is acknowledged by five
zones of seven, the recent one by a few so far.

So that the desk's reminders have something to say at the first sweep after seeding, a few dates are
counted from the day the demo is seeded rather than from the meetings: an action item due tomorrow, one
a day overdue and one a week overdue (escalated to the secretariat), the recent circular to be
acknowledged in three days, and the next meeting's agenda closing in three days.

The services do the work, so every change has its history; where a service rightly refuses a date in
the past (a comment window, an answer after the meeting), the date is written directly afterwards, as
the other demos do. Meetings and circulars already there (same title) are left alone, so running the
command again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
from django.utils import timezone

from coordination.models import (
    Acknowledgement,
    ActionItem,
    ActionItemStatusChange,
    AgendaItem,
    Circular,
    CircularStatusChange,
    Invitee,
    Meeting,
    MeetingStatusChange,
    Side,
)
from coordination.services import circulars as circular_services
from coordination.services import meetings as meeting_services
from coordination.services import minutes as minutes_services
from reminders.registry import morning
from zones_portal.dates import persian_digits
from zones_portal.models import Institution, User, Zone

COUNCIL = "نشست شورای معاونان فرهنگی مناطق آزاد"
PLACE = "تهران، دبیرخانه شورای عالی مناطق آزاد، تالار جلسات طبقه سوم"
ONLINE = "https://meet.portal.example/council"
MEETING_DAY = 10  # of each Solar Hijri month, at ten in the morning
ZONE_ORDER = ("kish", "qeshm", "chabahar", "aras", "anzali", "arvand", "maku")

QURAN_CIRCULAR = "دستورالعمل اجرای برنامه مشترک قرآنی مناطق آزاد"
FAIR_CIRCULAR = "فراخوان حضور در نمایشگاه صادرات صنایع خلاق"


@dataclass(frozen=True)
class Action:
    owner: str  # a zone's slug, "artbureau" or "secretariat"
    description: str
    due_days: int  # after the meeting
    outcome: str = "on_time"  # on_time, late or missed, once its due date has passed
    evidence: str = ""
    # Days from the reminders' day (``reminder_day``) instead of ``due_days`` after the meeting: a date
    # the first reminder sweep after seeding speaks of.
    due_in: int | None = None


@dataclass(frozen=True)
class Topic:
    title: str
    proposer: str  # a zone's slug, "artbureau" or "secretariat"
    minutes: str
    decision: str
    actions: tuple[Action, ...]


# Twelve meetings, oldest first, two or three items each: the three threads run through the year.
AGENDAS: tuple[tuple[Topic, ...], ...] = (
    (
        Topic(
            "طرح برنامه مشترک قرآنی مناطق آزاد هفتگانه",
            "secretariat",
            "دبیرخانه طرح اولیه برنامه را ارائه کرد؛ معاونان بر اجرای هم‌زمان در هفت منطقه تأکید کردند.",
            "برنامه مشترک قرآنی مناطق آزاد با محوریت محفل هم‌زمان انس با قرآن کریم در دستور کار قرار گیرد.",
            (
                Action(
                    "secretariat",
                    "تدوین شیوه‌نامه اجرایی برنامه مشترک قرآنی و ارسال به مناطق",
                    30,
                    evidence="شیوه‌نامه در هفت بند تدوین و با نامه رسمی به مناطق ارسال شد.",
                ),
            ),
        ),
        Topic(
            "گزارش امضای تفاهم‌نامه با حوزه هنری انقلاب اسلامی",
            "secretariat",
            "مفاد تفاهم‌نامه و تعهدات طرفین برای معاونان تشریح شد.",
            "هر منطقه یک نفر را به‌عنوان رابط اجرای تفاهم‌نامه با حوزه هنری معرفی کند.",
            (
                Action(
                    "kish", "معرفی رابط منطقه کیش برای تفاهم‌نامه حوزه هنری", 14, evidence="رابط معرفی شد."
                ),
                Action(
                    "qeshm",
                    "معرفی رابط منطقه قشم برای تفاهم‌نامه حوزه هنری",
                    14,
                    "late",
                    "نامه معرفی ارسال شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "نمایشگاه صادرات صنایع خلاق: ایده و محل برگزاری",
            "qeshm",
            "منطقه قشم آمادگی میزبانی نمایشگاه را اعلام کرد.",
            "نمایشگاه صادرات صنایع خلاق مناطق آزاد به میزبانی قشم برگزار شود.",
            (
                Action(
                    "qeshm",
                    "تهیه طرح مکان‌یابی و برآورد هزینه سالن نمایشگاه",
                    30,
                    evidence="طرح مکان‌یابی سه سالن با برآورد هزینه ارسال شد.",
                ),
            ),
        ),
        Topic(
            "برنامه‌های فرهنگی دهه فجر",
            "secretariat",
            "مناطق برنامه‌های پیشنهادی خود را ارائه کردند.",
            "تقویم یکپارچه برنامه‌های دهه فجر مناطق تهیه و منتشر شود.",
            (
                Action(
                    "secretariat",
                    "انتشار تقویم یکپارچه برنامه‌های دهه فجر مناطق",
                    20,
                    evidence="تقویم در درگاه منتشر شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "برنامه مشترک قرآنی: معرفی قاریان و حافظان",
            "secretariat",
            "مقرر شد هر منطقه قاریان برجسته خود را معرفی کند.",
            "هر منطقه دست‌کم سه قاری و حافظ برای محفل مشترک معرفی کند.",
            (
                Action(
                    "chabahar", "معرفی قاریان و حافظان منطقه چابهار", 21, evidence="فهرست پنج قاری ارسال شد."
                ),
                Action("aras", "معرفی قاریان و حافظان منطقه ارس", 21, "late", "فهرست سه قاری ارسال شد."),
                Action(
                    "anzali", "معرفی قاریان و حافظان منطقه انزلی", 21, evidence="فهرست چهار قاری ارسال شد."
                ),
            ),
        ),
        Topic(
            "پیگیری تفاهم‌نامه حوزه هنری: فهرست هنرمندان",
            "artbureau",
            "حوزه هنری آمادگی خود را برای ارزیابی آثار هنرمندان مناطق اعلام کرد.",
            "مناطق فهرست هنرمندان منتخب خود را برای شبکه هنرمندان حوزه هنری ارسال کنند.",
            (
                Action(
                    "artbureau",
                    "ارزیابی آثار هنرمندان معرفی‌شده و اعلام نتیجه به دبیرخانه",
                    45,
                    evidence="نتیجه ارزیابی ۴۲ هنرمند اعلام شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "برنامه‌های فرهنگی نوروز در مناطق آزاد",
            "kish",
            "کیش پیشنهاد برنامه مشترک گردشگری فرهنگی نوروزی را مطرح کرد.",
            "برنامه‌های فرهنگی نوروزی مناطق با محوریت گردشگری فرهنگی هماهنگ شود.",
            (
                Action("kish", "تهیه بسته معرفی برنامه‌های نوروزی کیش", 20, evidence="بسته معرفی منتشر شد."),
                Action("arvand", "تهیه بسته معرفی برنامه‌های نوروزی اروند", 20, "missed"),
            ),
        ),
        Topic(
            "نمایشگاه صادرات صنایع خلاق: فراخوان کسب‌وکارها",
            "secretariat",
            "پیش‌نویس فراخوان بررسی شد.",
            "فراخوان حضور کسب‌وکارهای صنایع خلاق در نمایشگاه منتشر شود.",
            (
                Action(
                    "secretariat",
                    "انتشار فراخوان حضور کسب‌وکارهای خلاق در نمایشگاه",
                    15,
                    evidence="فراخوان در درگاه و پایگاه مناطق منتشر شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "برنامه مشترک قرآنی: محفل هم‌زمان ماه مبارک رمضان",
            "secretariat",
            "جزئیات اجرای محفل هم‌زمان و پخش زنده آن بررسی شد.",
            "محفل انس با قرآن کریم به‌صورت هم‌زمان در هفت منطقه و با پخش زنده برگزار شود.",
            (
                Action(
                    "maku", "آماده‌سازی محل برگزاری محفل قرآنی در ماکو", 25, evidence="محل آماده و بازدید شد."
                ),
                Action("arvand", "آماده‌سازی محل برگزاری محفل قرآنی در اروند", 25, evidence="محل آماده شد."),
                Action(
                    "secretariat",
                    "هماهنگی پخش زنده محفل با صداوسیمای مراکز استان‌ها",
                    25,
                    "late",
                    "هماهنگی با پنج مرکز استانی انجام شد.",
                ),
            ),
        ),
        Topic(
            "گزارش شاخص هماهنگی مناطق در فصل گذشته",
            "secretariat",
            "کارنامه فصل گذشته مناطق مرور شد.",
            "مناطقی که گزارش رویدادهای خود را ثبت نکرده‌اند ظرف دو هفته تکمیل کنند.",
            (
                Action(
                    "chabahar",
                    "تکمیل گزارش رویدادهای برگزارشده فصل گذشته در درگاه",
                    14,
                    evidence="گزارش شش رویداد ثبت شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "گزارش برگزاری محفل مشترک قرآنی",
            "secretariat",
            "گزارش برگزاری محفل در هفت منطقه ارائه شد؛ مشارکت بیش از انتظار بود.",
            "گزارش جامع برنامه مشترک قرآنی تهیه و به شورای عالی ارائه شود.",
            (
                Action(
                    "secretariat",
                    "تهیه گزارش جامع برنامه مشترک قرآنی برای شورای عالی",
                    30,
                    evidence="گزارش جامع با آمار مشارکت ارائه شد.",
                ),
            ),
        ),
        Topic(
            "پیگیری تفاهم‌نامه حوزه هنری: نمایشگاه آثار هنرمندان",
            "artbureau",
            "حوزه هنری پیشنهاد برپایی نمایشگاه آثار هنرمندان مناطق در تهران را داد.",
            "نمایشگاه آثار هنرمندان مناطق آزاد در تالار حوزه هنری برپا شود.",
            (
                Action(
                    "artbureau",
                    "ارسال برنامه زمان‌بندی نمایشگاه آثار هنرمندان مناطق آزاد",
                    21,
                    "late",
                    "برنامه زمان‌بندی ارسال شد.",
                ),
                Action(
                    "kish", "گردآوری و ارسال آثار هنرمندان کیش برای نمایشگاه", 40, evidence="۱۲ اثر ارسال شد."
                ),
            ),
        ),
    ),
    (
        Topic(
            "نمایشگاه صادرات صنایع خلاق: غرفه‌ها و بازدیدکنندگان خارجی",
            "qeshm",
            "قشم نقشه غرفه‌ها را ارائه کرد.",
            "غرفه مشترک مناطق و دعوت از خریداران خارجی در دستور کار قرار گیرد.",
            (
                Action(
                    "qeshm", "تأمین غرفه مشترک مناطق در نمایشگاه", 30, evidence="قرارداد غرفه مشترک بسته شد."
                ),
                Action("chabahar", "دعوت از خریداران صنایع خلاق از کشورهای همسایه", 30, "missed"),
            ),
        ),
        Topic(
            "جشنواره فیلم کوتاه مناطق آزاد",
            "anzali",
            "انزلی پیشنهاد برگزاری دوره نخست جشنواره را مطرح کرد.",
            "دوره نخست جشنواره فیلم کوتاه مناطق آزاد به دبیری انزلی برگزار شود.",
            (Action("anzali", "تهیه آیین‌نامه جشنواره فیلم کوتاه", 30, evidence="آیین‌نامه تدوین شد."),),
        ),
    ),
    (
        Topic(
            "هفته کتاب و کتابخوانی در مناطق آزاد",
            "secretariat",
            "برنامه‌های مشترک هفته کتاب بررسی شد.",
            "نمایشگاه کتاب کودک و نوجوان در مناطق با همکاری کانون برگزار شود.",
            (
                Action(
                    "aras", "برگزاری نمایشگاه کتاب کودک در ارس", 30, evidence="نمایشگاه پنج‌روزه برگزار شد."
                ),
                Action("maku", "برگزاری نمایشگاه کتاب کودک در ماکو", 30, "late", "نمایشگاه برگزار شد."),
            ),
        ),
        Topic(
            "پیگیری تفاهم‌نامه حوزه هنری: فضای نمایشگاهی دائمی",
            "kish",
            "کیش آمادگی خود را برای فضای دائمی آثار هنرمندان اعلام کرد.",
            "فضای نمایشگاهی دائمی آثار هنرمندان مناطق در کیش راه‌اندازی شود.",
            (Action("kish", "تهیه فضای نمایشگاهی دائمی آثار هنرمندان در کیش", 35, "missed"),),
        ),
    ),
    (
        Topic(
            "نمایشگاه صادرات صنایع خلاق: معرفی کسب‌وکارها",
            "secretariat",
            "فهرست کسب‌وکارهای ثبت‌نام‌کرده مرور شد.",
            "هر منطقه دست‌کم پنج کسب‌وکار صنایع خلاق برای نمایشگاه معرفی کند.",
            (
                Action(
                    "kish",
                    "معرفی کسب‌وکارهای صنایع خلاق کیش برای نمایشگاه",
                    20,
                    evidence="هشت کسب‌وکار معرفی شد.",
                ),
                Action(
                    "arvand", "معرفی کسب‌وکارهای صنایع خلاق اروند برای نمایشگاه", 20, "late", "پنج کسب‌وکار."
                ),
                Action("aras", "معرفی کسب‌وکارهای صنایع خلاق ارس برای نمایشگاه", 20, evidence="شش کسب‌وکار."),
            ),
        ),
        Topic(
            "برنامه‌های فرهنگی تابستان",
            "secretariat",
            "برنامه‌های تابستانی کودکان و نوجوانان بررسی شد.",
            "اردوهای فرهنگی تابستانی مناطق با برنامه مشترک اجرا شود.",
            (
                Action(
                    "anzali",
                    "برگزاری اردوی فرهنگی تابستانی نوجوانان",
                    40,
                    evidence="اردو با ۸۰ نفر برگزار شد.",
                ),
            ),
        ),
    ),
    (
        Topic(
            "گزارش برگزاری نمایشگاه صادرات صنایع خلاق",
            "qeshm",
            "قشم گزارش برگزاری و قراردادهای صادراتی را ارائه کرد.",
            "گزارش قراردادهای صادراتی نمایشگاه در کارنامه مناطق ثبت شود.",
            (
                Action(
                    "qeshm", "ثبت گزارش و قراردادهای صادراتی نمایشگاه در درگاه", 20, evidence="گزارش ثبت شد."
                ),
                Action(
                    "secretariat",
                    "تهیه گزارش نمایشگاه صادرات برای شورای عالی",
                    35,
                    evidence="گزارش با آمار قراردادها ارائه شد.",
                ),
            ),
        ),
        Topic(
            "برنامه مشترک قرآنی: دوره دوم",
            "secretariat",
            "تجربه دوره نخست مرور شد.",
            "دوره دوم برنامه مشترک قرآنی با بخش ویژه نوجوانان برگزار شود.",
            (Action("maku", "پیشنهاد بخش ویژه نوجوانان برای دوره دوم", 30, evidence="پیشنهاد ارسال شد."),),
        ),
    ),
    (
        Topic(
            "پیگیری تفاهم‌نامه حوزه هنری: تمدید و ارزیابی",
            "artbureau",
            "عملکرد یک‌ساله تفاهم‌نامه ارزیابی شد.",
            "گزارش ارزیابی تفاهم‌نامه برای تصمیم درباره تمدید تهیه شود.",
            (
                Action(
                    "artbureau",
                    "تهیه گزارش ارزیابی اجرای تفاهم‌نامه از نگاه حوزه هنری",
                    30,
                    "late",
                    "گزارش ارزیابی حوزه هنری دریافت شد.",
                ),
                # A day overdue.
                Action("secretariat", "جمع‌بندی نظر مناطق درباره تمدید تفاهم‌نامه", 30, "missed", due_in=-1),
            ),
        ),
        Topic(
            "جشنواره فیلم کوتاه مناطق آزاد: فراخوان",
            "anzali",
            "پیش‌نویس فراخوان جشنواره بررسی شد.",
            "فراخوان جشنواره فیلم کوتاه منتشر شود.",
            # A week overdue: escalated to the secretariat.
            (Action("anzali", "انتشار فراخوان جشنواره فیلم کوتاه", 15, "missed", due_in=-7),),
        ),
    ),
    (
        Topic(
            "برنامه مشترک قرآنی دوره دوم: زمان‌بندی",
            "secretariat",
            "زمان‌بندی پیشنهادی دوره دوم بررسی شد.",
            "هر منطقه برنامه اجرایی دوره دوم را به دبیرخانه ارسال کند.",
            (
                Action("kish", "ارسال برنامه اجرایی دوره دوم برنامه قرآنی کیش", 21, due_in=1),  # due tomorrow
                Action("qeshm", "ارسال برنامه اجرایی دوره دوم برنامه قرآنی قشم", 21),
                Action("chabahar", "ارسال برنامه اجرایی دوره دوم برنامه قرآنی چابهار", 21),
            ),
        ),
        Topic(
            "نمایشگاه صادرات صنایع خلاق: دوره آینده",
            "qeshm",
            "پیشنهاد برگزاری دوره دوم در کیش مطرح شد.",
            "امکان‌سنجی دوره دوم نمایشگاه به میزبانی کیش انجام شود.",
            (Action("kish", "امکان‌سنجی برگزاری دوره دوم نمایشگاه صادرات صنایع خلاق", 45, "missed"),),
        ),
    ),
)
UPCOMING_AGENDA = (
    ("secretariat", "گزارش اقدامات معوق مصوبات نشست‌های پیشین"),
    ("secretariat", "پیگیری تفاهم‌نامه حوزه هنری: تصمیم درباره تمدید"),
)
UPCOMING_PROPOSALS = (
    ("kish", "برنامه مشترک قرآنی دوره دوم: گزارش آمادگی مناطق"),
    ("qeshm", "نمایشگاه صادرات صنایع خلاق: سهم مناطق از هزینه غرفه مشترک"),
)
COMMENT = "در صورت‌جلسه بند دوم، مهلت ارسال برنامه اجرایی منطقه کیش دو هفته دیگر تمدید شود."


def _aware(day: jdatetime.date, hour: int = 10) -> dt.datetime:
    gregorian = day.togregorian()
    return timezone.make_aware(dt.datetime(gregorian.year, gregorian.month, gregorian.day, hour))


def reminder_day(now: dt.datetime) -> dt.date:
    """The day whose morning reminders are due by ``now``: today from 08:00 Tehran time (when date-only
    reminders go out), yesterday before then. Demo deadlines counted from it are due at the very next
    sweep, whatever the hour of seeding, and still within its catch-up window."""
    today = timezone.localdate(now)
    return today if now >= morning(today) else today - dt.timedelta(days=1)


def _month(year: int, month: int, shift: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + shift
    return index // 12, index % 12 + 1


def meeting_months(now: dt.datetime) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """The twelve months that had a council meeting, oldest first, and the month of the next one, whose
    agenda is still open (it closes four days before the meeting)."""
    today = jdatetime.date.fromgregorian(date=timezone.localdate(now))
    this_month = _aware(jdatetime.date(today.year, today.month, MEETING_DAY))
    # This month's meeting counts as held two days after it; the next one keeps its agenda open a while.
    last = 0 if this_month < now - dt.timedelta(days=2) else -1
    upcoming = 0 if this_month > now + dt.timedelta(days=6) else 1
    past = [_month(today.year, today.month, shift) for shift in range(last - 11, last + 1)]
    return past, _month(today.year, today.month, upcoming)


def _title(year: int, month: int) -> str:
    return f"{COUNCIL}، {jdatetime.date.j_months_fa[month - 1]} {persian_digits(str(year))}"


class _Cast:
    """The demo people and organisations the meetings name, looked up once."""

    def __init__(self) -> None:
        self.secretariat = User.objects.get(username="secretariat")
        self.zones = {zone.slug: zone for zone in Zone.objects.filter(slug__in=ZONE_ORDER)}
        self.art_bureau = Institution.objects.get(slug="artbureau")
        self.people = {
            slug: User.objects.get(username=f"deputy-{slug}") for slug in ZONE_ORDER if slug in self.zones
        }
        self.people["artbureau"] = User.objects.get(username="partner-artbureau")
        self.people["secretariat"] = self.secretariat

    def owner(self, name: str) -> dict[str, object]:
        if name == "secretariat":
            return {"kind": Side.SECRETARIAT}
        if name == "artbureau":
            return {"kind": Side.INSTITUTION, "institution": self.art_bureau}
        return {"kind": Side.ZONE, "zone": self.zones[name]}

    def person_of(self, invitee: Invitee) -> User | None:
        return self.people.get(invitee.zone.slug if invitee.zone_id else "artbureau")

    def invitee_name(self, invitee: Invitee) -> str:
        person = self.person_of(invitee)
        return person.get_full_name() if person else invitee.organisation_name


def _attendance(meeting_index: int, position: int) -> str:
    """Most come; now and then one sends apologies or stays away without a word."""
    if (meeting_index * 5 + position) % 11 == 3:
        return Invitee.Attendance.EXCUSED
    if (meeting_index * 3 + position) % 23 == 7:
        return Invitee.Attendance.ABSENT
    return Invitee.Attendance.PRESENT


def _backdate(model: type, when: dt.datetime, **match: object) -> None:
    model.objects.filter(**match).update(changed_at=when)


def _schedule(cast: _Cast, year: int, month: int, agenda_cutoff: dt.datetime | None = None) -> Meeting:
    starts_at = _aware(jdatetime.date(year, month, MEETING_DAY))
    meeting = meeting_services.schedule_meeting(
        cast.secretariat,
        title=_title(year, month),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        agenda_cutoff=agenda_cutoff or starts_at - dt.timedelta(days=4),
        place=PLACE,
        online_link=ONLINE,
        notes="حضور معاونان فرهنگی، اجتماعی و گردشگری مناطق یا نماینده تام‌الاختیار ایشان الزامی است.",
        zones=[cast.zones[slug] for slug in ZONE_ORDER if slug in cast.zones],
        institutions=[cast.art_bureau],
    )
    _backdate(MeetingStatusChange, starts_at - dt.timedelta(days=20), meeting=meeting)
    return meeting


def _held_meeting(
    cast: _Cast, index: int, month: tuple[int, int], topics: tuple[Topic, ...], now: dt.datetime
) -> Meeting:
    """One past meeting: agenda, answers, attendance, minutes, decisions and action items; its minutes
    approved, or (the latest) open for comment."""
    meeting = _schedule(cast, *month)
    starts_at = meeting.starts_at
    items = []
    for topic in topics:
        if topic.proposer == "secretariat":
            item = meeting_services.propose_agenda_item(cast.secretariat, meeting, title=topic.title)
        else:
            # Proposed before the cut-off, which the service no longer allows: written as it was then.
            item = AgendaItem.objects.create(
                meeting=meeting,
                title=topic.title,
                proposed_by=cast.people[topic.proposer],
                proposed_at=starts_at - dt.timedelta(days=9),
                **cast.owner(topic.proposer),
            )
            item = meeting_services.accept_agenda_item(cast.secretariat, item)
        items.append(item)

    invitees = list(meeting.invitees.select_related("zone", "institution"))
    rows = {}
    for position, invitee in enumerate(invitees):
        attendance = _attendance(index, position)
        name = cast.invitee_name(invitee)
        # Answers are taken until the meeting starts: written as they were given.
        if attendance == Invitee.Attendance.EXCUSED:
            answer = {"answer": Invitee.Answer.APOLOGIES, "apology_note": "مأموریت اداری هم‌زمان"}
        else:
            answer = {"answer": Invitee.Answer.ATTENDING, "attendees": name}
        Invitee.objects.filter(pk=invitee.pk).update(
            answered_at=starts_at - dt.timedelta(days=3), answered_by=cast.person_of(invitee), **answer
        )
        rows[invitee.pk] = (attendance, name if attendance == Invitee.Attendance.PRESENT else "")

    meeting_services.hold_meeting(cast.secretariat, meeting)
    minutes_services.record_attendance(cast.secretariat, meeting, rows)
    minutes_services.record_minutes(
        cast.secretariat,
        meeting,
        summary="نشست با تلاوت آیاتی از کلام‌الله مجید آغاز شد و دبیر شورا گزارش اقدامات نشست پیشین را ارائه کرد.",
        items={item.pk: topic.minutes for item, topic in zip(items, topics, strict=True)},
    )
    today, base = timezone.localdate(now), reminder_day(now)
    follow_ups = []
    for item, topic in zip(items, topics, strict=True):
        decision = minutes_services.record_decision(
            cast.secretariat, meeting, text=topic.decision, agenda_item=item
        )
        for action in topic.actions:
            added = minutes_services.add_action_item(
                cast.secretariat,
                decision,
                description=action.description,
                due_on=(
                    base + dt.timedelta(days=action.due_in)
                    if action.due_in is not None
                    else timezone.localdate(starts_at) + dt.timedelta(days=action.due_days)
                ),
                **cast.owner(action.owner),
            )
            follow_ups.append((added, action))  # reported on once the minutes are circulated

    latest = index == len(AGENDAS) - 1
    comments_until = now + dt.timedelta(days=5) if latest else now + dt.timedelta(days=1)
    minutes_services.circulate_minutes(cast.secretariat, meeting, comments_until=comments_until)
    held, circulated = starts_at + dt.timedelta(hours=3), starts_at + dt.timedelta(days=2)
    if latest:
        minutes_services.comment_on_minutes(cast.people["kish"], meeting, text=COMMENT)
    else:
        minutes_services.approve_minutes(cast.secretariat, meeting)
        approved = starts_at + dt.timedelta(days=9)
        Meeting.objects.filter(pk=meeting.pk).update(
            comments_until=starts_at + dt.timedelta(days=8), minutes_approved_at=approved
        )
        _backdate(MeetingStatusChange, approved, meeting=meeting, to_status=Meeting.Status.APPROVED)
    _backdate(MeetingStatusChange, held, meeting=meeting, to_status=Meeting.Status.HELD)
    _backdate(MeetingStatusChange, circulated, meeting=meeting, to_status=Meeting.Status.IN_COMMENT)

    for added, action in follow_ups:
        _follow_up(cast, added, action, today, circulated)
    return meeting


def _follow_up(cast: _Cast, item: ActionItem, action: Action, today: dt.date, recorded: dt.datetime) -> None:
    """What became of an action item whose due date has passed: done on time, done late, or not done."""
    _backdate(ActionItemStatusChange, recorded, action_item=item)
    if item.due_on >= today or action.outcome == "missed":
        return
    if action.outcome == "late":
        done_on = min(item.due_on + dt.timedelta(days=9), today - dt.timedelta(days=1))
    else:
        done_on = item.due_on - dt.timedelta(days=3)
    minutes_services.report_action_item(
        cast.people[action.owner],
        item,
        evidence_note=action.evidence or "انجام شد؛ مستندات در دبیرخانه موجود است.",
        done_on=done_on,
        complete=True,
    )
    done_at = timezone.make_aware(dt.datetime.combine(done_on, dt.time(12)))
    _backdate(ActionItemStatusChange, done_at, action_item=item, to_status=ActionItem.Status.DONE)


def _upcoming_meeting(cast: _Cast, year: int, month: int, now: dt.datetime) -> Meeting:
    """The next meeting: scheduled, its agenda open for three more days (the agenda-closing reminder is
    due now; the meeting is at least six days ahead), a few answers and proposals in."""
    closes = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    meeting = _schedule(cast, year, month, agenda_cutoff=closes)
    for _proposer, title in UPCOMING_AGENDA:
        meeting_services.propose_agenda_item(cast.secretariat, meeting, title=title)
    for proposer, title in UPCOMING_PROPOSALS:
        meeting_services.propose_agenda_item(
            cast.people[proposer], meeting, title=title, description="پیشنهاد منطقه برای دستور جلسه."
        )
    invitees = {i.zone.slug if i.zone_id else "artbureau": i for i in meeting.invitees.select_related("zone")}
    for slug in ("kish", "qeshm", "artbureau"):
        invitee = invitees[slug]
        meeting_services.answer_invitation(
            cast.people[slug], invitee, answer=Invitee.Answer.ATTENDING, attendees=cast.invitee_name(invitee)
        )
    meeting_services.answer_invitation(
        cast.people["maku"], invitees["maku"], answer=Invitee.Answer.APOLOGIES, apology_note="سفر کاری"
    )
    return meeting


def _circulars(cast: _Cast, now: dt.datetime, say: Callable[[str], None]) -> int:
    created = 0
    zones = [cast.zones[slug] for slug in ZONE_ORDER if slug in cast.zones]
    plans = (
        # title, kind, sent days ago, to acknowledge by, which zones acknowledged (days after sending)
        (
            QURAN_CIRCULAR,
            Circular.Kind.INSTRUCTION,
            75,
            timezone.localdate(now - dt.timedelta(days=75)) + dt.timedelta(days=14),
            {"kish": 2, "qeshm": 3, "chabahar": 6, "aras": 9, "anzali": 18},
            "به استناد مصوبه شورای معاونان فرهنگی، مناطق آزاد هفتگانه برنامه مشترک قرآنی را بر پایه "
            "شیوه‌نامه پیوست اجرا و گزارش آن را در درگاه ثبت کنند.",
        ),
        (
            FAIR_CIRCULAR,
            Circular.Kind.ANNOUNCEMENT,
            3,
            reminder_day(now) + dt.timedelta(days=3),  # the reminder three days before is due now
            {"qeshm": 1, "kish": 2},
            "فراخوان حضور کسب‌وکارهای صنایع خلاق مناطق در دوره آینده نمایشگاه صادرات منتشر شد؛ مناطق آن را "
            "به کسب‌وکارهای حوزه خود اطلاع دهند.",
        ),
    )
    for title, kind, sent_days_ago, acknowledge_by, acknowledged, body in plans:
        if Circular.objects.filter(title=title).exists():
            continue
        created += 1
        sent_at = now - dt.timedelta(days=sent_days_ago)
        circular = circular_services.draft_circular(
            cast.secretariat,
            kind=kind,
            title=title,
            body=body,
            acknowledge_by=acknowledge_by,
            zones=zones,
        )
        _backdate(CircularStatusChange, sent_at - dt.timedelta(days=1), circular=circular)
        circular_services.send_circular(cast.secretariat, circular, now=sent_at)
        _backdate(CircularStatusChange, sent_at, circular=circular, to_status=Circular.Status.SENT)
        for slug, days in acknowledged.items():
            acknowledgement = Acknowledgement.objects.get(circular=circular, zone=cast.zones[slug])
            circular_services.acknowledge_circular(
                cast.people[slug], acknowledgement, now=min(sent_at + dt.timedelta(days=days), now)
            )
    return created


def seed(say: Callable[[str], None]) -> None:
    cast = _Cast()
    now = timezone.now()
    past, upcoming = meeting_months(now)
    meetings = 0
    if not Meeting.objects.filter(title__startswith=COUNCIL).exists():
        for index, (month, topics) in enumerate(zip(past, AGENDAS, strict=True)):
            _held_meeting(cast, index, month, topics, now)
        _upcoming_meeting(cast, *upcoming, now)
        # As the nightly job would have left them: open items past their due date are missed.
        minutes_services.mark_missed_action_items()
        meetings = len(past) + 1
    circulars = _circulars(cast, now, say)
    say(
        f"{meetings} demo council meetings, {circulars} demo circulars."
        if meetings or circulars
        else "Demo meetings and circulars were already there."
    )
