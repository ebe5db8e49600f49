"""Excel number formats: what a cell's number looks like on screen.

A spreadsheet stores 0.9033333 and shows ``90.33%`` (format ``0.00%``); it stores 98 and shows
``98%`` (format ``0"%"`` or ``0\\%``: a *literal* percent sign, no scaling). The readers read what
the person who made the form sees, so this module answers, for a format code and a number:
is it shown as a percentage (scaled by 100), how many decimal places are shown, is it scaled by a
thousand per trailing comma (``#,##0,``), and is it a date.

Only an unquoted, unescaped ``%`` scales: text in double quotes, a character after a backslash,
``[...]`` sections (colours, conditions, locales), ``_x`` (a space as wide as x) and ``*x`` (fill)
are literal. Formats with several sections (``0.00%;-0.00%;"—"``) use the section for the sign.

>>> spec = NumberFormat.parse('0.00"%"')
>>> spec.percent, spec.places
(False, 2)
>>> NumberFormat.parse("0.00%").display(Decimal("0.903333"))
Decimal('90.33')
>>> NumberFormat.parse("0\\\\%").display(Decimal("98"))
Decimal('98')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import attrs

__all__ = ["NumberFormat", "Section"]


@attrs.frozen(slots=True)
class Section:
    """One ``;``-separated section of a format code, reduced to what changes the number shown."""

    percent: int = 0  # unquoted % signs: each scales by 100
    places: int | None = None  # digits shown after the decimal point; None = as stored (General)
    thousands: int = 0  # trailing commas after the last digit placeholder: each divides by 1000
    date: bool = False
    text: bool = False  # "@": the cell is shown as typed
    scientific: bool = False
    digits: bool = False  # the section shows the number at all (0, #, ? placeholders)


_DATE_LETTERS = set("yYmMdDhHsS")  # years, months, days, hours, minutes, seconds


def _skeleton(code: str) -> tuple[str, bool]:
    """The format's meaningful characters, literals removed; and whether it has elapsed time."""
    out: list[str] = []
    elapsed = False
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':  # quoted literal text
            end = code.find('"', i + 1)
            i = n if end < 0 else end + 1
            out.append(" ")
        elif ch == "\\" or ch in "_*":  # escaped character, space width, fill: literal
            i += 2
            out.append(" ")
        elif ch == "[":  # [Red], [>=100], [$-804], [DBNum1], elapsed time [h]
            end = code.find("]", i + 1)
            inner = code[i + 1 : end if end >= 0 else n]
            elapsed = elapsed or bool(re.fullmatch(r"[hHmMsS]+", inner))
            i = n if end < 0 else end + 1
        elif code.startswith(("General", "GENERAL", "general"), i):
            out.append("~")
            i += 7
        else:
            out.append(ch)
            i += 1
    return "".join(out), elapsed


def _parse_section(code: str) -> Section:
    skel, elapsed = _skeleton(code)
    general = "~" in skel
    scientific = bool(re.search(r"[0#?][eE][+-]", skel))
    if scientific:
        skel = re.sub(r"[eE][+-][0#?]*", "", skel)
    digits = bool(re.search(r"[0#?]", skel)) or general
    date = elapsed or bool(set(skel) & _DATE_LETTERS)
    percent = skel.count("%")
    text = "@" in skel
    places: int | None = None
    if digits and not general and not date:
        point = re.search(r"\.([0#?]*)", skel)
        places = len(point.group(1)) if point else 0
    thousands = 0
    trailing = re.search(r"[0#?](,+)[^0#?]*$", skel)
    if trailing and not date:
        thousands = len(trailing.group(1))
    return Section(percent, places, thousands, date, text, scientific, digits)


def _split_sections(code: str) -> list[str]:
    sections: list[str] = []
    current: list[str] = []
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = n - 1 if end < 0 else end
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < n:
            current.append(code[i : i + 2])
            i += 2
            continue
        if ch == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    sections.append("".join(current))
    return sections


@attrs.frozen(slots=True)
class NumberFormat:
    """A parsed format code (``General``, ``0.00%``, ``#,##0.00;[Red]-#,##0.00``, ``0"%"`` …)."""

    code: str
    sections: tuple[Section, ...]

    @staticmethod
    def parse(code: str | None) -> NumberFormat:
        return _parse(code or "General")

    def section(self, number: Decimal) -> Section:
        """The section Excel uses for this number: positive; negative; zero (; text)."""
        secs = self.sections
        if number < 0 and len(secs) >= 2 and secs[1].digits:
            return secs[1]
        if number == 0 and len(secs) >= 3 and secs[2].digits:
            return secs[2]
        return secs[0]

    @property
    def percent(self) -> bool:
        """True when the format shows positive numbers as a percentage (scaled by 100)."""
        return self.sections[0].percent > 0

    @property
    def places(self) -> int | None:
        return self.sections[0].places

    @property
    def is_date(self) -> bool:
        return self.sections[0].date

    @property
    def is_general(self) -> bool:
        first = self.sections[0]
        return first.places is None and not first.date

    def display(self, number: Decimal) -> Decimal:
        """The number as shown: scaled (``%``, trailing commas) and rounded to the shown places,
        half away from zero as Excel does. A percentage gives the percent value (90.33)."""
        sec = self.section(number)
        if sec.date or sec.scientific or not sec.digits:
            return number
        shown = number
        if sec.percent:
            shown = shown.scaleb(2 * sec.percent)
        if sec.thousands:
            shown = shown.scaleb(-3 * sec.thousands)
        if sec.places is not None:
            try:
                rounded = shown.quantize(Decimal(1).scaleb(-sec.places), rounding=ROUND_HALF_UP)
            except ArithmeticError:  # more digits than the context holds: shown as stored
                rounded = shown
            if rounded != shown:  # keep 5 as 5 (not 5.00) when nothing is rounded away
                shown = rounded
        return shown

    def shows_percent(self, number: Decimal) -> bool:
        return self.section(number).percent > 0


@lru_cache(maxsize=512)
def _parse(code: str) -> NumberFormat:
    sections = tuple(_parse_section(s) for s in _split_sections(code))
    return NumberFormat(code, sections or (Section(),))
