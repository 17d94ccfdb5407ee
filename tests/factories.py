"""Factories for test data; the fixed cast of people lives in conftest.py."""

import factory

from zones_portal.models import Institution, Membership, User, Zone

TEST_PASSWORD = "a-test-password-7319"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"zone-{n}")
    name_fa = factory.Sequence(lambda n: f"منطقه {n}")
    name_en = factory.Sequence(lambda n: f"Zone {n}")
    province_fa = "هرمزگان"
    province_en = "Hormozgan"
    kind = Zone.Kind.SPECIAL_ECONOMIC


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"institution-{n}")
    name_fa = factory.Sequence(lambda n: f"نهاد {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@portal.example")
    first_name = "نام"
    last_name = factory.Sequence(lambda n: f"خانوادگی {n}")
    language = "fa"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.DEPUTY
    zone = factory.SubFactory(ZoneFactory)
    institution = None


def secretariat_user(**kwargs: object) -> User:
    user = UserFactory(is_staff=True, **kwargs)
    MembershipFactory(user=user, role=Membership.Role.SECRETARIAT, zone=None)
    return user


def zone_user(zone: Zone, role: str = Membership.Role.DEPUTY, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=role, zone=zone)
    return user


def institution_user(institution: Institution, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=Membership.Role.INSTITUTION, zone=None, institution=institution)
    return user


def make_event(
    host: Zone,
    *,
    status: str = "draft",
    category: str = "festival",
    starts_in_days: float = 10,
    hours: float = 4,
    title: str | None = None,
    invite: tuple[Zone, ...] = (),
    invited: bool | None = None,
    **extra: object,
):
    """Test set-up: an event in any state, written directly (the services are what tests exercise)."""
    import datetime as dt

    from django.utils import timezone

    from events.models import Event, EventCategory, Participation

    start = timezone.now() + dt.timedelta(days=starts_in_days)
    event = Event.objects.create(
        title=title or f"رویداد {host.slug} {status} {Event.objects.count() + 1}",
        category=EventCategory.objects.get(slug=category),
        host_zone=host,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        status=status,
        **extra,
    )
    if invited is None:
        invited = status != "draft"
    for zone in invite:
        Participation.objects.create(event=event, zone=zone, invited_at=timezone.now() if invited else None)
    return event


def make_agreement(*, zones=(), institutions=(), secretariat=True, status="active", days_left=200, **extra):
    """Test set-up: an agreement with parties, written directly."""
    import datetime as dt

    from django.utils import timezone

    from agreements.models import Agreement, Party

    today = timezone.localdate()
    agreement = Agreement.objects.create(
        title=extra.pop("title", f"تفاهم‌نامه {Agreement.objects.count() + 1}"),
        subject=extra.pop("subject", Agreement.Subject.CULTURE_ART),
        signed_on=today - dt.timedelta(days=30),
        effective_from=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=days_left),
        status=status,
        **extra,
    )
    if secretariat:
        Party.objects.create(agreement=agreement, kind=Party.Kind.SECRETARIAT)
    for zone in zones:
        Party.objects.create(agreement=agreement, kind=Party.Kind.ZONE, zone=zone)
    for institution in institutions:
        Party.objects.create(agreement=agreement, kind=Party.Kind.INSTITUTION, institution=institution)
    return agreement


def make_obligation(agreement, party, *, due_in_days=10, status="pending", **extra):
    import datetime as dt

    from django.utils import timezone

    from agreements.models import Obligation

    return Obligation.objects.create(
        agreement=agreement,
        party=party,
        description=extra.pop("description", "تعهد آزمایشی"),
        due_on=timezone.localdate() + dt.timedelta(days=due_in_days),
        status=status,
        **extra,
    )


def make_call(
    *,
    title="فراخوان آزمایشی",
    disciplines=("calligraphy",),
    zones=(),
    opens_in_days=-5,
    closes_in_days=10,
    status="published",
    jurors=(),
    criteria=(("اصالت", 3, 10), ("مهارت", 1, 5)),
    **extra,
):
    """Test set-up: a talent call with criteria and jury, written directly."""
    import datetime as dt

    from django.utils import timezone

    from talent.models import Discipline, JuryMember, ScoringCriterion, TalentCall

    now = timezone.now()
    call = TalentCall.objects.create(
        title=title,
        description="شرح فراخوان",
        opens_at=now + dt.timedelta(days=opens_in_days),
        closes_at=now + dt.timedelta(days=closes_in_days),
        status=status,
        **extra,
    )
    call.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    call.eligible_zones.set(zones)
    for order, (name, weight, maximum) in enumerate(criteria):
        ScoringCriterion.objects.create(
            call=call, name=name, weight=weight, max_score=maximum, sort_order=order
        )
    for juror in jurors:
        JuryMember.objects.create(call=call, user=juror)
    return call


