"""The Persian translation is complete, compiled, and covers every string the code marks."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "fa" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_string_is_translated_and_none_is_fuzzy():
    po = catalogue()
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders():
    for entry in catalogue().translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # A singular Persian form may say "one" in words instead of using the count.
            assert set(PLACEHOLDER.findall(text)) <= expected | set(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_the_compiled_catalogue_matches_the_source():
    def table(entries):
        return {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in entries}

    source = table(catalogue())
    compiled = table(polib.mofile(str(MO)))
    assert compiled == source, "Run the translation compile step: the .mo is out of date."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_marked_string_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes beside the sources it reads, so it runs on a copy of them.
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".*", "var", "tests", "bench", "locale", "node_modules", "__pycache__"),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["fa"], verbosity=0)
    extracted = {
        entry.msgid for entry in polib.pofile(str(source / "locale" / "fa" / "LC_MESSAGES" / "django.po"))
    }
    committed = {entry.msgid for entry in catalogue()}
    assert sorted(extracted - committed) == []
