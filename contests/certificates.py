"""The certificate as a document: its wording (placeholders, Persian ordinals) and its PDF.

Rendered with fpdf2, which installs from PyPI wheels alone (pure Python, with Pillow, fontTools and
defusedxml), and shapes Persian through HarfBuzz (the ``uharfbuzz`` wheel bundles it): letters join,
lines run right to left and a Latin or digit run inside keeps its own order. WeasyPrint would need Pango
from the system; ReportLab shapes nothing without hand-made presentation forms. The font is Vazirmatn
(SIL Open Font License), kept beside this module so no machine needs it installed.

Nothing here reads or writes the database: ``contests.services.certificates`` decides what to print and
stores the result.
"""

from __future__ import annotations

import io
import logging
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import segno
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from fpdf import FPDF

# fontTools reports every step of subsetting the font at INFO, a screenful per certificate.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "Vazirmatn"

# What a template may name, and what each stands for (the admin's help and its refusals use this).
PLACEHOLDERS = {
    "name": gettext_lazy("the contestant's full name"),
    "call": gettext_lazy("the call's title"),
    "round": gettext_lazy("the round's name"),
    "place": gettext_lazy("the place, in words (first, second, ...)"),
    "zone": gettext_lazy("the contestant's zone"),
    "date": gettext_lazy("the date of issue, Solar Hijri"),
}
# A selected contestant's certificate is about the call, not a round: these would print empty.
ROUND_ONLY = ("round", "place")


def wording_errors(text: str, *, allowed: tuple[str, ...] = tuple(PLACEHOLDERS)) -> list[str]:
    """Sentences saying what is wrong with the placeholders of ``text``; empty when it can be filled.

    Only ``{name}``-style placeholders are accepted: no positions (``{0}``), formats (``{name:>9}``) or
    attributes (``{name.upper}``), which ``str.format`` would otherwise run. ``{{`` and ``}}`` print a
    brace."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return [_("A brace is not closed: write placeholders as {name}, and a lone brace as {{ or }}.")]
    errors: list[str] = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            errors.append(
                _("{%(field)s} is not a placeholder. Use: %(known)s.")
                % {"field": field, "known": ", ".join(f"{{{name}}}" for name in allowed)}
            )
        elif field not in allowed:
            errors.append(
                _("{%(field)s} has nothing to show on this kind of certificate. Use: %(known)s.")
                % {"field": field, "known": ", ".join(f"{{{name}}}" for name in allowed)}
            )
    return list(dict.fromkeys(errors))


def fill(text: str, values: dict[str, str]) -> str:
    """The wording with its placeholders filled; checked by ``wording_errors`` when it was saved."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


_UNITS = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS = ("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده")
_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")


