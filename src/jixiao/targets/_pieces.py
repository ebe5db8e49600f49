"""The pieces the target transformer builds nodes from: negative numbers, 含本数 notes, a note
after a number and its unit, comparators and their bounds, ranges, and dates (``12月底前``,
``2021.1.1-12.31``)."""

from __future__ import annotations

import calendar
import re
from decimal import Decimal
from typing import NoReturn

from lark import Token

from jixiao.numerals import parse_chinese, to_ascii_digits
from jixiao.targets import lexicon as lx
from jixiao.targets._signals import (
    COMPARATOR_WORDS_EXPECTED,
    PROSE,
    YEAR_END_RE,
    YEAR_RE,
    YMD_RE,
    CellError,
    Prose,
    Qty,
    bi_msg,
    cut_punct,
    has_prose_punct,
    tok_end,
    tok_start,
)
from jixiao.targets.ast import (
    Amount,
    Comparison,
    Op,
    Quantity,
    Range,
)
from jixiao.units import Unit, lookup_unit, near_miss_unit

__all__ = [
    "check_incl",
    "check_near_miss",
    "make_bound",
    "make_range",
    "misread_comparator",
    "negated",
    "note_and_unit",
    "open_unit",
    "qty_end",
    "read_date",
    "read_dots",
    "reads_back",
    "wan_belongs_to_number",
    "with_included",
]


def negated(qty: Qty, minus: Token) -> Qty:
    """The quantity after a minus sign (≥-5%): a negative bound, as written."""
    if qty.chinese:
        raise CellError(
            bi_msg("负号后应为阿拉伯数字", "a minus sign takes digits"),
            tok_start(minus),
            qty.end - tok_start(minus),
            ("数字",),
        )
    return Qty(
        -qty.value,
        qty.unit,
        qty.unit_text,
        qty.unit_start,
        qty.approx,
        tok_start(minus),
        qty.end,
        qty.chinese,
    )


_INCL_NUMBER = re.compile(r"-?\s*[0-9０-９]+(?:[.．][0-9０-９]+)?")


def check_incl(tok: Token, qty: Qty) -> bool:
    """Whether an inclusivity note says 含 (True) or 不含 (False); a number written in it must be
    the bound itself (``≥90%（含90%）``)."""
    text = str(tok)
    m = _INCL_NUMBER.search(text)
    if m is not None:
        written = Decimal(to_ascii_digits("".join(m.group().split())).replace("．", "."))
        rest = "".join(text[m.end() :].split()).rstrip(")）").removesuffix("在内")
        unit = lookup_unit(rest) if rest else None
        value: Decimal | None = written
        if unit is not None and qty.unit is not None and unit.dimension == qty.unit.dimension:
            value = written * unit.factor / qty.unit.factor
        elif unit is not None and unit != qty.unit:
            value = None
        if value != qty.value:
            raise CellError(
                bi_msg(
                    f"括号中的数「{m.group()}{rest}」与指标值不同",
                    "the number in the inclusivity note differs from the bound",
                ),
                tok_start(tok) + m.start(),
                len(m.group()) + len(rest),
                ("数字",),
                bi_msg(
                    "写成「≥90%（含90%）」或「≥90%（含）」", "write ≥90%（含90%） or ≥90%（含）"
                ),
            )
    return "不" not in text


_CLOSE_OP: dict[str, Op] = {">": ">=", "<": "<="}
_OPEN_OP: dict[str, Op] = {">=": ">", "<=": "<"}


def with_included(node: Comparison | Amount, tok: Token) -> Comparison | Amount:
    """Apply an inclusivity note: （含） includes the bound (超过90%（含） is ≥90%), （不含）
    excludes it (90%以上（不含） is >90%). After a bare amount it is kept as the note."""
    qty = node.amount
    inclusive = check_incl(tok, Qty(qty.value, qty.unit, None, 0, None, 0, 0, False))
    if isinstance(node, Amount):
        note = str(tok) + (node.note or "")
        return Amount(node.amount, node.approx, node.label, note, span=node.span)
    op = node.op
    if inclusive:
        op = _CLOSE_OP.get(op, op)
    elif op == "=":
        raise CellError(
            bi_msg("「=」不能不含本数", "an equality cannot exclude its number"),
            tok_start(tok),
            len(tok),
            ("结束",),
        )
    else:
        op = _OPEN_OP.get(op, op)
    return Comparison(op, node.amount, node.label, node.note, span=node.span)


def wan_belongs_to_number(numeral: str) -> bool:
    """Whether a 万 written after *numeral* completes it: the numeral has 亿 and, after its last
    亿, a group below ten thousand (一亿二千五百 + 万 = 1.25亿) with no 万 of its own."""
    _head, sep, tail = numeral.rpartition("亿") if "亿" in numeral else numeral.rpartition("億")
    return bool(sep) and bool(tail) and not any(c in tail for c in "万萬")