def make_application(call, zone, *, email=None, discipline="calligraphy", status="submitted", **extra):
    """Test set-up: an application written directly, with its jury assignments."""
    import datetime as dt

    from talent import services
    from talent.models import Application, Discipline

    application = Application.objects.create(
        call=call,
        full_name=extra.pop("full_name", "هنرمند آزمایشی"),
        birth_date=extra.pop("birth_date", dt.date(2000, 1, 1)),
        zone=zone,
        email=email or f"artist{Application.objects.count() + 1}@example.org",
        discipline=Discipline.objects.get(slug=discipline),
        statement="بیانیه",
        consent=True,
        status=status,
        **extra,
    )
    services.sync_assignments(call, applications=[application])
    return application


def make_meeting(*, zones=(), institutions=(), days_ahead=14, status="scheduled", **extra):
    """Test set-up: a council meeting with its invitees, written directly (reference from its start)."""
    import datetime as dt

    from django.utils import timezone

    from coordination.models import Invitee, Meeting, Side

    starts_at = extra.pop("starts_at", None) or timezone.now().replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=days_ahead)
    meeting = Meeting.objects.create(
        title=extra.pop("title", "نشست شورای معاونان فرهنگی"),
        reference=extra.pop("reference", f"T-{Meeting.objects.count() + 1}"),
        starts_at=starts_at,
        ends_at=extra.pop("ends_at", starts_at + dt.timedelta(hours=2)),
        agenda_cutoff=extra.pop("agenda_cutoff", starts_at - dt.timedelta(days=3)),
        place=extra.pop("place", "تهران، دبیرخانه"),
        status=status,
        **extra,
    )
    for zone in zones:
        Invitee.objects.create(meeting=meeting, kind=Side.ZONE, zone=zone)
    for institution in institutions:
        Invitee.objects.create(meeting=meeting, kind=Side.INSTITUTION, institution=institution)
    return meeting


def make_decision(meeting, *, text="تصمیم آزمایشی", agenda_item=None):
    from coordination.models import Decision

    number = meeting.decisions.count() + 1
    return Decision.objects.create(meeting=meeting, number=number, text=text, agenda_item=agenda_item)


def make_action_item(decision, *, zone=None, institution=None, due_in_days=10, status="open", **extra):
    """An action item owned by a zone, an institution, or (neither given) the secretariat."""
    import datetime as dt

    from django.utils import timezone

    from coordination.models import ActionItem, Side

    kind = (
        Side.ZONE if zone is not None else Side.INSTITUTION if institution is not None else Side.SECRETARIAT
    )
    return ActionItem.objects.create(
        decision=decision,
        kind=kind,
        zone=zone,
        institution=institution,
        description=extra.pop("description", "اقدام آزمایشی"),
        due_on=timezone.localdate() + dt.timedelta(days=due_in_days),
        status=status,
        **extra,
    )


def make_circular(*, zones=(), status="sent", ack_in_days=7, **extra):
    """A circular sent (by default) to the zones given, none of them acknowledged yet."""
    import datetime as dt

    from django.utils import timezone

    from coordination.models import Acknowledgement, Circular

    count = Circular.objects.count() + 1
    circular = Circular.objects.create(
        title=extra.pop("title", f"بخشنامه {count}"),
        body=extra.pop("body", "متن بخشنامه"),
        number=extra.pop("number", f"T/{count}" if status != "draft" else ""),
        acknowledge_by=timezone.localdate() + dt.timedelta(days=ack_in_days),
        status=status,
        sent_at=extra.pop("sent_at", timezone.now() if status != "draft" else None),
        **extra,
    )
    for zone in zones:
        Acknowledgement.objects.create(circular=circular, zone=zone)
    return circular
