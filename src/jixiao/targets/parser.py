"""Parsing 年度指标值 (target) and 实际完成值 (actual) cells into AST nodes.

One LALR parser with a contextual lexer is built lazily from ``grammar/target.lark`` and kept;
the transformer runs inline, so no parse tree is built. Results are cached (the nodes are frozen
and hashable), so a form that repeats a cell pays for it once.

>>> parse_target("≥45人").to_dict()
{'kind': 'comparison', 'op': '>=', 'value': '45', 'unit': '人', 'inclusive': True}
>>> parse_actual("50", parse_target("≥50个")).render()
'50个'
"""

from __future__ import annotations

import calendar
import datetime
import re
import threading
from decimal import Decimal
from typing import Any, NoReturn

import attrs
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedInput,
    UnexpectedToken,
)

from jixiao.cache import MISSING, ByteLRU, CacheInfo, text_bytes
from jixiao.decimals import in_context
from jixiao.errors import ArgumentTypeError, TargetSyntaxError
from jixiao.i18n import Msg
from jixiao.numerals import parse_chinese, parse_decimal, to_ascii_digits
from jixiao.resources import grammar_path
from jixiao.targets import lexicon as lx
from jixiao.targets.ast import (
    Actual,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Op,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    Reading,
    Target,
)
from jixiao.targets.fast import fast_parse
from jixiao.targets.normalize import normalize
from jixiao.units import Unit, lookup_unit, near_miss_unit

__all__ = [
    "cache_clear",
    "cache_info",
    "cache_resize",
    "parse_actual",
    "parse_actual_uncached",
    "parse_target",
    "parse_target_uncached",
]


# ------------------------------------------------------------------------------ internal signals


def _bi(zh: str, en: str) -> Msg:
    """A message of the parser in Chinese and English."""
    return Msg(zh, en)


#: What may stand at a place in a cell, in English (the Chinese words are the keys).
EXPECTED_EN: dict[str, str] = {
    "比较符 ≥ ≤ > < =": "a comparator ≥ ≤ > < =",
    "数字": "a number",
    "单位": "a unit",
    "以上/以下/以内": "以上/以下/以内 (or more/or less/within)",
    "范围符 -": "a range dash -",
    "日期": "a date",
    "前/之前/内": "前/之前/内 (before/within)",
    "不晚于/早于": "不晚于/早于 (no later than/before)",
    "约数（约/余/左右）": "an approximation (约/余/左右)",
    "文字": "words",
    "结束": "the end of the cell",
    "完成": "完成 (done)",
}


def expected_en(expected: tuple[str, ...]) -> tuple[str, ...]:
    """The English of what may stand at a place (see :data:`EXPECTED_EN`)."""
    return tuple(EXPECTED_EN.get(e, e) for e in expected)


class _CellError(Exception):
    """Raised inside the transformer, which does not know the cell text; the caller turns it
    into a :class:`TargetSyntaxError`."""

    def __init__(
        self,
        message: Msg,
        offset: int,
        length: int = 1,
        expected: tuple[str, ...] = (),
        hint: Msg | None = None,
    ) -> None:
        super().__init__(message.zh)
        self.message = message
        self.offset = offset
        self.length = length
        self.expected = expected
        self.hint = hint

    def error(self, text: str) -> TargetSyntaxError:
        return TargetSyntaxError(
            self.message,
            text,
            self.offset,
            expected=self.expected,
            expected_en=expected_en(self.expected),
            hint=self.hint,
            length=self.length,
        )


class _Prose:
    """Returned by the transformer when a cell that parsed is really a sentence that mentions a
    number (``1-6期培训结束后及时考核``); the caller keeps the whole cell as qualitative text."""

    __slots__ = ()


PROSE = _Prose()

_COMPARATOR_WORDS_EXPECTED = "比较符 ≥ ≤ > < ="


class _Qty:
    """A number with its unit as written, before it becomes part of a node."""

    __slots__ = ("approx", "chinese", "end", "start", "unit", "unit_start", "unit_text", "value")

    def __init__(
        self,
        value: Decimal,
        unit: Unit | None,
        unit_text: str | None,
        unit_start: int,
        approx: str | None,
        start: int,
        end: int,
        chinese: bool,
    ) -> None:
        self.value = value
        self.unit = unit
        self.unit_text = unit_text
        self.unit_start = unit_start
        self.approx = approx
        self.start = start
        self.end = end
        self.chinese = chinese


class _Date:
    __slots__ = ("day", "end", "eom", "month", "offset", "start", "start_pos", "year")

    def __init__(
        self,
        year: int | None,
        month: int | None,
        day: int | None,
        eom: bool,
        start: tuple[int | None, int | None, int | None] | None,
        start_pos: int,
        end: int,
        offset: int = 0,
    ) -> None:
        self.offset = offset
        self.year = year
        self.month = month
        self.day = day
        self.eom = eom
        self.start = start
        self.start_pos = start_pos
        self.end = end


_YMD = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*[日号]|\s*([底末]))?")
_YEAR_END = re.compile(r"(?:(\d{4})\s*)?年\s*[底末]")
_YEAR = re.compile(r"(\d{4})\s*年度?")
_INSIDE = frozenset({"内", "以内", "之内"})


