"""Reading a 实际完成值 against its target: the quantity or date a sentence reports
(``于2023年11月完成``, ``完成12场，其中…``), a bare number read as the target's unit, a fraction
under a percent target, an Excel date serial."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import attrs

from jixiao.errors import TargetSyntaxError
from jixiao.targets import lexicon as lx
from jixiao.targets._builder import parse_normal
from jixiao.targets._signals import cut_punct
from jixiao.targets.ast import (
    Actual,
    Amount,
    Comparison,
    Deadline,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    Reading,
    Target,
)
from jixiao.units import Unit, lookup_unit

__all__ = [
    "EXCEL_SERIALS",
    "FRACTION_AMBIGUOUS_BELOW",
    "PERCENT_UNIT",
    "as_actual",
    "mode_of",
    "reading_of",
]


# ------------------------------------------------------------------------------ actual readings
#
# An actual cell is often a sentence around its number: 40人（含补训3人）, 40人，部分学员因疫情未能
# 参训, 实际完成45人，完成率90%, 计划50人，实际40人. When the grammar reads such a cell as prose and
# the target is a number, the quantities written outside brackets are looked for; see
# docs/targets.md (实际完成值中的数量) for the rule.

_BRACKETED = re.compile(r"[（(][^（()）]*[)）]|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕|［[^［］]*］")
_CLAUSE_BREAK = re.compile(r"[，,；;。！!？?、\n：:]")
#: A clause that opens with one of these lists parts of the total (其中女生20人) or compares with
#: another year (较上年增加5人); like a bracket, it is a note.
_PART_CLAUSE = re.compile(r"\s*(?:其中|内含|含|包括|包含|另有|另|较|比|同比|环比)")
_PART_AFTER_SPACE = re.compile(r"(?<=\S)\s+(?:其中|内含|含|包括|包含|另有|另|较|比|同比|环比)")
_DIGITS = re.compile(r"(?<![0-9.．])[0-9]+(?:[.．][0-9]+)*")
_THOUSANDS = re.compile(r"(?<![0-9.．,])[0-9]{1,3}(?:,[0-9]{3})+(?:[.．][0-9]+)?(?![0-9])")
_DATE_AFTER = re.compile(r"\s*(?:年(?!\s*(?:以上|以下|内|左右))|月(?!份?\s*数)|日|号)")
_RANGE_AFTER = re.compile(r"\s*(?:——|--|[\-~～〜—–―至到])\s*[0-9]")
_MARK_ACTUAL = re.compile(r"实际|实到|实发|实收|实付")
_MARK_DONE = re.compile(r"完成|实现|达到|达成")
_MARK_PLAN = re.compile(r"计划|目标|预计|预期|任务")
_BEFORE_NUMBER = re.compile(
    "(?:"
    + "|".join(
        re.escape(w) for w in sorted((*lx.APPROX_PRE, *lx.COMPARATOR_WORDS), key=len, reverse=True)
    )
    + f"|[{re.escape(lx.COMPARATOR_CHARS)}]+)\\s*$"
)
_AFTER_UNIT = re.compile(
    r"\s*(?:"
    + "|".join(
        re.escape(w)
        for w in sorted((*lx.SUFFIX_WORDS, *lx.APPROX_POST), key=len, reverse=True)
        if w != "内"
    )
    + ")"
)


class _Found:
    __slots__ = ("end", "mark", "quantity", "start")

    def __init__(self, start: int, end: int, quantity: Quantity, mark: int) -> None:
        self.start = start
        self.end = end
        self.quantity = quantity
        self.mark = mark


def _remark(m: re.Match[str]) -> str:
    """A bracketed group blanked out, unless it names what was actually done (100人（实际95人）:
    a second figure for the same thing, not a remark) and lists no part of it (（其中实际…）)."""
    inner = m.group()[1:-1]
    if _MARK_ACTUAL.search(inner) and not _PART_CLAUSE.match(inner):
        return m.group()
    return " " * len(m.group())


def _main_text(text: str) -> str:
    """*text* with bracketed remarks and part clauses (其中…) blanked out, same length. A bracket
    that says 实际 is kept: its figure competes with the one before it."""
    out = _BRACKETED.sub(_remark, text)
    pieces: list[str] = []
    last = 0
    for m in _CLAUSE_BREAK.finditer(out):
        pieces.append(out[last : m.start()])
        pieces.append(m.group())
        last = m.end()
    pieces.append(out[last:])
    for i in range(0, len(pieces), 2):
        # a part clause opens a clause, or follows a space (40人 其中女生20人)
        part = _PART_CLAUSE.match(pieces[i]) or _PART_AFTER_SPACE.search(pieces[i])
        if part is not None:
            cut = part.start()
            pieces[i] = pieces[i][:cut] + " " * (len(pieces[i]) - cut)
    return "".join(pieces)


def _quantities(text: str, main: str, unit: Unit | None) -> list[_Found]:
    """The quantities in *main* (the text outside brackets) comparable with a target in *unit*
    (None: a bare target, every quantity is comparable). Dates, ordinals and ranges are not
    quantities."""
    found: list[_Found] = []
    spans = [(m.start(), m.end(), m.group()) for m in _THOUSANDS.finditer(main)]
    taken = {i for s, e, _ in spans for i in range(s, e)}
    for m in _DIGITS.finditer(main):
        if m.start() not in taken:
            spans.append((m.start(), m.end(), m.group()))
    spans.sort()
    clause_start = 0
    prev_end = 0
    for start, end, digits in spans:
        if digits.count(".") + digits.count("．") > 1:
            continue  # 2023.12.31: a date
        before = main[max(0, start - 1) : start]
        if before == "第" or (before.isalpha() and before.isascii()):
            continue  # 第3期, G20
        if _DATE_AFTER.match(main, end) or _RANGE_AFTER.match(main, end):
            continue
        pos = end
        approx_mid = main[pos : pos + 1] in lx.APPROX_MID
        if approx_mid:
            pos += 1
        gap = len(main[pos:]) - len(main[pos:].lstrip(" "))
        u = lx.UNIT_RE.match(main, pos + gap)
        q_unit = lookup_unit(u.group()) if u is not None and u.group() else None
        if q_unit is not None and gap and unit is not None and q_unit.dimension != unit.dimension:
            q_unit = None  # 5 部分学员…: a word after a space is no unit unless it fits the target
        elif u is not None and u.group():
            pos = u.end()
        if unit is not None and q_unit is not None and q_unit.dimension != unit.dimension:
            prev_end = pos
            continue
        value = Decimal(digits.replace(",", "").replace("．", "."))
        # the words since the previous quantity or the clause's start say what this one is
        for b in _CLAUSE_BREAK.finditer(main, prev_end, start):
            clause_start = b.end()
        segment = main[max(prev_end, clause_start) : start]
        mark = 0
        if _MARK_ACTUAL.search(segment):
            mark = 2
        elif _MARK_PLAN.search(segment):
            mark = -1
        elif _MARK_DONE.search(segment):
            mark = 1
        found.append(_Found(start, pos, Quantity(value, q_unit), mark))
        prev_end = pos
    return found


def _extract(node: Qualitative, unit: Unit | None) -> Amount | Comparison | Qualitative | None:
    """The actual read out of a sentence (see above), or None when it names no quantity."""
    body = node.text
    if not any("0" <= ch <= "9" for ch in body):
        return None
    main = _main_text(body)
    found = _quantities(body, main, unit)
    if not found:
        return None
    reading: str = "extracted"
    chosen = found[0]
    candidates: tuple[Quantity, ...] = ()
    if len(found) > 1:
        candidates = tuple(f.quantity for f in found)
        best = max(f.mark for f in found)
        marked = [f for f in found if f.mark == best]
        if best == 0:
            # else the only one not introduced by 计划/目标/预计 (40人，计划45人)
            marked = [f for f in found if f.mark == 0]
        if len(marked) != 1 or not any(f.mark for f in found):
            return attrs.evolve(node, candidates=candidates)
        chosen = marked[0]
        reading = "chosen"
    start, end = chosen.start, chosen.end
    lead = _BEFORE_NUMBER.search(body, 0, start)
    if lead is not None:
        start = lead.start()
    tail = _AFTER_UNIT.match(body, end)
    if tail is not None:
        end = tail.end()
    core: Any = None
    try:
        core = parse_normal(body[start:end].strip())
    except TargetSyntaxError:
        core = None
    if not isinstance(core, Amount | Comparison) or core.label or core.note:
        core = Amount(chosen.quantity)
    label = body[:start].strip() or None
    note = body[end:].rstrip(lx.TRAILING_PUNCT) or None
    if isinstance(core, Comparison):
        return Comparison(
            core.op,
            core.amount,
            label,
            note,
            reading=reading,  # type: ignore[arg-type]
            candidates=candidates,
            span=node.span,
        )
    return Amount(
        core.amount,
        core.approx,
        label,
        note,
        reading=reading,  # type: ignore[arg-type]
        candidates=candidates,
        span=node.span,
    )


_DONE_CLAUSE = re.compile(r"完成|完工|竣工|验收|结束|实施完毕|办结")


def _extract_date(node: Qualitative) -> Deadline | None:
    """The date of an actual's sentence under a deadline target (``于2023年11月完成，比计划提前
    1个月``): the one clause outside brackets that reads as a date (``extracted``), or of several
    the one that says 实际, else the one that says 完成/完工/竣工/验收… and not 计划/目标/预计
    (``chosen``); None when there is no such single clause."""
    body = node.text
    if not any("0" <= ch <= "9" for ch in body) and "年" not in body and "月" not in body:
        return None
    main = _main_text(body)
    found: list[tuple[int, int, Deadline]] = []
    start = 0
    for stop in [m.start() for m in _CLAUSE_BREAK.finditer(main)] + [len(main)]:
        clause = main[start:stop]
        if clause.strip():
            try:
                read = parse_normal(clause.strip())
            except TargetSyntaxError:
                read = None
            if isinstance(read, Deadline):
                found.append((start, stop, read))
        start = stop + 1
    reading: Reading = "extracted"
    if len(found) > 1:
        # the clause that says 实际; else the one that says 完成/完工/验收… and not 计划/目标/预计
        reading = "chosen"
        actual = [f for f in found if _MARK_ACTUAL.search(body, f[0], f[1])]
        found = actual or [
            f
            for f in found
            if _DONE_CLAUSE.search(body, f[0], f[1]) and not _MARK_PLAN.search(body, f[0], f[1])
        ]
    if len(found) != 1:
        return None
    begin, end, date = found[0]
    offset = begin + len(main[begin:end]) - len(main[begin:end].lstrip())
    stop = offset + (date.span[1] if date.span is not None else end - offset)
    before = body[:offset] + (date.prefix or "")
    after = (date.suffix or "") + body[stop:].rstrip(lx.TRAILING_PUNCT)
    return attrs.evolve(
        date,
        prefix=before.strip() or None,
        suffix=after or None,
        reading=reading,
        span=node.span,
    )


PERCENT_UNIT = lookup_unit("%")
#: Under a percent target with a bound at or below this, a bare number in [0, 1] may as well
#: be a percent as a fraction (``1`` under ``≥1%``).
FRACTION_AMBIGUOUS_BELOW = Decimal(10)


def _as_fraction(node: Amount | Comparison, mode: str) -> Amount | Comparison:
    """A bare number in (0, 1] under a percent target: the fraction it most likely is."""
    value = node.amount.value
    if not (0 < value <= 1):
        return node
    percent = Quantity(value, PERCENT_UNIT)
    fraction = Quantity(value.scaleb(2), PERCENT_UNIT)
    if mode == "fraction":
        return attrs.evolve(node, amount=fraction, reading="fraction")
    return attrs.evolve(
        node, amount=percent, reading="fraction_or_percent", candidates=(percent, fraction)
    )


def mode_of(target: Target | None) -> str | None:
    """How an actual is read against *target*: None (no target, or one with no number),
    ``numeric``, or for a percent target ``fraction`` / ``either`` (a bound ≤ 10%)."""
    return reading_of(target)[1]


def reading_of(target: Target | None) -> tuple[Unit | None, str | None]:
    """The unit *target* lends to a bare number, and the reading mode (:func:`mode_of`)."""
    if target is None:
        return None, None
    quantity = target.quantity
    if quantity is None:
        return None, ("date" if isinstance(target, Deadline) else None)
    unit = quantity.unit
    if unit is not PERCENT_UNIT:
        return unit, "numeric"
    low = target.high if isinstance(target, Range) and target.high < target.low else quantity.value
    return unit, "either" if low <= FRACTION_AMBIGUOUS_BELOW else "fraction"


#: Excel serial numbers read as dates under a date target: 1927-05-18 … 2173-10-14.
EXCEL_SERIALS = (10_000, 100_000)


def _excel_serial(node: Target) -> datetime.date | None:
    """The date an Excel serial number stands for (the 1900 date system: day 1 is 1900-01-01,
    with Excel's phantom 1900-02-29, so serials from 61 on count from 1899-12-30)."""
    if not isinstance(node, Amount) or node.amount.unit is not None or node.approx is not None:
        return None
    value = node.amount.value
    if not EXCEL_SERIALS[0] <= value < EXCEL_SERIALS[1]:
        return None
    return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))


