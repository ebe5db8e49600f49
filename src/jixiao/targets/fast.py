"""A fast path for the simple cells most forms are made of, read without Lark.

Real returns repeat their target cells but not their actuals: every unit reports its own number
(``47.23人``, ``61.8万元``, ``95.5%``). Those cells have a handful of simple shapes, and reading
them with one regular expression is some fifty times faster than the LALR parser. This module reads
exactly these shapes, and only when it is certain the grammar reads them the same way:

* a number and a unit, with an optional comparator before them: ``≥45人``, ``不少于4次``,
  ``<=64.253万元``, ``95.5%``, ``100``;
* a simple deadline: ``2023年12月底前``, ``12月31日前完成``, ``6月底``;
* the extended quantity shapes: an approximation word or any comparator glyph run before the
  number (``约45人``, ``≧45人``, ``=>45``), 余 or 多 after it (``200.12余人``), magnitude and
  compound units (``12.34万粒``, ``35.12元/人*天``, ``12.3万``), a comparator suffix or
  approximation word ending the cell (``95.12%及以上``, ``45人左右``) or a short note
  (``81.23%覆盖``), with one space allowed between the pieces but before a note
  (``12.34 公里``, ``≥ 90 %``).

Everything else — other whitespace, full-width or compatibility characters (anything NFKC would
change), separators, signs, labels, brackets, ranges, unregistered units, impossible dates, a
note the grammar would not keep — returns None, and the caller parses the cell with Lark.
The node returned is the one Lark builds for the same text, spans included (checked shape by
shape and by a property test over generated cells in ``tests/test_targets_fast.py``).
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from decimal import Decimal

from jixiao.targets import lexicon as lx
from jixiao.targets.ast import Amount, Comparison, Deadline, Quantity, Target
from jixiao.targets.normalize import normalize
from jixiao.units import MAGNITUDES, Unit, known_words, lookup_unit, near_miss_unit

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

_LEAD_FIRSTS = frozenset(w[0] for w in (*lx.COMPARATOR_WORDS, *lx.APPROX_PRE, *lx.COMPARATOR_CHARS))
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
            node = _extended(text, lead, num, word, implied)
            if node is not None:
                return node
        if "0" <= first <= "9" and "月" in text:
            return _deadline(text)
    return None


# ------------------------------------------------------------------------------------------
# The extended shapes: a comparator or an approximation word before the number, 余/多 after it,
# any unit the lexer reads whole (万粒, 元/人*天, 12.3万), and after the unit a comparator suffix
# (以上, 及以下, 以内), an approximation (左右) or a short note (覆盖); at most one ASCII space
# between two pieces but before the note (the grammar ignores it). Each piece is read the way the grammar's contextual lexer reads it: with the same
# regexes (lexicon.UNIT_RE, AFTER_UNIT_RE, the TEXT terminal), tried in the lexer's priority
# order, and the node is built by the rules of _pieces.make_bound and note_and_unit. Anything
# else (brackets, more whitespace, punctuation, an unregistered or changed character, a note
# the grammar would keep as prose, contradictory comparators) returns None.

_DIRECTION = {">=": 1, ">": 1, "<=": -1, "<": -1, "=": 0}
_WEAK = frozenset(w for w in _LEADS if w in lx.WEAK_COMPARATORS)
#: the words the lexer reads as a comparator suffix or an approximation after a quantity when
#: they end the cell (内 only when no letter follows it, which at the end of the cell is true)
_TRAILS: dict[str, tuple[bool, str]] = {
    **{w: (True, op) for w, op in lx.SUFFIX_WORDS.items()},
    **{w: (False, a) for w, a in lx.APPROX_POST.items()},
}
_TEXT = re.compile(lx.text_regex())  # the grammar's TEXT terminal
# the first characters after a number (or 余/多) at which the lexer may read a unit: none that
# starts a higher-priority terminal (a suffix, an approximation, a range, an inclusivity
# bracket) or, at the start of a cell, a date (年 月 日 号)
_NO_UNIT_AT = _NOT_FIRST | set("(（") | {ch for ch in lx.COMPARATOR_CHARS}

_EXT_LEAD_RE = "|".join(
    re.escape(w) for w in sorted({*_LEADS, *lx.APPROX_PRE}, key=len, reverse=True)
)
_TRAIL_RE = "|".join(re.escape(w) for w in sorted(_TRAILS, key=len, reverse=True))
#: The definition of the extended shapes (a superset of what _extended reads; checked in
#: tests/test_targets_fast.py): a lead (a word or a glyph run), the number, 余/多, a unit as the
#: lexer reads it, and a suffix, an approximation or a note of at most NOTE_MAX letters, with at
#: most one space between two pieces but before the note.
EXTENDED = re.compile(
    rf"([{re.escape(lx.COMPARATOR_CHARS)}]{{1,2}}|{_EXT_LEAD_RE})?( ?)([0-9]{{1,15}}(?:\.[0-9]{{1,12}})?)"
    rf"( ?)([{''.join(lx.APPROX_MID)}])?( ?)({lx.UNIT_RE.pattern})?"
    rf"( ?(?:{_TRAIL_RE})|[^\W\d_]{{1,{lx.NOTE_MAX}}})?"
)


@functools.lru_cache(maxsize=2048)
def _unit_word(word: str) -> Unit | None:
    """The unit a word the lexer read as a UNIT token names, or None when the word is not read
    as written (whitespace in it, a character normalisation would fold)."""
    if any(ch.isspace() for ch in word) or normalize(word) != word:
        return None
    if not unicodedata.is_normalized("NFKC", word):
        return None
    return lookup_unit(word)


def _reads_back(unit: Unit, note: str) -> bool:
    """_pieces.reads_back for a unit: the note written after the unit's symbol is read back as
    the same unit followed by the note."""
    written = unit.symbol + note
    match = lx.UNIT_RE.match(written)
    if (match.end() if match else 0) != len(unit.symbol):
        return False
    return lx.AFTER_UNIT_RE.match(written, len(unit.symbol)) is None


#: what a lead word makes of the cell: (operator, weak, approximation)
_LEAD_OF: dict[str, tuple[str | None, bool, str | None]] = {
    **{w: (None, False, a) for w, a in lx.APPROX_PRE.items()},
    **{w: (op, w in _WEAK, None) for w, op in _LEADS.items()},
}
assert not set(lx.APPROX_PRE) & set(_LEADS)


def _glyph_runs() -> dict[str, tuple[str | None, bool, str | None]]:
    """Every run of one or two comparator glyphs the lexer reads as one COMP_SYM and the
    builder folds into a known comparator (≧ → ≥, => → ≥, == → =; _pieces._comparator), when
    no character of it would be changed by NFKC or normalisation (＞ and ﹦ are left to Lark)."""
    chars = lx.COMPARATOR_CHARS
    out: dict[str, tuple[str | None, bool, str | None]] = {}
    for run in [*chars, *(a + b for a in chars for b in chars)]:
        folded = lx.fold_comparator(run)
        op = lx.COMPARATOR_SYMBOLS.get(folded)
        if op is None or normalize(run) != run or not unicodedata.is_normalized("NFKC", run):
            continue
        out[run] = (op, folded in lx.WEAK_COMPARATORS, None)
    return out


for _run, _read in _glyph_runs().items():
    assert _LEAD_OF.setdefault(_run, _read) == _read, _run  # the same as the simple path's

# what follows the number: (unit, approximation of 余/多, trail as (suffix?, meaning), note)
_Tail = tuple[Unit | None, str | None, tuple[bool, str] | None, str | None]


def _extended(text: str, lead: str, num: str, rest: str, implied: Unit | None) -> Target | None:
    op: str | None = None
    weak = False
    approx: str | None = None
    if lead:
        read = _LEAD_OF.get(lead)
        if read is None and len(lead) > 1 and lead[-1] == " ":
            read = _LEAD_OF.get(lead[:-1])  # one space after the lead (the grammar ignores it)
        if read is None:
            return None
        op, weak, approx = read
    tail = _tail(rest)
    if tail is None:
        return None
    unit, mid, trail, note = tail
    if approx is None:
        approx = mid  # an approximation word before the number wins (_pieces.make_bound)
    if trail is not None:
        suffix, meaning = trail
        if suffix:
            if op is None or weak:
                op = meaning
            elif _DIRECTION[op] != _DIRECTION[meaning] and _DIRECTION[op] != 0:
                return None  # contradictory comparators: Lark reports them
        elif approx is None:
            approx = meaning
    elif unit is None and op is None and approx is None:
        return None  # a bare number: the simple shape, already tried
    amount = Quantity(Decimal(num), unit if unit is not None else implied)
    if op is not None:
        return Comparison(op, amount, None, note, span=(0, len(text)))  # type: ignore[arg-type]
    return Amount(amount, approx, None, note, span=(0, len(text)))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def _tail(rest: str) -> _Tail | None:
    """How the lexer reads what follows the number: 余/多, a unit, then a trailing word or a
    note, with at most one space (which the grammar ignores) before each piece but the note. It
    depends on *rest* alone (the number ends where it ends whatever follows, and no terminal
    tried after it looks behind), so it is read once for each tail: the tails of distinct
    actuals repeat (万粒, %覆盖, 元/人*天) while their numbers do not."""
    n = len(rest)

    def space(pos: int) -> int:
        # one ASCII space with something other than whitespace after it
        return pos + 1 if pos < n - 1 and rest[pos] == " " and not rest[pos + 1].isspace() else pos

    pos = space(0)
    mid: str | None = None
    if pos < n and rest[pos] in lx.APPROX_MID:
        mid = lx.APPROX_MID[rest[pos]]
        pos = space(pos + 1)
    unit: Unit | None = None
    unit_word = ""
    if pos < n and rest[pos] not in _NO_UNIT_AT and not rest[pos].isspace():
        m = lx.UNIT_RE.match(rest, pos)
        if m is None:
            return None
        unit_word = m.group()
        unit = _unit_word(unit_word)
        if unit is None:
            return None
        pos = m.end()
    if pos == n:
        return unit, mid, None, None
    trail = _TRAILS.get(rest[space(pos) :])
    if trail is not None:
        return unit, mid, trail, None
    after = rest[pos:]  # a note: right after the unit
    if unit is None or not _note_ok(unit_word, after):
        return None
    return unit, mid, None, after


def _note_ok(unit_word: str, note: str) -> bool:
    """Whether *note*, ending a cell right after the unit written *unit_word*, is one TEXT token
    the grammar keeps as the quantity's note (_pieces.note_and_unit)."""
    unit = _unit_word(unit_word)
    if unit is None or len(note) > lx.NOTE_MAX or not note.isalpha():
        return False
    if normalize(note) != note or not unicodedata.is_normalized("NFKC", note):
        return False
    if lx.AFTER_UNIT_RE.match(note) is not None:
        return False  # the lexer reads a suffix, an approximation or a range here
    m = _TEXT.match(note)
    if m is None or m.end() != len(note):
        return False
    if unit.dimension == "dimensionless":
        # _pieces.check_near_miss: 万圆 is a damaged 万元, an error, not 万 and a note
        for k in range(min(len(note), 4), 0, -1):
            if near_miss_unit(unit_word + note[:k]) is not None:
                return False
    if lx.SUFFIX_AT_END.search(note):
        return False
    return _reads_back(unit, note)


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