def qty_end(note: Token | None, trail: Token | None, qty: Qty) -> int:
    for tok in (note, trail):
        if tok is not None:
            return tok_end(tok)
    return qty.end


def misread_comparator(label: Token) -> NoReturn:
    ch = str(label)
    raise CellError(
        bi_msg(f"数字前的「{ch}」无法识别", f"unexpected {ch!r} before the number"),
        tok_start(label),
        1,
        (COMPARATOR_WORDS_EXPECTED, "数字"),
        bi_msg(
            f"「{ch}」可能是比较符（如 ≥）的识别错误；若是文字说明，请写完整",
            f"{ch!r} may be a misread comparator such as ≥",
        ),
    )


def note_and_unit(
    qty: Qty, note_tok: Token | None, trail: Token | None
) -> tuple[str | None, Unit | None] | Prose:
    """The note after a quantity and the quantity's unit, after the open-unit, near-miss and
    prose rules (see docs/targets.md)."""
    if note_tok is None:
        return None, qty.unit
    raw = str(note_tok)
    if trail is None:
        check_near_miss(qty, raw, tok_start(note_tok))
    note = cut_punct(raw)
    if not note:
        return None, qty.unit
    if qty.chinese:
        return PROSE  # 十分满意, 一次性, 三个代表: words, not quantities
    if qty.unit is None:
        # the first word right after a bare number is its unit (5羽), if it is a short word
        if trail is None and open_unit(note):
            return None, lookup_unit(note)
        return PROSE
    limit = lx.REMARK_MAX if _is_remark(note) else lx.NOTE_MAX
    if (
        len(note) > limit
        or has_prose_punct(note)
        or lx.SUFFIX_AT_END.search(note)
        or not reads_back(qty.unit, note)
    ):
        return PROSE
    return note, qty.unit


def open_unit(word: str) -> bool:
    """Whether a word right after a bare number can be its (unregistered) unit: 5羽."""
    return len(word) <= lx.OPEN_UNIT_MAX and word.isalpha() and reads_back(None, word)


def _is_remark(note: str) -> bool:
    """A note in brackets: ≥80%（抽样调查）."""
    return note[:1] in "(（" and note[-1:] in ")）"


def reads_back(unit: Unit | None, text: str) -> bool:
    """Whether *text*, written right after a number and *unit* (as render() writes them), is
    read back as the same unit followed by *text* (名次: 人 + 次 would come back as 人次)."""
    symbol = unit.symbol if unit is not None else ""
    written = symbol + text
    match = lx.UNIT_RE.match(written)
    if (match.end() if match else 0) != len(symbol):
        return False
    after = lx.AFTER_UNIT_RE if symbol else lx.AFTER_NUMBER_RE
    return after.match(written, len(symbol)) is None


def check_near_miss(qty: Qty, note: str, note_start: int) -> None:
    """万圆, 仟元: a magnitude (or nothing) read as the unit, then a look-alike character."""
    written = qty.unit_text or ""
    if written and (qty.unit is None or qty.unit.dimension != "dimensionless"):
        return  # a full unit was read (万元, 人); what follows is a note
    begin = qty.unit_start if written else note_start
    for k in range(min(len(note), 4), 0, -1):
        word = written + note[:k]
        fixed = near_miss_unit(word)
        if fixed is not None:
            raise CellError(
                bi_msg(f"单位「{word}」无法识别", f"unknown unit {word!r}"),
                begin,
                len(word),
                ("单位",),
                bi_msg(f"是否应为「{fixed}」？", f"did you mean {fixed!r}?"),
            )


def _comparator(tok: Token) -> tuple[Op, bool]:
    """The operator of a comparator token, and whether it is weak (达到, 控制在, =)."""
    text = str(tok)
    if tok.type == "COMP_WORD":
        return lx.COMPARATOR_WORDS[text], text in lx.WEAK_COMPARATORS
    folded = lx.fold_comparator(text)
    op = lx.COMPARATOR_SYMBOLS.get(folded)
    if op is None:
        guess = lx.comparator_hint(text)
        raise CellError(
            bi_msg(f"无法识别的比较符「{text}」", f"unknown comparator {text!r}"),
            tok_start(tok),
            len(text),
            (COMPARATOR_WORDS_EXPECTED,),
            bi_msg(f"是否应为「{guess}」？", f"did you mean {guess!r}?")
            if guess
            else bi_msg("只能写一个比较符 ≥ ≤ > < =", "write a single comparator"),
        )
    return op, folded in lx.WEAK_COMPARATORS