def as_actual(node: Target, unit: Unit | None, mode: str | None = None) -> Actual:
    """What an actual cell adds: outcome words, the quantity in a sentence when the target is a
    number, a bare fraction under a percent target, and the target's unit for a bare number."""
    if mode == "date":
        # under a date target, a bare number in the range of dates is the serial number Excel
        # stores a date as (a date cell saved without its format, or typed so): the date shown
        day = _excel_serial(node)
        if day is not None:
            return Deadline(day.year, day.month, day.day, relation="at", span=node.span)
    if isinstance(node, Qualitative):
        word = cut_punct(node.text)
        status = lx.outcome_status(word)
        if status is not None:
            return Outcome(word, status, span=node.span)  # type: ignore[arg-type]
        if mode is None:
            return node
        if mode == "date":
            return _extract_date(node) or node
        read = _extract(node, unit)
        if read is None or isinstance(read, Qualitative):
            return read or node
        node = read
    if (
        mode in ("fraction", "either")
        and isinstance(node, Amount | Comparison)
        and node.amount.unit is None
    ):
        node = _as_fraction(node, mode)
    if unit is None:
        return node
    if isinstance(node, Amount | Comparison) and node.amount.unit is None:
        return attrs.evolve(
            node,
            amount=Quantity(node.amount.value, unit),
            candidates=tuple(
                q if q.unit is not None else Quantity(q.value, unit) for q in node.candidates
            ),
        )
    if isinstance(node, Range) and node.unit is None:
        return Range(
            node.low,
            node.high,
            unit,
            node.low_inclusive,
            node.high_inclusive,
            node.label,
            node.note,
            span=node.span,
        )
    return node
