"""The certificate as printed: Persian shaped (letters joined), right to left, digits and Latin runs in
their own order; placeholders and ordinals.

A PDF keeps glyphs, not text. Text extractors guess the reading order of right-to-left lines (pypdf
reverses Persian digits along with the letters), and map every shaped glyph back to its base letter, so
an unshaped PDF would read just the same. So these tests read what a person sees: each glyph where it
stands on the page, named by the presentation form the embedded font gives it (U+FB94 is an initial
GAF: a joined letter), then put each line back into reading order (a right-to-left line, with its runs
of digits and Latin left to right), then compare after NFKC, which folds presentation forms into
letters.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from contests import certificates as document


def _is_presentation_form(codepoint: int) -> bool:
    return 0xFB50 <= codepoint <= 0xFDFF or 0xFE70 <= codepoint <= 0xFEFF


def _glyph_texts(font) -> dict[int, str]:
    """CID → what the glyph shows: its presentation form where the font names one, else the text
    the PDF's ToUnicode map gives for it."""
    to_unicode: dict[int, str] = {}
    cmap = font["/ToUnicode"].get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for cid, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            raw = bytes.fromhex(text)
            to_unicode[int(cid, 16)] = raw.decode("utf-16-be")
    descendant = font["/DescendantFonts"][0].get_object()
    program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
    order = program.getGlyphOrder()
    forms: dict[str, str] = {}
    for codepoint, name in program.getBestCmap().items():
        if _is_presentation_form(codepoint):
            forms.setdefault(name, chr(codepoint))
    mapping = descendant["/CIDToGIDMap"]
    gids = mapping.get_data() if hasattr(mapping, "get_data") else None
    texts = {}
    for cid, text in to_unicode.items():
        gid = struct.unpack(">H", gids[cid * 2 : cid * 2 + 2])[0] if gids else cid
        name = order[gid] if gid < len(order) else ""
        texts[cid] = forms.get(name, text)
    return texts