_DIRECTION = {">=": 1, ">": 1, "<=": -1, "<": -1, "=": 0}


def make_bound(
    label: str | None,
    lead: Token | None,
    qty: Qty,
    trail: Token | None,
    note: str | None,
    start: int,
    end: int,
) -> Comparison | Amount:
    op: Op | None = None
    weak = False
    approx = qty.approx
    if lead is not None:
        if lead.type == "APPROX_PRE":
            approx = lx.APPROX_PRE[str(lead)]
        else:
            op, weak = _comparator(lead)
    if trail is not None:
        if trail.type == "SUFFIX":
            word = re.split(r"\s*[(（]", str(trail), maxsplit=1)[0]
            after = lx.SUFFIX_WORDS[word]
            if op is None or weak:
                op = after
            elif _DIRECTION[op] != _DIRECTION[after] and _DIRECTION[op] != 0:
                raise CellError(
                    bi_msg(f"比较方向矛盾：「{lead}」与「{word}」", "contradictory comparators"),
                    tok_start(trail),
                    len(word),
                    ("结束",),
                    bi_msg(f"去掉「{lead}」或「{word}」之一", "keep one of them"),
                )
        elif approx is None:
            approx = lx.APPROX_POST[str(trail)]
    amount = Quantity(qty.value, qty.unit)
    if op is not None:
        return Comparison(op, amount, label, note, span=(start, end))
    return Amount(amount, approx, label, note, span=(start, end))  # type: ignore[arg-type]


def make_range(
    label: str | None,
    lead: Token | None,
    low: Qty,
    high: Qty,
    trail: Token | None,
    note: str | None,
    start: int,
    end: int,
) -> Range:
    for tok in (lead, trail):
        if tok is not None and tok.type in ("COMP_SYM", "COMP_WORD", "SUFFIX"):
            raise CellError(
                bi_msg(f"范围不能带比较符「{tok}」", "a range takes no comparator"),
                tok_start(tok),
                len(tok),
                ("数字",) if tok is lead else ("结束",),
                bi_msg("写成「90%-100%」或「≥90%」", "write 90%-100% or ≥90%"),
            )
    unit = high.unit or low.unit
    if low.unit is not None and high.unit is not None and low.unit != high.unit:
        raise CellError(
            bi_msg(
                f"范围两端的单位不同：「{low.unit}」与「{high.unit}」",
                "the ends of a range have different units",
            ),
            high.unit_start,
            len(high.unit_text or "") or 1,
            ("单位",),
            bi_msg(f"两端都用「{high.unit}」", f"use {high.unit.symbol!r} at both ends"),
        )
    return Range(low.value, high.value, unit, label=label, note=note, span=(start, end))


_CN_DATE_PART = re.compile(r"[一二三四五六七八九十]+(?=\s*(?:月|日|号))")


_NEXT_YEAR = re.compile(r"(?:次|翌|下一?)年度?\s*")


def read_date(tok: Token) -> tuple[int | None, int | None, int | None, bool, int]:
    """Year, month, day, end of month, and the year offset (1 for 次年/下一年/翌年)."""
    # 十二月底 / 十一月三十日: a month or day in Chinese numerals reads as its digits
    text = _CN_DATE_PART.sub(lambda m: str(parse_chinese(m.group())), to_ascii_digits(str(tok)))
    offset = 0
    rel = _NEXT_YEAR.match(text)
    if rel is not None:
        offset = 1
        text = text[rel.end() :]
        if text in ("底", "末"):
            return None, 12, None, True, offset
    m = YMD_RE.fullmatch(text)
    if m is not None:
        year = int(m.group(1)) if m.group(1) else None
        month = int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        _check_day(tok, year, month, day)
        return year, month, day, m.group(4) is not None, offset
    m = YEAR_END_RE.fullmatch(text)
    if m is not None:
        return (int(m.group(1)) if m.group(1) else None), 12, None, True, offset
    m = YEAR_RE.fullmatch(text)
    assert m is not None, text
    return int(m.group(1)), None, None, False, offset


def read_dots(tok: Token) -> tuple[int | None, int, int]:
    text = to_ascii_digits(str(tok))
    parts = re.split(r"[./-]", text)
    if len(parts) == 3:
        year: int | None = int(parts[0])
        month, day = int(parts[1]), int(parts[2])
    else:
        year, month, day = None, int(parts[0]), int(parts[1])
    _check_day(tok, year, month, day)
    return year, month, day


def _check_day(tok: Token, year: int | None, month: int, day: int | None) -> None:
    if day is not None and day > calendar.monthrange(year or 2000, month)[1]:
        raise CellError(
            bi_msg(f"日期不存在：{month}月{day}日", "no such date"),
            tok_start(tok),
            len(tok),
            ("日期",),
        )