def _cardinal_words(number: int) -> list[str]:
    words: list[str] = []
    thousands, rest = divmod(number, 1000)
    if thousands:
        words += [*(_cardinal_words(thousands) if thousands > 1 else []), "هزار"]
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        words.append(_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    else:
        tens, unit = divmod(rest, 10)
        if tens:
            words.append(_TENS[tens])
        if unit:
            words.append(_UNITS[unit])
    return words


def persian_ordinal(number: int) -> str:
    """A place in words, as a certificate says it: اول، دوم، سوم، ... بیست و یکم، سی‌ام."""
    if number < 1:
        raise ValueError(number)
    if number == 1:
        return "اول"
    words = _cardinal_words(number)
    last = words[-1]
    if last == "سه":
        last = "سوم"
    elif last.endswith("ی"):
        last += "\u200cام"  # سی → سی‌ام
    else:
        last += "م"
    return " و ".join([*words[:-1], last])


@dataclass(frozen=True)
class CertificatePage:
    """Everything printed on one certificate, already in the words and digits it is printed in."""

    issuer: str
    heading: str
    body: str
    signatory_name: str
    signatory_title: str
    date: str
    serial: str
    code: str
    check_url: str
    sample: bool = False


# A4 landscape, in millimetres.
WIDTH, HEIGHT = 297, 210
INK = (31, 58, 77)
GOLD = (176, 141, 67)
MUTED = (96, 110, 122)


def render(page: CertificatePage) -> bytes:
    """The PDF of one certificate: A4 landscape, right to left, with a QR code of the check address."""
    # Imported here: fpdf2 brings fontTools and Pillow, some 45 MB in every web worker, for a rare download.
    from fpdf import FPDF  # noqa: PLC0415 - see the comment above

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(page.heading)
    pdf.set_creator("Zones Portal")
    pdf.set_lang("fa")
    pdf.add_font(FAMILY, "", str(FONTS / "Vazirmatn-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "Vazirmatn-Bold.ttf"))
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
    pdf.add_page()
    _frame(pdf)
    _wording(pdf, page)
    _number_and_date(pdf, page)
    _signature(pdf, page)
    _check(pdf, page)
    return bytes(pdf.output())


def _wording(pdf: FPDF, page: CertificatePage) -> None:
    inner = WIDTH - 2 * 30
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_xy(30, 24)
    pdf.cell(inner, 8, page.issuer, align="C")
    if page.sample:
        pdf.set_text_color(170, 40, 40)
        pdf.set_xy(30, 32)
        pdf.cell(inner, 7, _("Sample: not a certificate"), align="C")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 32)
    pdf.set_xy(30, 44)
    pdf.cell(inner, 18, page.heading, align="C")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.line(WIDTH / 2 - 35, 66, WIDTH / 2 + 35, 66)
    pdf.set_font(FAMILY, "", 17)
    pdf.set_xy(40, 76)
    pdf.multi_cell(WIDTH - 80, 11, page.body, align="C", max_line_height=11)


def _number_and_date(pdf: FPDF, page: CertificatePage) -> None:
    """Upper left, where Persian letters carry their number and date."""
    pdf.set_font(FAMILY, "", 12)
    pdf.set_text_color(*MUTED)
    _labelled(pdf, 28, 22, _("No.:"), page.serial)
    _labelled(pdf, 28, 29, _("Date:"), page.date)


def _labelled(pdf: FPDF, left: float, top: float, label: str, value: str) -> None:
    """A label and its value as two cells, the label on the right: a value of digits never merges
    with a label's own run of text, whatever the label's language."""
    value_width = pdf.get_string_width(value) + 1
    pdf.set_xy(left, top)
    pdf.cell(value_width, 6, value, align="L")
    pdf.set_xy(left + value_width, top)
    pdf.cell(pdf.get_string_width(label) + 1, 6, label, align="L")


def _signature(pdf: FPDF, page: CertificatePage) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 14)
    pdf.set_xy(30, 160)
    pdf.cell(110, 8, page.signatory_name, align="C")
    pdf.set_font(FAMILY, "", 12)
    pdf.set_xy(30, 168)
    pdf.cell(110, 7, page.signatory_title, align="C")


def _check(pdf: FPDF, page: CertificatePage) -> None:
    """Lower right: the code, the public check page's address, and the same address as a QR code."""
    qr = segno.make(page.check_url, error="m", micro=False)
    image = io.BytesIO()
    qr.save(image, kind="png", scale=8, border=1)
    image.seek(0)
    pdf.image(image, x=WIDTH - 30 - 30, y=150, w=30, h=30, link=page.check_url, alt_text=page.check_url)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(150, 152)
    pdf.cell(85, 6, _("Check this certificate:"), align="R")
    label = _("Code:")
    label_width = pdf.get_string_width(label) + 1
    pdf.set_xy(235 - label_width, 158)
    pdf.cell(label_width, 6, label, align="R")
    pdf.set_xy(150, 158)
    pdf.cell(85 - label_width - 1, 6, page.code, align="R")
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(150, 165)
    # The address alone on its line, left to right, so a reader can type it.
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.cell(85, 6, page.check_url, align="R", link=page.check_url)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, WIDTH - 20, HEIGHT - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, WIDTH - 28, HEIGHT - 28)