def _cut(text: str) -> str:
    """A note or suffix without its trailing punctuation (``15万元。`` → no note)."""
    return text.rstrip(lx.TRAILING_PUNCT)


def _has_prose_punct(text: str) -> bool:
    return any(ch in lx.PROSE_PUNCT for ch in text)


def _at(tok: Token) -> int:
    """Where a token starts (Lark types the position as optional; the lexer always sets it)."""
    return tok.start_pos  # type: ignore[return-value]


def _to(tok: Token) -> int:
    return tok.end_pos  # type: ignore[return-value]


# ---------------------------------------------------------------------------------- transformer


@v_args(inline=True)
class _Builder(Transformer[Token, Any]):
    """Turns each grammar rule into AST nodes as the parser reduces it. Stateless (one instance
    serves every thread)."""

    # -- whole cells

    def empty(self, tok: Token) -> Empty:
        return Empty(text=str(tok), span=(_at(tok), _to(tok)))

    def prose(self, tok: Token) -> Qualitative:
        text = str(tok)
        return Qualitative(text, lx.scale_of(text), span=(_at(tok), _to(tok)))

    def declared(self, marker: Token, body: Any) -> Any:
        if body is None:
            return Empty(text=str(marker), span=(_at(marker), _to(marker)))
        if isinstance(body, Qualitative) and "性" in str(marker):
            return Qualitative(body.text, body.scale, True, span=body.span)
        return body

    # -- pieces

    def quantity(self, num: Token, mid: Token | None, unit: Token | None) -> _Qty:
        start = _at(num)
        if num.type == "NUMBER":
            # the lexer has checked the digits; only separators and full-width forms remain
            text = str(num) if num.isascii() else to_ascii_digits(num)
            value = Decimal(text.replace(",", "") if "," in text else text)
            chinese = False
        else:
            try:
                value = parse_chinese(num)
            except ValueError:
                raise _CellError(
                    _bi(f"无法识别的中文数字「{num}」", f"not a Chinese numeral: {str(num)!r}"),
                    start,
                    len(num),
                    ("数字",),
                ) from None
            chinese = True
        approx = lx.APPROX_MID[str(mid)] if mid is not None else None
        if unit is None:
            end = _to(mid if mid is not None else num)
            return _Qty(value, None, None, end, approx, start, end, chinese)
        word = "".join(str(unit).split())
        if word[:1] in "(（":
            word = word[1:-1]  # a unit in brackets: ≥45（人）
        elif chinese and word[:1] in "万萬" and _wan_belongs_to_number(str(num)):
            # 一亿二千五百万人: a numeral never ends in 万 for the lexer, so its 万 went to the
            # unit (万人); after 亿 with no 万 of its own it is the number's 万, not a magnitude
            value = parse_chinese(str(num) + "万")
            word = word[1:]
            if not word:
                end = _to(unit)
                return _Qty(value, None, None, end, approx, start, end, chinese)
        return _Qty(
            value,
            lookup_unit(word),
            word,
            _at(unit),
            approx,
            start,
            _to(unit),
            chinese,
        )

    def percent_words(self, tok: Token) -> _Qty:
        body = to_ascii_digits(str(tok)[3:])
        try:
            value = parse_decimal(body) if body[:1].isdigit() else parse_chinese(body)
        except ValueError:
            raise _CellError(
                _bi(f"无法识别的中文数字「{body}」", f"not a Chinese numeral: {body!r}"),
                _at(tok) + 3,
                len(body),
                ("数字",),
            ) from None
        return _Qty(value, lookup_unit("%"), "%", _to(tok), None, _at(tok), _to(tok), True)

    # -- quantities

    def qcell(
        self,
        label: Token | None,
        lead: Token | None,
        minus: Token | None,
        qty: _Qty,
        sep: Token | None,
        high: _Qty | None,
        incl: Token | None,
        trail: Token | None,
        incl_after: Token | None,
        note_tok: Token | None,
    ) -> Any:
        if minus is not None:
            qty = _negative(qty, minus)
        if incl is not None and incl_after is not None:
            raise _CellError(
                _bi("包含说明写了两次", "the inclusivity note is written twice"),
                _at(incl_after),
                len(incl_after),
                ("结束",),
                _bi("只保留一个「（含）」", "keep one of them"),
            )
        incl = incl if incl is not None else incl_after
        last = high if high is not None else qty
        read = _note_and_unit(last, note_tok, trail)
        if isinstance(read, _Prose):
            return PROSE
        note, unit = read
        if unit is not last.unit:
            last = _Qty(
                last.value,
                unit,
                last.unit_text,
                last.unit_start,
                last.approx,
                last.start,
                last.end,
                last.chinese,
            )
        label_text = None
        if label is not None:
            label_text = str(label)
            if label_text.endswith("第") or lx.STOP_AT_END.search(label_text):
                return PROSE  # an ordinal (第3期…) or a dangling comparator word
            if lead is None and len(label_text) == 1 and label_text not in lx.LABEL_WORDS:
                _misread_comparator(label)
            start = _at(label)
        elif lead is not None:
            start = _at(lead)
        else:
            start = qty.start
        end = _end(note_tok, trail, last)
        for tok in (incl_after, incl):
            if tok is not None:
                end = max(end, _to(tok))
        if high is None:
            node = _bound(label_text, lead, last, trail, note, start, end)
            return _included(node, incl) if incl is not None else node
        if incl is not None:
            _check_incl(incl, last)
        return _range(label_text, lead, qty, last, trail, note, start, end)

    # -- deadlines

    def date_words(self, first: Token, sep: Token | None, second: Token | None) -> _Date:
        y, m, d, eom, off = _read_date(first)
        if second is None:
            return _Date(y, m, d, eom, None, _at(first), _to(first), off)
        y2, m2, d2, eom2, off2 = _read_date(second)
        if d is None and eom and m is not None:
            d = calendar.monthrange(y or 2000, m)[1]
        return _Date(
            y2 if y2 is not None else y,
            m2,
            d2,
            eom2,
            (y, m, d),
            _at(first),
            _to(second),
            off2 if y2 is not None or off2 else off,
        )

    def date_dots(self, first: Token, sep: Token | None, second: Token | None) -> _Date:
        y, m, d = _read_dots(first)
        if second is None:
            return _Date(y, m, d, False, None, _at(first), _to(first))
        y2, m2, d2 = _read_dots(second)
        return _Date(
            y2 if y2 is not None else y,
            m2,
            d2,
            False,
            (y, m, d),
            _at(first),
            _to(second),
        )

    def goal(
        self, lead: Token | None, qty: _Qty, trail: Token | None
    ) -> tuple[Token | None, _Qty, Token | None]:
        return (lead, qty, trail)

    def dl_suffix(self, tok: Token) -> tuple[Token | None, Comparison | Amount | None, Token]:
        return (None, None, tok)

    def dl_goal(
        self,
        conn: Token | None,
        goal: tuple[Token | None, _Qty, Token | None],
        tail: Token | None,
    ) -> tuple[Token | None, Comparison | Amount | None, Token | None] | _Prose:
        lead, qty, trail = goal
        if conn is not None and (
            _has_prose_punct(str(conn)) or any(ch in "（(【[〔［" for ch in str(conn))
        ):
            # 于2023年11月完成，比计划提前1个月: a clause after the date, not its goal
            return PROSE
        if conn is None and (lead is None or lead.type == "APPROX_PRE"):
            raise _CellError(
                _bi("日期后的数字缺少说明", "a number after a date needs a word such as 完成"),
                qty.start,
                qty.end - qty.start,
                ("完成", _COMPARATOR_WORDS_EXPECTED, "结束"),
                _bi("如「11月底完成100%」", "e.g. 11月底完成100%"),
            )
        if tail is not None and trail is None:
            _check_near_miss(qty, str(tail), _at(tail))
        if tail is not None:
            word = _cut(str(tail))
            if qty.unit is None and trail is not None:
                return PROSE  # 约9左右多TB: a word after an approximation, not a unit
            if qty.unit is None and _open_unit(word):
                # 11月底完成5羽: the word after a bare number is its unit, as in a quantity cell
                qty = _Qty(
                    qty.value,
                    lookup_unit(word),
                    word,
                    _at(tail),
                    qty.approx,
                    qty.start,
                    _to(tail),
                    qty.chinese,
                )
                tail = None
            elif not _reads_back(qty.unit, word):
                return PROSE
        return (conn, _bound(None, lead, qty, trail, None, qty.start, _end(None, trail, qty)), tail)

    def deadline(
        self,
        label: Token | None,
        rel_pre: Token | None,
        date: _Date,
        rel: Token | None,
        tail: tuple[Token | None, Comparison | Amount | None, Token | None] | _Prose | None,
    ) -> Deadline | _Prose:
        if isinstance(tail, _Prose):
            return PROSE
        if rel_pre is not None:
            relation = lx.REL_PRE[str(rel_pre)]
        elif date.start is not None:
            relation = "by"
        elif rel is not None:
            relation = "by" if (str(rel) in _INSIDE or date.day or date.eom) else "before"
        else:
            relation = "at"
        prefix = str(label) if label is not None else None
        goal = tail[1] if tail is not None else None
        suffix_tok = tail[2] if tail is not None else None
        suffix = _cut(str(suffix_tok)) if suffix_tok is not None else None
        if prefix and (_has_prose_punct(prefix) or lx.STOP_AT_END.search(prefix)):
            return PROSE
        if suffix and (_has_prose_punct(suffix) or lx.SUFFIX_AT_END.search(suffix)):
            return PROSE
        first = label if label is not None else rel_pre
        start = _at(first) if first is not None else date.start_pos
        end = date.end
        for piece in (rel, *(tail or ())):
            if isinstance(piece, Token):
                end = max(end, _to(piece))
            elif piece is not None and piece.span is not None:
                end = max(end, piece.span[1])
        return Deadline(
            year=date.year,
            month=date.month,
            written_day=date.day,
            end_of_month=date.eom,
            relation=relation,  # type: ignore[arg-type]
            year_offset=date.offset,
            start=date.start,
            goal=goal,
            prefix=prefix or None,
            suffix=suffix or None,
            span=(start, end),
        )


