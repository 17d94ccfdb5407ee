"""The jury: scores within bounds, conflicts of interest, the weighted ranking, decisions, privacy."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talent import services
from talent.models import Application, Artist, Assignment, PortfolioFile
from tests.events.test_validation import PDF
from tests.factories import UserFactory, make_application, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def jurors(db):
    return UserFactory(username="juror-a", first_name="حسن"), UserFactory(
        username="juror-b", first_name="لیلا"
    )


def criteria_of(call):
    return {c.name: c for c in call.criteria.all()}


def give(juror, application, by_name):
    criteria = criteria_of(application.call)
    assignment = Assignment.objects.get(application=application, juror=juror)
    return services.score(juror, assignment, {criteria[name].pk: value for name, value in by_name.items()})


def test_scores_stay_within_each_criterions_bounds(jurors, kish):
    juror, _other = jurors
    call = make_call(jurors=[juror])
    application = make_application(call, kish)
    for bad in ({"اصالت": 11, "مهارت": 3}, {"اصالت": -1, "مهارت": 3}, {"اصالت": 5}):
        with pytest.raises(ValidationError):
            give(juror, application, bad)
    assert not Assignment.objects.get(application=application).scores.exists()
    give(juror, application, {"اصالت": 10, "مهارت": "4.5"})
    assert sorted(Assignment.objects.get(application=application).scores.values_list("value", flat=True)) == [
        Decimal("4.50"),
        Decimal("10.00"),
    ]
    application.refresh_from_db()
    assert application.status == "under_review"


def test_only_the_assigned_juror_scores(jurors, kish, secretariat):
    juror, other = jurors
    call = make_call(jurors=[juror])
    application = make_application(call, kish)
    assignment = Assignment.objects.get(application=application)
    for outsider in (other, secretariat, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.score(outsider, assignment, {c.pk: 1 for c in call.criteria.all()})


def test_the_ranking_weighs_each_criterion_on_its_own_scale(jurors, kish, qeshm):
    first, second = jurors
    call = make_call(jurors=[first, second])  # originality weight 3 out of 10; skill weight 1 out of 5
    strong = make_application(call, kish, full_name="قوی")
    weak = make_application(call, qeshm, full_name="ضعیف")
    unscored = make_application(call, qeshm, full_name="بی‌نمره")
    give(first, strong, {"اصالت": 10, "مهارت": 5})
    give(second, strong, {"اصالت": 8, "مهارت": 3})
    give(first, weak, {"اصالت": 4, "مهارت": 5})
    ranking = services.ranking(call)
    assert [r.application for r in ranking] == [strong, weak, unscored]
    # strong: originality mean 9/10, skill mean 4/5 -> (3*0.9 + 1*0.8)/4 = 0.875
    assert ranking[0].total == Decimal("87.50")
    assert ranking[0].jurors == 2
    # weak: three parts of 0.4 and one part of 1.0, over four parts, is 0.55
    assert ranking[1].total == Decimal("55.00")
    assert ranking[2].jurors == 0


def test_a_conflict_takes_the_application_off_the_queue_and_out_of_the_averages(client_for, jurors, kish):
    first, second = jurors
    call = make_call(jurors=[first, second])
    application = make_application(call, kish, full_name="شاگرد سابق")
    give(first, application, {"اصالت": 10, "مهارت": 5})
    give(second, application, {"اصالت": 2, "مهارت": 1})
    assert services.ranking(call)[0].total == Decimal("60.00")
    client = client_for(second)
    response = client.post(
        reverse("talent:jury-conflict", args=[application.pk]), {"note": "شاگرد سابق من است"}
    )
    assert response.status_code == 302
    assert "شاگرد سابق" not in client.get(reverse("talent:jury")).content.decode()
    assert client.get(reverse("talent:jury-application", args=[application.pk])).status_code == 404
    ranked = services.ranking(call)[0]
    assert (ranked.total, ranked.jurors) == (Decimal("100.00"), 1)


def test_a_juror_sees_only_their_own_queue_and_scores(client_for, jurors, kish, qeshm):
    first, second = jurors
    call = make_call(jurors=[first, second])
    shared = make_application(call, kish, full_name="مشترک")
    give(second, shared, {"اصالت": 7, "مهارت": "3.25"})
    other_call = make_call(title="فراخوان دیگر", jurors=[second])
    make_application(other_call, qeshm, full_name="فقط برای دیگری")
    client = client_for(first)
    queue = client.get(reverse("talent:jury")).content.decode()
    assert "مشترک" in queue
    assert "فقط برای دیگری" not in queue
    page = client.get(reverse("talent:jury-application", args=[shared.pk])).content.decode()
    assert "3.25" not in page  # the other juror's score


def test_the_secretariat_ranks_shortlists_and_selects_and_the_artist_joins_the_network(
    client_for, secretariat, jurors, kish, kish_deputy
):
    juror, _other = jurors
    call = make_call(jurors=[juror], closes_in_days=-1)
    application = make_application(call, kish, full_name="آیدا آذرپور")
    give(juror, application, {"اصالت": 9, "مهارت": 4})
    client = client_for(secretariat)
    ranking_url = reverse("admin:talent_talentcall_ranking", args=[call.pk])
    page = client.get(ranking_url).content.decode()
    assert "آیدا آذرپور" in page
    assert "۸۷٫۵۰" in page  # (3 × 9/10 + 1 × 4/5) / 4, in the Persian page's digits
    client.post(ranking_url, {"application": application.pk, "decision": "shortlist"})
    client.post(ranking_url, {"application": application.pk, "decision": "select"})
    application.refresh_from_db()
    assert application.status == "selected"
    artist = Artist.objects.get(application=application)
    assert (artist.full_name, artist.zone) == ("آیدا آذرپور", kish)
    assert "آیدا آذرپور" in client_for(kish_deputy).get(reverse("talent:network")).content.decode()
    csv_text = client.get(reverse("admin:talent_talentcall_ranking_csv", args=[call.pk])).content.decode(
        "utf-8-sig"
    )
    assert "آیدا آذرپور" in csv_text
    assert "87.50" in csv_text


def test_finishing_a_call_tells_the_rest_they_were_not_selected(secretariat, jurors, kish):
    call = make_call(jurors=list(jurors), closes_in_days=-1)
    chosen, left = make_application(call, kish), make_application(call, kish)
    services.select(secretariat, chosen)
    services.finish_call(secretariat, call)
    left.refresh_from_db()
    assert left.status == "not_selected"


# Privacy ----------------------------------------------------------------------------------------


@pytest.fixture
def application_with_file(jurors, kish):
    juror, _other = jurors
    call = make_call(jurors=[juror])
    application = make_application(call, kish, full_name="متقاضی محرمانه")
    PortfolioFile.objects.create(
        application=application,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf",
        kind="pdf",
        size=len(PDF),
    )
    return application


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("secretariat", True),
        ("assigned_juror", True),
        ("other_juror", False),
        ("kish_deputy", False),
        ("art_bureau_partner", False),
        ("anonymous", False),
    ],
)
def test_personal_data_reaches_only_the_secretariat_and_the_assigned_jurors(
    request, client_for, jurors, application_with_file, who, sees
):
    from django.test import Client

    users = {"assigned_juror": jurors[0], "other_juror": jurors[1]}
    if who == "anonymous":
        client, user = Client(), AnonymousUser()
    else:
        user = users.get(who) or request.getfixturevalue(who)
        client = client_for(user)
    assert Application.objects.visible_to(user).exists() is sees
    file_response = client.get(reverse("talent:file", args=[application_with_file.files.get().pk]))
    assert file_response.status_code == (200 if sees else 302 if who == "anonymous" else 404)
    if who not in ("secretariat", "anonymous"):
        page = client.get(reverse("talent:jury-application", args=[application_with_file.pk]))
        assert page.status_code == (200 if sees else 404)


@pytest.mark.parametrize("count", [5, 200])
def test_a_jurors_queue_runs_a_fixed_number_of_queries(
    client_for, jurors, kish, count, django_assert_num_queries
):
    juror, _other = jurors
    call = make_call(jurors=[juror])
    for _ in range(count):
        make_application(call, kish)
    client = client_for(juror)
    client.get(reverse("talent:jury"))
    # Five for the queue and the menu; whether the juror also judges a competition's round (a person
    # without a membership may sit on a panel) comes with their scope, a person fact of contests.
    with django_assert_num_queries(5):
        assert client.get(reverse("talent:jury")).status_code == 200


def test_the_admin_shows_dates_in_the_readers_calendar(client_for, secretariat, kish):
    import datetime as dt

    call = make_call()
    application = make_application(call, kish, birth_date=dt.date(2001, 8, 11))
    page = (
        client_for(secretariat)
        .get(reverse("admin:talent_application_change", args=[application.pk]))
        .content.decode()
    )
    assert "۲۰ مرداد ۱۳۸۰" in page  # 11 August 2001


@pytest.mark.parametrize("count", [5, 200])
def test_the_talent_admin_lists_run_a_fixed_number_of_queries(
    client_for, secretariat, jurors, kish, count, django_assert_num_queries
):
    juror, _other = jurors
    calls = [make_call(title=f"فراخوان {i}", jurors=[juror]) for i in range(3)]
    for index in range(count):
        make_application(calls[index % 3], kish)
    client = client_for(secretariat)
    for name in ("admin:talent_application_changelist", "admin:talent_talentcall_changelist"):
        client.get(reverse(name))
    # Each admin page also checks the session's two-step device (one query).
    with django_assert_num_queries(11):
        assert client.get(reverse("admin:talent_application_changelist")).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(reverse("admin:talent_talentcall_changelist")).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(reverse("admin:talent_talentcall_ranking", args=[calls[0].pk])).status_code == 200


def test_a_juror_who_declared_a_conflict_can_no_longer_score_or_see_the_application(client_for, jurors, kish):
    conflicted, other = jurors
    call = make_call(jurors=[conflicted, other])
    nephew = make_application(call, kish, full_name="برادرزاده داور")
    make_application(call, kish, full_name="متقاضی بی‌ارتباط")
    assignment = Assignment.objects.get(application=nephew, juror=conflicted)
    services.declare_conflict(conflicted, assignment, "برادرزاده من است")

    with pytest.raises(PermissionDenied):
        give(conflicted, nephew, {"اصالت": 10, "مهارت": 5})
    client = client_for(conflicted)
    scores = {f"criterion_{criterion.pk}": criterion.max_score for criterion in call.criteria.all()}
    response = client.post(reverse("talent:jury-application", args=[nephew.pk]), scores)
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.scored_at is None
    assert not assignment.scores.exists()
    nephew.refresh_from_db()
    assert nephew.status == "submitted"
    assert services.ranking(call)[0].jurors == 0

    queue = client.get(reverse("talent:jury")).content.decode()
    assert "متقاضی بی‌ارتباط" in queue
    assert "برادرزاده داور" not in queue
    assert nephew not in Application.objects.visible_to(conflicted)
    # The juror without a conflict still has it before them.
    assert "برادرزاده داور" in client_for(other).get(reverse("talent:jury")).content.decode()
    assert nephew in Application.objects.visible_to(other)


def test_a_jurors_queue_lists_what_is_still_to_score_first(client_for, jurors, kish):
    """The home page's card counts what waits for scores; the queue it leads to starts with those, on
    PostgreSQL too (where an ascending sort puts the unscored, NULL, last)."""
    first, _second = jurors
    call = make_call(jurors=[first])
    scored = make_application(call, kish, full_name="امتیازداده")
    make_application(call, kish, full_name="در انتظار")
    give(first, scored, {"اصالت": 7, "مهارت": 3})
    queue = client_for(first).get(reverse("talent:jury")).content.decode()
    assert queue.index("در انتظار") < queue.index("امتیازداده")


def test_jurors_and_judges_share_one_check_of_scores():
    """A score typed in any digits is read; every criterion's mistake is named at once, under the field
    the form and the API use (talent.services.checked_scores, also behind the competitions' scoring)."""
    from collections import namedtuple
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from talent.services import checked_scores

    criterion = namedtuple("criterion", "pk name max_score")
    craft, voice = criterion(1, "مهارت", 10), criterion(2, "صوت", 5)
    assert checked_scores([craft, voice], {1: "۷٫۵", "2": "٣"}) == {
        craft: Decimal("7.50"),
        voice: Decimal("3.00"),
    }
    assert checked_scores([craft], {"criterion_1": 9}) == {craft: Decimal("9.00")}
    with pytest.raises(ValidationError) as refused:
        checked_scores([craft, voice], {1: "۱۱", 2: "2.555"})
    assert set(refused.value.message_dict) == {"criterion_1", "criterion_2"}
    with pytest.raises(ValidationError) as refused:
        checked_scores([craft], {1: "هفت"})
    assert list(refused.value.message_dict) == ["criterion_1"]


def test_the_home_cards_count_of_applications_to_score_follows_every_change_at_once(client_for, jurors, kish):
    """The count is kept per person (talent.glance, under the jury counter), never past a change."""
    first, _second = jurors
    call = make_call(jurors=[first])
    client = client_for(first)
    home = reverse("home")
    assert "home-jury" not in client.get(home).content.decode()
    application = make_application(call, kish, full_name="در انتظار")  # assigned to the jury at once
    page = client.get(home).content.decode()
    assert "home-jury" in page
    assert "در انتظار" in page
    give(first, application, {"اصالت": 7, "مهارت": 3})
    assert "home-jury" not in client.get(home).content.decode()