def visual_lines(pdf: bytes) -> list[str]:
    """The page's lines (each cell on its own) top to bottom and right to left, each as its glyphs
    stand from left to right."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {name: _glyph_texts(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()}
    glyphs: list[tuple[int, float, float, str]] = []
    font: dict[int, str] = {}
    x = y = 0.0
    text_object = 0
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BT":
            text_object += 1
        elif operator == b"Tf":
            font = fonts[operands[0]]
        elif operator == b"Td":
            x, y = float(operands[0]), float(operands[1])
        elif operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else [operands[0]]
            step = 0.0
            for item in strings:
                if isinstance(item, bytes | str):
                    raw = item if isinstance(item, bytes) else item.encode("latin-1")
                    for i in range(0, len(raw), 2):
                        cid = int.from_bytes(raw[i : i + 2], "big")
                        glyphs.append((text_object, round(y, 1), x + step, font.get(cid, "")))
                        step += 0.001
    # One cell, or one line of a paragraph, is one text object: a line of glyphs at one height.
    lines: dict[tuple[int, float], list[tuple[float, str]]] = {}
    for number, line_y, glyph_x, text in glyphs:
        lines.setdefault((number, line_y), []).append((glyph_x, text))
    ordered = sorted(lines.items(), key=lambda item: (-item[0][1], -max(x for x, _t in item[1])))
    return ["".join(text for _x, text in sorted(line)) for _key, line in ordered]


# Runs a right-to-left line shows left to right: Latin words (with the spaces, digits and punctuation
# between them: one run) and groups of Persian digits (each its own run, as the bidi algorithm makes
# digits after Persian letters).
LEFT_TO_RIGHT = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z ./:?=&_-]*[0-9A-Za-z])?|[۰-۹](?:[۰-۹/:.]*[۰-۹])?")


def reading_order(line: str) -> str:
    """A right-to-left line back in the order it is read: reversed, with each run of digits or Latin
    turned back the right way (the inverse of the bidi algorithm for such a line)."""
    return LEFT_TO_RIGHT.sub(lambda run: run.group()[::-1], line[::-1])


def read(pdf: bytes) -> tuple[list[str], list[str]]:
    """The lines as shown (presentation forms kept) and as plain text, both in reading order."""
    shown = [reading_order(line) for line in visual_lines(pdf)]
    return shown, [unicodedata.normalize("NFKC", line) for line in shown]


PAGE = document.CertificatePage(
    issuer="دبیرخانه شورای عالی مناطق آزاد تجاری-صنعتی و ویژه اقتصادی",
    heading="گواهی افتخار",
    body=(
        "بدین‌وسیله گواهی می‌شود زهرا محمدی از منطقه قشم در مرحله نهایی «مسابقه قرائت قرآن ۱۴۰۵» "
        "رتبه اول را کسب کرده است."
    ),
    signatory_name="مدیرکل فرهنگ، هنر و صنایع خلاق",
    signatory_title="دبیرخانه شورای عالی مناطق آزاد",
    date="۷ آذر ۱۴۰۵",
    serial="۱۴۰۵/۰۰۱۲",
    code="ABCD2345EFGH",
    check_url="https://portal.example.org/contests/certificates/check/?code=ABCD2345EFGH",
)


@pytest.fixture(scope="module")
def printed():
    return read(document.render(PAGE))


def words(lines: list[str]) -> set[str]:
    return {word for line in lines for word in re.split(r"[\s\u200c«»،.:]+", line) if word}


def test_the_pdf_is_a4_landscape():
    page = PdfReader(io.BytesIO(document.render(PAGE))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_persian_words_read_whole_and_in_order(printed):
    _shown, text = printed
    assert "گواهی افتخار" in text
    assert {"گواهی", "افتخار", "زهرا", "محمدی", "قرائت", "قرآن"} <= words(text)
    # The body's words follow each other as written (wrapped lines joined in reading order).
    body = " ".join(line for line in text if "بدین" in line or "کسب" in line)
    assert re.search(r"زهرا\s+محمدی\s+از\s+منطقه\s+قشم", body)
    assert re.search(r"رتبه\s+اول\s+را\s+کسب", body)


def test_letters_are_joined_not_isolated(printed):
    shown, _text = printed
    heading = next(line for line in shown if unicodedata.normalize("NFKC", line) == "گواهی افتخار")
    # گ initial + و final, then ه initial + ی final: the joined forms, not the isolated letters.
    assert "\ufb94\ufeee" in heading
    assert "\ufeeb\ufbfd" in heading
    assert "گ" not in heading  # an isolated GAF would show its base letter
    # Across the page, Persian letters are drawn joined almost everywhere.
    letters = [ch for line in shown for ch in line if unicodedata.category(ch) == "Lo"]
    joined = [ch for ch in letters if _is_presentation_form(ord(ch))]
    assert len(joined) > 0.6 * len(letters)


def test_digits_dates_and_latin_keep_their_order(printed):
    _shown, text = printed
    assert any("۷ آذر ۱۴۰۵" in line for line in text)
    assert any("۱۴۰۵/۰۰۱۲" in line for line in text)
    body = " ".join(line for line in text if "بدین" in line or "کسب" in line)
    assert "«مسابقه قرائت قرآن ۱۴۰۵»" in body
    assert any("ABCD2345EFGH" in line for line in text)
    assert any(PAGE.check_url in line for line in text)


def test_the_check_address_is_a_link():
    page = PdfReader(io.BytesIO(document.render(PAGE))).pages[0]
    links = [annotation.get_object()["/A"]["/URI"] for annotation in page.get("/Annots", [])]
    assert PAGE.check_url in links


def test_a_sample_says_so():
    from django.utils import translation

    with translation.override("en"):
        _shown, text = read(document.render(PAGE.__class__(**{**PAGE.__dict__, "sample": True})))
    assert any("Sample" in line for line in text)


@pytest.mark.parametrize(
    ("number", "words_"),
    [
        (1, "اول"),
        (2, "دوم"),
        (3, "سوم"),
        (4, "چهارم"),
        (10, "دهم"),
        (12, "دوازدهم"),
        (20, "بیستم"),
        (21, "بیست و یکم"),
        (23, "بیست و سوم"),
        (30, "سی\u200cام"),
        (100, "صدم"),
        (101, "صد و یکم"),
    ],
)
def test_places_in_persian_words(number, words_):
    assert document.persian_ordinal(number) == words_


def test_placeholders_are_filled():
    text = "{name} از {zone}: رتبه {place} در {round} «{call}»، {date} {{نه}}"
    values = {
        "name": "زهرا",
        "zone": "قشم",
        "place": "اول",
        "round": "نهایی",
        "call": "قرآن",
        "date": "امروز",
    }
    assert document.fill(text, values) == "زهرا از قشم: رتبه اول در نهایی «قرآن»، امروز {نه}"


@pytest.mark.parametrize(
    "text",
    ["{nam}", "{0}", "{}", "{name:>20}", "{name!r}", "{name.upper}", "{call[0]}", "رتبه {place"],
)
def test_unknown_or_unsafe_placeholders_are_refused(text):
    assert document.wording_errors(text)


def test_a_known_placeholder_outside_its_kind_is_refused():
    assert document.wording_errors("{name} {call}", allowed=("name", "call")) == []
    (error,) = document.wording_errors("{place}", allowed=("name", "call"))
    assert "{place}" in error