def _negative(qty: _Qty, minus: Token) -> _Qty:
    """The quantity after a minus sign (≥-5%): a negative bound, as written."""
    if qty.chinese:
        raise _CellError(
            _bi("负号后应为阿拉伯数字", "a minus sign takes digits"),
            _at(minus),
            qty.end - _at(minus),
            ("数字",),
        )
    return _Qty(
        -qty.value,
        qty.unit,
        qty.unit_text,
        qty.unit_start,
        qty.approx,
        _at(minus),
        qty.end,
        qty.chinese,
    )


_INCL_NUMBER = re.compile(r"-?\s*[0-9０-９]+(?:[.．][0-9０-９]+)?")


def _check_incl(tok: Token, qty: _Qty) -> bool:
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
            raise _CellError(
                _bi(
                    f"括号中的数「{m.group()}{rest}」与指标值不同",
                    "the number in the inclusivity note differs from the bound",
                ),
                _at(tok) + m.start(),
                len(m.group()) + len(rest),
                ("数字",),
                _bi("写成「≥90%（含90%）」或「≥90%（含）」", "write ≥90%（含90%） or ≥90%（含）"),
            )
    return "不" not in text


_CLOSE_OP: dict[str, Op] = {">": ">=", "<": "<="}
_OPEN_OP: dict[str, Op] = {">=": ">", "<=": "<"}


