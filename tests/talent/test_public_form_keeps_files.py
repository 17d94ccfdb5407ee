"""Issue 15: a public form sent back with errors keeps the files already attached, says which box to tick,
and keeps every value typed; a forged or expired token is refused with a sentence, never a crash."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from talent import staging
from talent.models import Application, Discipline, PortfolioFile, StagedUpload
from talent.tasks import remove_expired_staged_uploads
from tests.events.test_validation import EXE, JPEG, PDF
from tests.factories import make_call

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="staged_files" value="([^"]+)"')


def form(zone, **changes):
    data = {
        "full_name": "نرگس بندری",
        "birth_date": "۱۳۸۰/۰۵/۲۰",
        "zone": zone.pk,
        "email": "narges@example.org",
        "phone": "۰۹۱۲۳۴۵۶۷۸۹",
        "discipline": Discipline.objects.get(slug="calligraphy").pk,
        "statement": "ده سال خوشنویسی نستعلیق",
        "portfolio_links": "https://portfolio.example/narges",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, call, data):
    return client.post(reverse("talent:apply", args=[call.pk]), data)


def two_files():
    return [SimpleUploadedFile("نمونه خط.pdf", PDF), SimpleUploadedFile("تابلو.jpg", JPEG)]


def token_in(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the re-rendered form carries no token for the files it kept"
    return found.group(1)


def test_consent_missing_keeps_both_files_and_the_next_post_attaches_them(
    anonymous, qeshm, django_capture_on_commit_callbacks
):
    call = make_call()
    first = post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    assert first.status_code == 200
    html = first.content.decode()
    assert not Application.objects.exists()
    assert "نمونه خط.pdf" in html
    assert "تابلو.jpg" in html
    assert 'name="remove_staged"' in html
    # The consent error names its box, at the box and in the summary at the top, which links to it.
    assert "Tick the box" in html or "کادر" in html
    assert 'href="#id_consent"' in html
    assert "این مقدار لازم است" not in html
    assert "This field is required" not in html
    assert StagedUpload.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        second = post(anonymous, call, form(qeshm, staged_files=token_in(html)))
    assert second.status_code == 302, second.content.decode()[:3000]
    application = Application.objects.get()
    assert sorted(
        PortfolioFile.objects.filter(application=application).values_list("original_name", "kind")
    ) == [
        ("تابلو.jpg", "jpeg"),
        ("نمونه خط.pdf", "pdf"),
    ]
    stored = {portfolio.file.read() for portfolio in application.files.all()}
    assert stored == {PDF, JPEG}
    assert not StagedUpload.objects.exists()  # attached, so no longer waiting


def test_kept_files_and_new_ones_go_together_and_a_removed_one_does_not(anonymous, qeshm):
    call = make_call()
    first = post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    pdf = StagedUpload.objects.get(kind="pdf")
    # Still wrong (no consent): the PDF is removed, a PNG is added; both lists are shown again.
    from tests.events.test_validation import PNG

    second = post(
        anonymous,
        call,
        form(
            qeshm,
            consent=None,
            staged_files=token_in(first.content.decode()),
            remove_staged=[pdf.pk],
            files=[SimpleUploadedFile("طرح.png", PNG)],
        ),
    )
    html = second.content.decode()
    assert "نمونه خط.pdf" not in html
    assert "تابلو.jpg" in html
    assert "طرح.png" in html
    third = post(anonymous, call, form(qeshm, staged_files=token_in(html)))
    assert third.status_code == 302
    assert sorted(Application.objects.get().files.values_list("original_name", flat=True)) == [
        "تابلو.jpg",
        "طرح.png",
    ]


def test_a_file_with_the_wrong_content_is_named_and_not_kept(anonymous, qeshm):
    call = make_call()
    response = post(
        anonymous,
        call,
        form(qeshm, consent=None, files=[SimpleUploadedFile("portfolio.pdf", EXE), *two_files()]),
    )
    html = response.content.decode()
    assert "portfolio.pdf" in html  # named in the error
    assert StagedUpload.objects.count() == 2
    assert sorted(StagedUpload.objects.values_list("original_name", flat=True)) == [
        "تابلو.jpg",
        "نمونه خط.pdf",
    ]


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        lambda token: "not-a-token",
        lambda token: signing.dumps({"call": 999_999, "files": [1]}, salt=staging.SALT),  # another call
        lambda token: signing.dumps({"call": 1, "files": [1]}, salt="another.salt"),
        lambda token: signing.dumps(["a", "list"], salt=staging.SALT),
        lambda token: signing.dumps({"call": None, "files": "1"}, salt=staging.SALT),
    ],
    ids=["tampered", "garbage", "another-call", "another-salt", "not-a-dict", "bad-ids"],
)
def test_a_forged_token_is_refused_with_a_sentence(anonymous, qeshm, forge):
    call = make_call()
    first = post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    response = post(anonymous, call, form(qeshm, staged_files=forge(token_in(first.content.decode()))))
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be found" in html or "پیدا نشد" in html
    assert not Application.objects.exists()  # not sent without the files the person believes attached
    assert "نرگس بندری" in html  # nothing else lost


def test_an_expired_token_is_refused_and_the_cleanup_removes_the_files(
    anonymous, qeshm, django_capture_on_commit_callbacks
):
    call = make_call(closes_in_days=10)
    first = post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    token = token_in(first.content.decode())
    names = list(StagedUpload.objects.values_list("file", flat=True))
    storage = StagedUpload._meta.get_field("file").storage
    assert all(storage.exists(name) for name in names)
    later = timezone.now() + dt.timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        response = post(anonymous, call, form(qeshm, staged_files=token))
        assert response.status_code == 200
        html = response.content.decode()
        assert "24" in html or "۲۴" in html
        assert not Application.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            assert remove_expired_staged_uploads.apply().get() == 2
        assert remove_expired_staged_uploads.apply().get() == 0
    assert not StagedUpload.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_the_cleanup_leaves_files_still_within_their_day(anonymous, qeshm):
    call = make_call()
    post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=23), tick=False):
        assert staging.remove_expired() == 0
    assert StagedUpload.objects.count() == 2


def test_every_value_typed_is_kept_when_the_form_is_sent_back(anonymous, qeshm):
    call = make_call()
    data = form(qeshm, consent=None)
    html = post(anonymous, call, data).content.decode()
    assert 'value="نرگس بندری"' in html
    assert 'value="۱۳۸۰/۰۵/۲۰"' in html
    assert 'value="narges@example.org"' in html
    assert 'value="09123456789"' in html or 'value="۰۹۱۲۳۴۵۶۷۸۹"' in html
    assert "ده سال خوشنویسی نستعلیق</textarea>" in html
    assert "https://portfolio.example/narges</textarea>" in html
    assert re.search(rf'<option value="{qeshm.pk}" selected>', html)
    discipline = Discipline.objects.get(slug="calligraphy").pk
    assert re.search(rf'<option value="{discipline}" selected>', html)


def test_a_service_refusal_keeps_the_files_and_the_values_too(anonymous, qeshm):
    """Consent ticked, but too young for the call: the service refuses; the files still wait."""
    call = make_call(min_age=30)
    response = post(anonymous, call, form(qeshm, files=two_files()))
    html = response.content.decode()
    assert response.status_code == 200
    assert StagedUpload.objects.count() == 2
    assert "نمونه خط.pdf" in html
    assert 'value="۱۳۸۰/۰۵/۲۰"' in html
    assert 'href="#id_birth_date"' in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]* checked', html)  # still ticked


def test_a_kept_file_gone_from_storage_is_said_not_crashed_on(anonymous, qeshm):
    call = make_call()
    first = post(anonymous, call, form(qeshm, consent=None, files=two_files()))
    lost = StagedUpload.objects.first()
    lost.file.storage.delete(lost.file.name)
    response = post(anonymous, call, form(qeshm, staged_files=token_in(first.content.decode())))
    assert response.status_code == 200
    assert "24" in response.content.decode() or "۲۴" in response.content.decode()
    assert not Application.objects.exists()


def test_kept_files_are_touched_each_time_the_form_comes_back():
    """The 24 hours run from the last return of the form, as the token's do: an applicant who comes
    back with another error the next morning does not lose files the page still lists."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from talent import staging
    from talent.models import StagedUpload
    from tests.events.test_validation import PDF
    from tests.factories import make_call

    call = make_call()
    kept = staging.stage(call, staging.Staging(), [SimpleUploadedFile("a.pdf", PDF)])
    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(hours=23))
    again = staging.load(call, kept.token)
    assert not again.errors
    assert staging.remove_expired(timezone.now() + dt.timedelta(hours=2)) == 0
    assert StagedUpload.objects.count() == 1
