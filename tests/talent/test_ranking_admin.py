"""The admin's ranking of a talent call (issue 15): numbers in the reader's digits, the CSV link clear of
the text, decision buttons styled as the admin's own and offered only where the status allows them."""

import pytest
from django.test import Client
from django.urls import reverse

from talent import services
from tests.conftest import confirm_with_code
from tests.e2e import conftest as e2e
from tests.factories import UserFactory, make_application, make_call, secretariat_user
from tests.talent.test_jury import give

pytestmark = pytest.mark.django_db

chromium = e2e.chromium  # the browser, for the layout test


@pytest.fixture
def ranked_call(kish, qeshm):
    juror = UserFactory(username="juror-r", first_name="حسن")
    call = make_call(jurors=[juror], closes_in_days=-1)  # originality weight 3 out of 10; skill 1 out of 5
    strong = make_application(call, kish, full_name="آیدا آذرپور")
    weak = make_application(call, qeshm, full_name="بهرام نیک")
    give(juror, strong, {"اصالت": 9, "مهارت": 4})
    give(juror, weak, {"اصالت": 4, "مهارت": 5})
    return call, strong, weak


def ranking_page(client: Client, call) -> str:
    response = client.get(reverse("admin:talent_talentcall_ranking", args=[call.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_scores_ranks_counts_and_weights_are_in_persian_digits_on_a_persian_page(
    client_for, secretariat, ranked_call
):
    call, _strong, _weak = ranked_call
    page = ranking_page(client_for(secretariat), call)
    for shown in ("۸۷٫۵۰", "۵۵٫۰۰", "۹٫۰۰", "<td>۱</td>", "<td>۲</td>", "وزن ۳، از ۱۰"):
        assert shown in page
    for latin in ("87.50", "55.00", "9.00", "<td>1</td>", "<td>2</td>"):
        assert latin not in page


def test_an_english_page_keeps_latin_digits(client_for, ranked_call):
    call, _strong, _weak = ranked_call
    page = ranking_page(client_for(secretariat_user(username="officer-en", language="en")), call)
    assert "87.50" in page
    assert "weight 3, out of 10" in page
    assert "۸۷" not in page


def row_of(page: str, name: str) -> str:
    return next(row for row in page.split("<tr ") if name in row).split("</tr>")[0]


def test_only_the_decisions_the_status_allows_are_offered(client_for, secretariat, ranked_call):
    call, strong, weak = ranked_call
    services.shortlist(secretariat, strong)
    services.select(secretariat, strong)
    services.shortlist(secretariat, weak)
    page = ranking_page(client_for(secretariat), call)
    assert 'name="decision"' not in row_of(page, "آیدا آذرپور")  # selected: nothing left to decide
    shortlisted = row_of(page, "بهرام نیک")
    assert 'value="shortlist"' not in shortlisted
    assert '<button type="submit" name="decision" value="select" class="button default">' in shortlisted
    assert '<button type="submit" name="decision" value="reject" class="button">' in shortlisted


# What a person sees at 1366 pixels: the CSV link beside the title, over neither the text nor the table,
# and the decision buttons drawn as the admin's buttons, not the browser's grey ones.
LAYOUT = """() => {
  const tools = document.querySelector(".object-tools").getBoundingClientRect();
  const overlaps = [];
  for (const element of document.querySelectorAll(".ranking-help, #result_list")) {
    const box = element.getBoundingClientRect();
    const apart = box.right <= tools.left || box.left >= tools.right || box.bottom <= tools.top || box.top >= tools.bottom;
    if (!apart) overlaps.push(element.className || element.id);
  }
  const backgroundOf = (className) => {
    const reference = document.createElement("a");
    reference.className = className;
    document.body.append(reference);
    return getComputedStyle(reference).backgroundColor;
  };
  const admin = [backgroundOf("button"), backgroundOf("button default")];
  const buttons = [...document.querySelectorAll("#result_list form button")].map(b => getComputedStyle(b));
  return {
    overlaps,
    wider: document.documentElement.scrollWidth > window.innerWidth,
    buttons: buttons.length,
    unstyled: buttons.filter(s => !admin.includes(s.backgroundColor) || s.borderRadius === "0px").length,
  };
}"""


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_csv_link_and_the_decision_buttons_are_laid_out_as_the_admins_own(
    live_server, chromium, kish, qeshm
):
    officer = secretariat_user(username="officer-layout")
    juror = UserFactory(username="juror-layout")
    call = make_call(jurors=[juror], closes_in_days=-1)
    for name in ("آیدا آذرپور", "بهرام نیک"):
        give(juror, make_application(call, kish, full_name=name), {"اصالت": 7, "مهارت": 3})
    client = Client()
    client.force_login(officer)
    confirm_with_code(client, officer)
    session = client.cookies["sessionid"].value
    url = live_server.url + reverse("admin:talent_talentcall_ranking", args=[call.pk])
    with chromium() as page:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto(url)
        layout = page.evaluate(LAYOUT)
    assert layout == {"overlaps": [], "wider": False, "buttons": 6, "unstyled": 0}


def test_an_applications_portfolio_reads_by_name_and_size_in_persian_digits(client_for, secretariat, kish):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from talent.models import PortfolioFile
    from tests.events.test_validation import PDF

    application = make_application(make_call(), kish, full_name="آیدا آذرپور")
    portfolio = PortfolioFile.objects.create(
        application=application,
        file=SimpleUploadedFile("نمونه کار.pdf", PDF + b"%" * 2048),
        original_name="نمونه کار.pdf",
        kind="pdf",
        size=len(PDF) + 2048,
    )
    page = (
        client_for(secretariat)
        .get(reverse("admin:talent_application_change", args=[application.pk]))
        .content.decode()
    )
    assert f'<a href="{reverse("talent:file", args=[portfolio.pk])}">نمونه کار.pdf</a>' in page
    assert "private/" not in page
    assert "۲٫" in page  # about two kilobytes, in the reader's digits
    assert f"<p>{portfolio.size}</p>" not in page