def _included(node: Comparison | Amount, tok: Token) -> Comparison | Amount:
    """Apply an inclusivity note: （含） includes the bound (超过90%（含） is ≥90%), （不含）
    excludes it (90%以上（不含） is >90%). After a bare amount it is kept as the note."""
    qty = node.amount
    inclusive = _check_incl(tok, _Qty(qty.value, qty.unit, None, 0, None, 0, 0, False))
    if isinstance(node, Amount):
        note = str(tok) + (node.note or "")
        return Amount(node.amount, node.approx, node.label, note, span=node.span)
    op = node.op
    if inclusive:
        op = _CLOSE_OP.get(op, op)
    elif op == "=":
        raise _CellError(
            _bi("「=」不能不含本数", "an equality cannot exclude its number"),
            _at(tok),
            len(tok),
            ("结束",),
        )
    else:
        op = _OPEN_OP.get(op, op)
    return Comparison(op, node.amount, node.label, node.note, span=node.span)


def _wan_belongs_to_number(numeral: str) -> bool:
    """Whether a 万 written after *numeral* completes it: the numeral has 亿 and, after its last
    亿, a group below ten thousand (一亿二千五百 + 万 = 1.25亿) with no 万 of its own."""
    _head, sep, tail = numeral.rpartition("亿") if "亿" in numeral else numeral.rpartition("億")
    return bool(sep) and bool(tail) and not any(c in tail for c in "万萬")


def _end(note: Token | None, trail: Token | None, qty: _Qty) -> int:
    for tok in (note, trail):
        if tok is not None:
            return _to(tok)
    return qty.end


def _misread_comparator(label: Token) -> NoReturn:
    ch = str(label)
    raise _CellError(
        _bi(f"数字前的「{ch}」无法识别", f"unexpected {ch!r} before the number"),
        _at(label),
        1,
        (_COMPARATOR_WORDS_EXPECTED, "数字"),
        _bi(
            f"「{ch}」可能是比较符（如 ≥）的识别错误；若是文字说明，请写完整",
            f"{ch!r} may be a misread comparator such as ≥",
        ),
    )


def _note_and_unit(
    qty: _Qty, note_tok: Token | None, trail: Token | None
) -> tuple[str | None, Unit | None] | _Prose:
    """The note after a quantity and the quantity's unit, after the open-unit, near-miss and
    prose rules (see docs/targets.md)."""
    if note_tok is None:
        return None, qty.unit
    raw = str(note_tok)
    if trail is None:
        _check_near_miss(qty, raw, _at(note_tok))
    note = _cut(raw)
    if not note:
        return None, qty.unit
    if qty.chinese:
        return PROSE  # 十分满意, 一次性, 三个代表: words, not quantities
    if qty.unit is None:
        # the first word right after a bare number is its unit (5羽), if it is a short word
        if trail is None and _open_unit(note):
            return None, lookup_unit(note)
        return PROSE
    limit = lx.REMARK_MAX if _is_remark(note) else lx.NOTE_MAX
    if (
        len(note) > limit
        or _has_prose_punct(note)
        or lx.SUFFIX_AT_END.search(note)
        or not _reads_back(qty.unit, note)
    ):
        return PROSE
    return note, qty.unit


def _open_unit(word: str) -> bool:
    """Whether a word right after a bare number can be its (unregistered) unit: 5羽."""
    return len(word) <= lx.OPEN_UNIT_MAX and word.isalpha() and _reads_back(None, word)


def _is_remark(note: str) -> bool:
    """A note in brackets: ≥80%（抽样调查）."""
    return note[:1] in "(（" and note[-1:] in ")）"


def _reads_back(unit: Unit | None, text: str) -> bool:
    """Whether *text*, written right after a number and *unit* (as render() writes them), is
    read back as the same unit followed by *text* (名次: 人 + 次 would come back as 人次)."""
    symbol = unit.symbol if unit is not None else ""
    written = symbol + text
    match = lx.UNIT_RE.match(written)
    if (match.end() if match else 0) != len(symbol):
        return False
    after = lx.AFTER_UNIT_RE if symbol else lx.AFTER_NUMBER_RE
    return after.match(written, len(symbol)) is None


