"""What the target parser's pieces pass between them: a number with its unit as written
(:class:`Qty`), a date (:class:`Date`), an error raised where the cell text is not known
(:class:`CellError`), the sentinel for a cell that is really a sentence (:data:`PROSE`), and the
token helpers they share."""

from __future__ import annotations

import re
from decimal import Decimal

from lark import Token

from jixiao.errors import TargetSyntaxError
from jixiao.i18n import Msg
from jixiao.targets import lexicon as lx
from jixiao.units import Unit

__all__ = [
    "COMPARATOR_WORDS_EXPECTED",
    "EXPECTED_EN",
    "INSIDE_WORDS",
    "PROSE",
    "YEAR_END_RE",
    "YEAR_RE",
    "YMD_RE",
    "CellError",
    "Date",
    "Prose",
    "Qty",
    "bi_msg",
    "cut_punct",
    "expected_en",
    "has_prose_punct",
    "tok_end",
    "tok_start",
]


# ------------------------------------------------------------------------------ internal signals


def bi_msg(zh: str, en: str) -> Msg:
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


class CellError(Exception):
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


class Prose:
    """Returned by the transformer when a cell that parsed is really a sentence that mentions a
    number (``1-6期培训结束后及时考核``); the caller keeps the whole cell as qualitative text."""

    __slots__ = ()


PROSE = Prose()

COMPARATOR_WORDS_EXPECTED = "比较符 ≥ ≤ > < ="


class Qty:
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


class Date:
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


YMD_RE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*[日号]|\s*([底末]))?")
YEAR_END_RE = re.compile(r"(?:(\d{4})\s*)?年\s*[底末]")
YEAR_RE = re.compile(r"(\d{4})\s*年度?")
INSIDE_WORDS = frozenset({"内", "以内", "之内"})


def cut_punct(text: str) -> str:
    """A note or suffix without its trailing punctuation (``15万元。`` → no note)."""
    return text.rstrip(lx.TRAILING_PUNCT)


def has_prose_punct(text: str) -> bool:
    return any(ch in lx.PROSE_PUNCT for ch in text)


def tok_start(tok: Token) -> int:
    """Where a token starts (Lark types the position as optional; the lexer always sets it)."""
    return tok.start_pos  # type: ignore[return-value]


def tok_end(tok: Token) -> int:
    return tok.end_pos  # type: ignore[return-value]
