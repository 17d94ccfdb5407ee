"""``reindex_search``: rewrites stale search text in batches, says how many, refuses bad arguments."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Event
from tests.factories import make_agreement, make_event
from zones_portal.search import index_text

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("reindex_search", *args, stdout=out)
    return out.getvalue()


def test_stale_text_is_rewritten_and_counted(kish):
    events = [make_event(kish, status="approved", title=f"كنسرت {n}") for n in range(5)]
    Event.objects.filter(pk__in=[e.pk for e in events[:3]]).update(search_text="")  # as if fields changed
    make_agreement(title="تفاهم‌نامه")
    output = run("--batch-size", "2")
    assert "events.Event: 5 records, 3 updated" in output
    assert "agreements.Agreement: 1 records, 0 updated" in output
    for event in Event.objects.all():
        assert event.search_text == index_text([event.title, event.description, event.venue])
    assert "events.Event: 5 records, 0 updated" in run()  # a second run changes nothing


def test_only_the_models_named(kish):
    make_event(kish, status="approved")
    output = run("events.event")
    assert output.strip().splitlines() == ["events.Event: 1 records, 0 updated"]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("events.Nothing",), "is not a searchable model"),
        (("zones_portal.Zone",), "is not a searchable model"),
        (("--batch-size", "0"), "must be a positive number"),
    ],
)
def test_a_bad_argument_is_a_sentence_and_a_failure(args, sentence):
    with pytest.raises(CommandError, match=sentence):
        call_command("reindex_search", *args, stdout=StringIO())