def _check_near_miss(qty: _Qty, note: str, note_start: int) -> None:
    """万圆, 仟元: a magnitude (or nothing) read as the unit, then a look-alike character."""
    written = qty.unit_text or ""
    if written and (qty.unit is None or qty.unit.dimension != "dimensionless"):
        return  # a full unit was read (万元, 人); what follows is a note
    begin = qty.unit_start if written else note_start
    for k in range(min(len(note), 4), 0, -1):
        word = written + note[:k]
        fixed = near_miss_unit(word)
        if fixed is not None:
            raise _CellError(
                _bi(f"单位「{word}」无法识别", f"unknown unit {word!r}"),
                begin,
                len(word),
                ("单位",),
                _bi(f"是否应为「{fixed}」？", f"did you mean {fixed!r}?"),
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
        raise _CellError(
            _bi(f"无法识别的比较符「{text}」", f"unknown comparator {text!r}"),
            _at(tok),
            len(text),
            (_COMPARATOR_WORDS_EXPECTED,),
            _bi(f"是否应为「{guess}」？", f"did you mean {guess!r}?")
            if guess
            else _bi("只能写一个比较符 ≥ ≤ > < =", "write a single comparator"),
        )
    return op, folded in lx.WEAK_COMPARATORS


_DIRECTION = {">=": 1, ">": 1, "<=": -1, "<": -1, "=": 0}


def _bound(
    label: str | None,
    lead: Token | None,
    qty: _Qty,
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
                raise _CellError(
                    _bi(f"比较方向矛盾：「{lead}」与「{word}」", "contradictory comparators"),
                    _at(trail),
                    len(word),
                    ("结束",),
                    _bi(f"去掉「{lead}」或「{word}」之一", "keep one of them"),
                )
        elif approx is None:
            approx = lx.APPROX_POST[str(trail)]
    amount = Quantity(qty.value, qty.unit)
    if op is not None:
        return Comparison(op, amount, label, note, span=(start, end))
    return Amount(amount, approx, label, note, span=(start, end))  # type: ignore[arg-type]


def _range(
    label: str | None,
    lead: Token | None,
    low: _Qty,
    high: _Qty,
    trail: Token | None,
    note: str | None,
    start: int,
    end: int,
) -> Range:
    for tok in (lead, trail):
        if tok is not None and tok.type in ("COMP_SYM", "COMP_WORD", "SUFFIX"):
            raise _CellError(
                _bi(f"范围不能带比较符「{tok}」", "a range takes no comparator"),
                _at(tok),
                len(tok),
                ("数字",) if tok is lead else ("结束",),
                _bi("写成「90%-100%」或「≥90%」", "write 90%-100% or ≥90%"),
            )
    unit = high.unit or low.unit
    if low.unit is not None and high.unit is not None and low.unit != high.unit:
        raise _CellError(
            _bi(
                f"范围两端的单位不同：「{low.unit}」与「{high.unit}」",
                "the ends of a range have different units",
            ),
            high.unit_start,
            len(high.unit_text or "") or 1,
            ("单位",),
            _bi(f"两端都用「{high.unit}」", f"use {high.unit.symbol!r} at both ends"),
        )
    return Range(low.value, high.value, unit, label=label, note=note, span=(start, end))


_CN_DATE_PART = re.compile(r"[一二三四五六七八九十]+(?=\s*(?:月|日|号))")


_NEXT_YEAR = re.compile(r"(?:次|翌|下一?)年度?\s*")


def _read_date(tok: Token) -> tuple[int | None, int | None, int | None, bool, int]:
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
    m = _YMD.fullmatch(text)
    if m is not None:
        year = int(m.group(1)) if m.group(1) else None
        month = int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        _check_day(tok, year, month, day)
        return year, month, day, m.group(4) is not None, offset
    m = _YEAR_END.fullmatch(text)
    if m is not None:
        return (int(m.group(1)) if m.group(1) else None), 12, None, True, offset
    m = _YEAR.fullmatch(text)
    assert m is not None, text
    return int(m.group(1)), None, None, False, offset


def _read_dots(tok: Token) -> tuple[int | None, int, int]:
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
        raise _CellError(
            _bi(f"日期不存在：{month}月{day}日", "no such date"),
            _at(tok),
            len(tok),
            ("日期",),
        )


# ------------------------------------------------------------------------------ the parser


_LOCK = threading.Lock()
_PARSER: Lark | None = None


def _parser() -> Lark:
    global _PARSER
    parser = _PARSER
    if parser is None:
        with _LOCK:
            parser = _PARSER
            if parser is None:
                template = grammar_path("target.lark").read_text(encoding="utf-8")
                parser = Lark(
                    lx.grammar_text(template),
                    parser="lalr",
                    lexer="contextual",
                    transformer=_Builder(),
                    maybe_placeholders=True,
                )
                _PARSER = parser
    return parser


# ------------------------------------------------------------------------------ errors from Lark

_EXPECTED_WORDS: dict[str, str] = {
    "COMP_SYM": _COMPARATOR_WORDS_EXPECTED,
    "COMP_WORD": _COMPARATOR_WORDS_EXPECTED,
    "NUMBER": "数字",
    "CN_NUMBER": "数字",
    "PERCENT_CN": "数字",
    "UNIT": "单位",
    "SUFFIX": "以上/以下/以内",
    "RANGE_SEP": "范围符 -",
    "DATE": "日期",
    "DATE_DOT": "日期",
    "MD_DOT": "日期",
    "REL": "前/之前/内",
    "REL_PRE": "不晚于/早于",
    "APPROX_PRE": "约数（约/余/左右）",
    "APPROX_MID": "约数（约/余/左右）",
    "APPROX_POST": "约数（约/余/左右）",
    "TEXT": "文字",
    "$END": "结束",
}
_WORD_ORDER = {word: i for i, word in enumerate(dict.fromkeys(_EXPECTED_WORDS.values()))}


def _expected_words(names: set[str]) -> tuple[str, ...]:
    words = {_EXPECTED_WORDS[n] for n in names if n in _EXPECTED_WORDS}
    return tuple(sorted(words, key=_WORD_ORDER.__getitem__))


_HAS_DIGIT_OR_COMPARATOR = re.compile(f"[0-9０-９{re.escape(lx.COMPARATOR_CHARS)}]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NUMERIC_TOKENS = frozenset({"NUMBER", "CN_NUMBER", "PERCENT_CN", "UNIT", "COMP_SYM", "COMP_WORD"})


def _recover(text: str, exc: UnexpectedInput) -> _Prose:
    """A cell the grammar does not accept: prose, or an error. See docs/targets.md (损坏的单元格)."""
    last: Any = None
    pos = len(text.rstrip())
    state: Any = getattr(exc, "state", None)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        if exc.token_history:
            last = exc.token_history[-1]
    elif isinstance(exc, UnexpectedToken):
        if exc.token.type != "$END":
            pos = _at(exc.token)
        if exc.token_history:
            last = exc.token_history[-1]
        elif state is not None and state.value_stack:
            last = state.value_stack[-1]
    names: set[str]
    try:
        # every terminal the parser would take here ($END included), not only the lexer's
        names = set(state.parse_conf.parse_table.states[state.position])
    except AttributeError:
        names = set(getattr(exc, "allowed", None) or getattr(exc, "expected", None) or ())
    numeric_last = isinstance(last, Token) and last.type in _NUMERIC_TOKENS
    if not numeric_last and not _HAS_DIGIT_OR_COMPARATOR.search(text):
        return PROSE  # words only: 不低于去年水平, 效果明显/良好
    ch = text[pos] if pos < len(text) else ""
    if ch and lx.is_junk(ch):
        hint = lx.JUNK_HINTS.get(ch)
        raise TargetSyntaxError(
            _bi(f"无法识别的字符「{ch}」", f"unexpected character {ch!r}"),
            text,
            pos,
            expected=_expected_words(names),
            expected_en=expected_en(_expected_words(names)),
            hint=_bi(f"「{ch}」可能是「{hint}」的识别错误", f"did you mean {hint!r}?")
            if hint
            else None,
        )
    if isinstance(last, Token) and last.type == "TEXT" and _WORD.search(text, 0, pos):
        return PROSE  # a sentence that goes on after a number: 存在18岁以下、54周岁以上
    _check_garbled_number(text, pos)
    _syntax_error(text, pos, names, last)


_DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９.．,，]*[0-9０-９]|[0-9０-９]")
_VALID_NUMBER = re.compile(
    r"[0-9０-９]{1,3}(?:,[0-9０-９]{3})+(?:[.．][0-9０-９]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?"
)


def _check_garbled_number(text: str, pos: int) -> None:
    """A run of digits with separators where reading stopped that is no number (``7,00``,
    ``1,2,3``, ``7,00.0,77``): an error at the whole run. A thousands separator stands only
    between groups of three digits, so no reading of such a run is safe to guess."""
    for m in _DIGIT_RUN.finditer(text):
        if m.start() > pos:
            break
        if m.end() < pos or ("," not in m.group() and "，" not in m.group()):
            continue
        if _VALID_NUMBER.fullmatch(m.group()):
            continue
        raise TargetSyntaxError(
            _bi(f"数字「{m.group()}」无法识别", f"garbled number {m.group()!r}"),
            text,
            m.start(),
            expected=("数字",),
            expected_en=expected_en(("数字",)),
            hint=_bi(
                "千位分隔符「,」只能隔开三位一组的数字（如 7,000 或 1,234.5）",
                "a thousands separator stands only between groups of three digits",
            ),
            length=len(m.group()),
        )


_RUNS = (
    re.compile(r"[0-9０-９][0-9０-９.．,]*"),
    re.compile(f"[{re.escape(lx.COMPARATOR_CHARS)}]+"),
    re.compile(r"[^\W\d_]{1,4}"),
)


def _bad_run(text: str, pos: int) -> str:
    """The piece of text an error points at: a number, a comparator run, a word, or a char."""
    for run in _RUNS:
        m = run.match(text, pos)
        if m is not None:
            return m.group(0)
    return text[pos]


def _syntax_error(text: str, pos: int, names: set[str], last: Any) -> NoReturn:
    expected = _expected_words(names)
    hint = None
    if pos >= len(text.rstrip()):
        message = _bi("单元格不完整", "the cell ends too early")
        length = 1
    else:
        bad = _bad_run(text, pos)
        if bad[0] in lx.COMPARATOR_CHARS and isinstance(last, Token) and last.type == "NUMBER":
            rest = text[pos + len(bad) :].strip()
            guess = lx.comparator_hint(bad) or "≥"
            hint = _bi(
                f"比较符应写在数字之前（如「{guess}{rest}」）；「{last}{bad}」可能是比较符的识别错误",
                f"a comparator goes before its number; {str(last) + bad!r} may be a misread comparator",
            )
        message = _bi(f"此处不能是「{bad}」", f"unexpected {bad!r}")
        length = len(bad)
    raise TargetSyntaxError(
        message,
        text,
        pos,
        expected=expected,
        expected_en=expected_en(expected),
        hint=hint,
        length=length,
    )


# ------------------------------------------------------------------------------ entry points

_NODE_TYPES = (Comparison, Amount, Range, Deadline, Qualitative, Empty)
_DECLARED = re.compile(r"\s*((?:定[性量]\s*)+)")


def _prose(text: str) -> Qualitative | Empty:
    body = text.strip()
    declared = False
    m = _DECLARED.match(body)
    if m is not None:
        declared = "性" in m.group(1)
        body = body[m.end() :]
        if not body:
            return Empty(text=text)
    start = text.find(body[:1]) if body else 0
    return Qualitative(body, lx.scale_of(body), declared, span=(start, start + len(body)))


def _parse(cell: str) -> Target:
    if not isinstance(cell, str):
        raise ArgumentTypeError(f"a cell is text, not {type(cell).__name__}")
    node = fast_parse(cell)  # the simple shapes, read exactly as the grammar reads them
    if node is not None:
        return node
    return _parse_lark(cell)


def _parse_lark(cell: str) -> Target:
    """A cell read by the grammar (every shape; the reference the fast path must equal)."""
    if not cell or cell.isspace():
        return Empty(text=cell)
    # one character for one: positions in the normalised text are positions in the cell
    text = normalize(cell)
    try:
        return _parse_normal(text)
    except TargetSyntaxError as err:
        if text is cell:
            raise
        raise TargetSyntaxError(
            err.message,
            cell,
            err.offset,
            expected=err.expected,
            expected_en=err.expected_en,
            hint=err.hint,
            length=err.length,
            en=err.message_en,
            hint_en=err.hint_en,
        ) from None


def _parse_normal(text: str) -> Target:
    node: Any
    try:
        node = _parser().parse(text)
    except _CellError as exc:
        raise exc.error(text) from None
    except UnexpectedInput as exc:
        node = _recover(text, exc)
    except LarkError as exc:  # pragma: no cover - a grammar bug, not bad input
        raise TargetSyntaxError(
            f"无法解析 (cannot parse): {exc.__class__.__name__}", text, 0
        ) from None
    if node is PROSE:
        return _prose(text)
    assert isinstance(node, _NODE_TYPES), node
    return node


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
_MARK_ACTUAL = re.compile(r"实际")
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


def _main_text(text: str) -> str:
    """*text* with bracketed remarks and part clauses (其中…) blanked out, same length."""
    out = _BRACKETED.sub(lambda m: " " * len(m.group()), text)
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
        core = _parse_normal(body[start:end].strip())
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
                read = _parse_normal(clause.strip())
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


_PERCENT = lookup_unit("%")
#: Under a percent target with a bound at or below this, a bare number in [0, 1] may as well
#: be a percent as a fraction (``1`` under ``≥1%``).
FRACTION_AMBIGUOUS_BELOW = Decimal(10)


def _as_fraction(node: Amount | Comparison, mode: str) -> Amount | Comparison:
    """A bare number in (0, 1] under a percent target: the fraction it most likely is."""
    value = node.amount.value
    if not (0 < value <= 1):
        return node
    percent = Quantity(value, _PERCENT)
    fraction = Quantity(value.scaleb(2), _PERCENT)
    if mode == "fraction":
        return attrs.evolve(node, amount=fraction, reading="fraction")
    return attrs.evolve(
        node, amount=percent, reading="fraction_or_percent", candidates=(percent, fraction)
    )


def _mode_of(target: Target | None) -> str | None:
    """How an actual is read against *target*: None (no target, or one with no number),
    ``numeric``, or for a percent target ``fraction`` / ``either`` (a bound ≤ 10%)."""
    return _reading_of(target)[1]


def _reading_of(target: Target | None) -> tuple[Unit | None, str | None]:
    """The unit *target* lends to a bare number, and the reading mode (:func:`_mode_of`)."""
    if target is None:
        return None, None
    quantity = target.quantity
    if quantity is None:
        return None, ("date" if isinstance(target, Deadline) else None)
    unit = quantity.unit
    if unit is not _PERCENT:
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


def _as_actual(node: Target, unit: Unit | None, mode: str | None = None) -> Actual:
    """What an actual cell adds: outcome words, the quantity in a sentence when the target is a
    number, a bare fraction under a percent target, and the target's unit for a bare number."""
    if mode == "date":
        # under a date target, a bare number in the range of dates is the serial number Excel
        # stores a date as (a date cell saved without its format, or typed so): the date shown
        day = _excel_serial(node)
        if day is not None:
            return Deadline(day.year, day.month, day.day, relation="at", span=node.span)
    if isinstance(node, Qualitative):
        word = _cut(node.text)
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


def implied_unit(target: Target | None) -> Unit | None:
    """The unit a target lends to a bare number in its actual (``≥50个`` → 个)."""
    if target is None:
        return None
    quantity = target.quantity
    return quantity.unit if quantity is not None else None


@in_context
def parse_target_uncached(text: str) -> Target:
    """:func:`parse_target` without the cache (for benchmarks and one-off cells)."""
    return _parse(text)


@in_context
def parse_actual_uncached(text: str, target: Target | None = None) -> Actual:
    """:func:`parse_actual` without the cache."""
    mode = _mode_of(target)
    try:
        node = _parse(text)
    except TargetSyntaxError:
        sentence = _sentence(text, mode)
        if sentence is None:
            raise
        return _as_actual(sentence, implied_unit(target), mode)
    return _as_actual(node, implied_unit(target), mode)


#: What the parse caches may hold, in bytes (as :mod:`jixiao.cache` charges them): targets, and
#: actuals given their target (its unit and reading mode). Change with :func:`cache_resize`.
TARGET_CACHE_BYTES = 16 * 2**20
ACTUAL_CACHE_BYTES = 32 * 2**20
# the node, its quantity, number and span, and the cache's own entry, around the cell's text
_ENTRY_BYTES = 600

_targets: ByteLRU[str, Target] = ByteLRU(TARGET_CACHE_BYTES)
_actuals: ByteLRU[tuple[Unit | None, str | None, str], Actual] = ByteLRU(ACTUAL_CACHE_BYTES)


def _target_cached(text: str) -> Target:
    node = _targets.get(text)
    if node is MISSING:
        node = _parse(text)
        # the text is kept twice: as the key and (for prose) inside the node
        _targets.put(text, node, 2 * text_bytes(text) + _ENTRY_BYTES)
    return node


def _actual_cached(text: str, unit: Unit | None, mode: str | None) -> Actual:
    key = (unit, mode, text)
    node = _actuals.get(key)
    if node is MISSING:
        node = _actual_read(text, unit, mode)
        _actuals.put(key, node, 2 * text_bytes(text) + _ENTRY_BYTES)
    return node


def _actual_read(text: str, unit: Unit | None, mode: str | None) -> Actual:
    try:
        node = _target_cached(text)
    except TargetSyntaxError:
        sentence = _sentence(text, mode)
        if sentence is None:
            raise
        return _as_actual(sentence, unit, mode)
    return _as_actual(node, unit, mode)


_CLAUSE_PUNCT = re.compile(r"[，,；;。]")


def _sentence(text: str, mode: str | None) -> Qualitative | None:
    """An actual the grammar cannot read, under a numeric target, that is a sentence of
    clauses (2022年40人，2023年45人): prose, so that its quantities are looked for. A cell with
    a junk character or a garbled number, or without clause punctuation, stays an error."""
    norm = normalize(text)
    if (
        mode is None
        or not _CLAUSE_PUNCT.search(norm)
        or any(lx.is_junk(ch) for ch in norm)
        or any(
            "," in m.group() and not _VALID_NUMBER.fullmatch(m.group())
            for m in _DIGIT_RUN.finditer(norm)
        )
    ):
        return None
    node = _prose(norm)
    return node if isinstance(node, Qualitative) else None


@in_context
def parse_target(text: str) -> Target:
    """Parse a 年度指标值 (target) cell.

    Raises :class:`~jixiao.errors.TargetSyntaxError` (a ``ValueError``) for a damaged cell.
    Results are cached by text.

    >>> parse_target("不低于90%") == parse_target("≥ 90 ％")
    True
    >>> parse_target("2023年12月底前").to_dict()["day"]
    31
    """
    return _target_cached(text)


@in_context
def parse_actual(text: str, target: Target | None = None) -> Actual:
    """Parse a 实际完成值 (actual) cell; *target* lends its unit to a bare number.

    Outcome words (``达成预期指标``, ``基本完成``, ``未开展``) become :class:`Outcome`; a date
    becomes a :class:`Deadline`. Under a numeric target, a sentence is searched for the quantity
    it states (``40人（含补训3人）`` → 40人, the rest kept as the note) and a bare fraction under a
    percent target is read as one (``0.95`` → 95%): see ``reading`` on the node and
    docs/targets.md. Results are cached by text, the target's unit and the reading mode.

    >>> parse_actual("200余人").to_dict()
    {'kind': 'quantity', 'value': '200', 'unit': '人', 'approx': 'over'}
    >>> parse_actual("基本完成").status
    'partial'
    """
    if target is None:
        return _actual_cached(text, None, None)
    quantity = target.quantity
    if quantity is not None and quantity.unit is not _PERCENT:
        return _actual_cached(text, quantity.unit, "numeric")  # the common case, inlined
    unit, mode = _reading_of(target)
    return _actual_cached(text, unit, mode)


def cache_clear() -> None:
    """Empty the parse caches."""
    _targets.clear()
    _actuals.clear()


def cache_info() -> dict[str, CacheInfo]:
    """Hits, misses, entries and bytes of the two parse caches (``target`` and ``actual``)."""
    return {"target": _targets.info(), "actual": _actuals.info()}


def cache_resize(target_bytes: int, actual_bytes: int) -> None:
    """Set the byte budgets of the target and the actual cache (0 turns a cache off)."""
    _targets.resize(target_bytes)
    _actuals.resize(actual_bytes)
