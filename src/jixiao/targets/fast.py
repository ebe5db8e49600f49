"""A fast path for the simple cells most forms are made of, read without Lark.

Real returns repeat their target cells but not their actuals: every unit reports its own number
(``47.23人``, ``61.8万元``, ``95.5%``). Those cells have a handful of simple shapes, and reading
them with one regular expression is some fifty times faster than the LALR parser. This module reads
exactly these shapes, and only when it is certain the grammar reads them the same way:

* a number and a unit, with an optional comparator before them: ``≥45人``, ``不少于4次``,
  ``<=64.253万元``, ``95.5%``, ``100``;
* a simple deadline: ``2023年12月底前``, ``12月31日前完成``, ``6月底``.

Everything else — whitespace, full-width or compatibility characters (anything NFKC would
change), separators, signs, labels, notes, suffix words, approximations, ranges, compound or
unregistered units, impossible dates — returns None, and the caller parses the cell with Lark.
The node returned is the one Lark builds for the same text, spans included (checked shape by
shape and by a property test over generated cells in ``tests/test_targets_fast.py``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from decimal import Decimal

from jixiao.targets import lexicon as lx
from jixiao.targets.ast import Amount, Comparison, Deadline, Quantity, Target
from jixiao.units import MAGNITUDES, Unit, known_words, lookup_unit

__all__ = ["fast_parse", "plain_number"]

# Comparators written before the number: the glyphs (ASCII or ≥ ≤) and the words, each with the
# operator the grammar gives it when no suffix follows (a weak comparator keeps its own op).
_LEADS: dict[str, str] = {
    "≥": ">=",
    "≤": "<=",
    ">=": ">=",
    "<=": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
    **lx.COMPARATOR_WORDS,
}

# Registered unit words that can follow a number and be read as its unit by the lexer, whatever
# follows. Words whose first character starts another terminal after a number (a date: 年 月 日
# 号; a range, a suffix, an approximation) or that NFKC would change (％ ㎡) are left to Lark.
_NOT_FIRST = set("年月日号") | set(lx.APPROX_MID) | set("-－~～〜—–―至到一")
_NOT_FIRST |= {w[0] for w in (*lx.SUFFIX_WORDS, *lx.APPROX_POST)}


def _simple_units() -> frozenset[str]:
    out = set()
    for word in known_words():
        if word in MAGNITUDES or word[0] in _NOT_FIRST or word[0].isspace():
            continue
        if not unicodedata.is_normalized("NFKC", word) or any(ch.isdigit() for ch in word):
            continue
        match = lx.UNIT_RE.match(word)
        if match is None or match.end() != len(word):
            continue  # the lexer would read a shorter unit and leave a note
        out.add(word)
    return frozenset(out)


UNITS = _simple_units()
_UNIT_OF = {word: lookup_unit(word) for word in UNITS}
# every character the two patterns below can match is one NFKC leaves alone, so a cell they
# match is already in the form the grammar reads (checked here once, not per cell)
assert all(unicodedata.is_normalized("NFKC", w) for w in (*_LEADS, *UNITS, "年月日底前之以完成"))

_LEAD_FIRSTS = frozenset(w[0] for w in lx.COMPARATOR_WORDS)
_LEAD_RE = "|".join(re.escape(w) for w in sorted(_LEADS, key=len, reverse=True))
_UNIT_RE = "|".join(re.escape(w) for w in sorted(UNITS, key=len, reverse=True))
# at most 15 integer and 12 fraction digits: far inside Decimal's 28, and no thousands separator
_QUANTITY = re.compile(rf"({_LEAD_RE})?([0-9]{{1,15}}(?:\.[0-9]{{1,12}})?)({_UNIT_RE})?")
# The same cells, read by splitting at the number and looking the two sides up: as no lead has a
# digit and no unit starts with a digit or a point, the only way to cut a cell into a lead, a
# number and a unit is at its first digit and after the longest number there (the pattern
# above, kept as the definition, is checked against this in tests/test_targets_fast.py).
_SPLIT = re.compile(r"([^0-9]*)([0-9]{1,15}(?:\.[0-9]{1,12})?)(.*)", re.DOTALL)
assert not any(ch.isdigit() for w in _LEADS for ch in w)
assert not any(w[0] == "." or w[0].isdigit() for w in UNITS)
# a bare number with at most a registered unit word after it (a subset of _QUANTITY's shapes)
_PLAIN = re.compile(rf"([0-9]{{1,15}}(?:\.[0-9]{{1,12}})?)({_UNIT_RE})?")
_NUMBER_FIRST = re.compile(r"([0-9]{1,15}(?:\.[0-9]{1,12})?)(.*)", re.DOTALL)
_DEADLINE = re.compile(
    r"(?:(?P<y>(?:19|20)[0-9]{2})年)?(?P<m>1[0-2]|0?[1-9])月"
    r"(?:(?P<d>3[01]|[12][0-9]|0?[1-9])日|(?P<eom>底))?(?P<rel>之前|以前|前)?(?P<suffix>完成)?"
)


def fast_parse(text: str, implied: Unit | None = None) -> Target | None:
    """The node Lark builds for *text* when *text* is one of the simple shapes, else None.

    *implied* is the unit a bare number takes: an actual read under a numeric target
    (``47.23`` under ``≥45人``), the node ``as_actual`` would make of the bare one in that mode,
    built once instead of twice.

    >>> fast_parse("≥45人").to_dict()
    {'kind': 'comparison', 'op': '>=', 'value': '45', 'unit': '人', 'inclusive': True}
    >>> fast_parse("47.23", lookup_unit("人")).render()
    '47.23人'
    >>> fast_parse("合格率≥90%") is None
    True
    """
    if not text or len(text) > 40:
        return None
    first = text[0]
    if "0" <= first <= "9" or first in "≥≤<>=" or first in _LEAD_FIRSTS:
        m = _SPLIT.fullmatch(text)
        if m is not None:
            lead, num, word = m.groups()
            if (not lead or lead in _LEADS) and (not word or word in _UNIT_OF):
                amount = Quantity(Decimal(num), _UNIT_OF[word] if word else implied)
                if not lead:
                    return Amount(amount, None, None, None, span=(0, len(text)))
                op = _LEADS[lead]
                return Comparison(op, amount, None, None, span=(0, len(text)))  # type: ignore[arg-type]
        if "0" <= first <= "9" and "月" in text:
            return _deadline(text)
    return None


def _deadline(text: str) -> Target | None:
    m = _DEADLINE.fullmatch(text)
    if m is None:
        return None
    year = int(m.group("y")) if m.group("y") else None
    month = int(m.group("m"))
    day = int(m.group("d")) if m.group("d") else None
    if day is not None and day > calendar.monthrange(year or 2000, month)[1]:
        return None  # Lark reports the impossible date
    eom = m.group("eom") is not None
    rel = m.group("rel")
    relation = "at" if rel is None else ("by" if (day or eom) else "before")
    return Deadline(
        year=year,
        month=month,
        written_day=day,
        end_of_month=eom,
        relation=relation,  # type: ignore[arg-type]
        start=None,
        goal=None,
        prefix=None,
        suffix=m.group("suffix"),
        span=(0, len(text)),
    )


def plain_number(text: str) -> tuple[str, str | None] | None:
    """``(digits, unit word or None)`` when *text* is a bare number with at most a registered
    unit word after it (``47.23人``, ``95.5%``, ``100``): a cell :func:`fast_parse` reads as a
    plain amount, the number as written. Else None. (``_PLAIN`` is the definition; the cell is
    cut after its number and the rest looked up, as :func:`fast_parse` does.)

    >>> plain_number("47.23人"), plain_number("≥45人"), plain_number("约45人")
    (('47.23', '人'), None, None)
    """
    if not text or len(text) > 40 or not "0" <= text[0] <= "9":
        return None
    m = _NUMBER_FIRST.fullmatch(text)
    if m is None:
        return None
    num, word = m.groups()
    if not word:
        return num, None
    return (num, word) if word in _UNIT_OF else None
