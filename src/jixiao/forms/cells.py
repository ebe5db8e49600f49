"""A cell's value as a form reader takes it: a claimed number as a Decimal (placeholders, full-width
digits, thousands separators, percent and 万元 written in), a float from a spreadsheet as the number a
person typed, a text checked (no lone surrogates, within the ``cell_chars`` limit).

Every reader and :mod:`jixiao.forms.model` read cells through these, so the JSON Schema
(``$defs.number`` in form.schema.json) and every format agree on what a number is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from jixiao.errors import FormError
from jixiao.i18n import Msg
from jixiao.limits import LimitError, check_cell_text, check_digits

__all__ = [
    "cached_number",
    "cell_text",
    "decimal_from_float",
    "header_unit",
    "money_unit",
    "odd_units",
    "text_field",
    "to_decimal",
    "value_kind",
    "value_kind_en",
]

_PLACEHOLDERS = {"", "-", "—", "－", "/", "／", "无", "一", "--", "——"}


def to_decimal(
    value: Any, *, where: str, source: str | None = None, percent: bool = False
) -> Decimal | None:
    """A claimed number from JSON/CSV/Excel as a Decimal; None for a blank or placeholder.

    Accepts ints, decimal strings, ``"1,234.5"``, full-width digits, a trailing ``万元``/``元``/``万``
    /``分`` or ``%`` (kept on the percent scale) and floats (see :func:`decimal_from_float`: the
    shortest repr, with binary noise such as ``0.0900000762939453`` rounded away).

    >>> to_decimal("215,457.6", where="budget.executed")
    Decimal('215457.6')
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise FormError(
                Msg(f"应为数字，实际为布尔值 {value!r}", f"expected a number, got {value!r}"),
                source=source,
                where=where,
            )
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FormError(
                Msg(f"应为有限数字，实际为 {value}", f"expected a finite number, got {value}"),
                source=source,
                where=where,
            )
        check_digits(value, source=source, where=where)
        return value
    if isinstance(value, int):
        number = Decimal(value)
        check_digits(number, source=source, where=where)
        return number
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FormError(
                Msg(f"应为数字，实际为 {value!r}", f"expected a finite number, got {value!r}"),
                source=source,
                where=where,
            )
        number = decimal_from_float(value)
        check_digits(number, source=source, where=where)
        return number
    if isinstance(value, str):
        check_cell_text(value, source=source, where=where)
        text = value.strip().translate(_FULLWIDTH)
        if text in _PLACEHOLDERS:
            return None
        if _NUMBER_TEXT.match(value) is None:
            _check_surrogates(value, where=where, source=source)
            if "," in text or "，" in text:
                raise FormError(
                    Msg(
                        f"千分位逗号位置不对，无法确定数值：「{value}」；应写作 1,234.5 或 1234.5",
                        f"garbled thousands separators: {value!r}; write 1,234.5 or 1234.5",
                    ),
                    source=source,
                    where=where,
                )
            raise FormError(
                Msg(
                    f"应为数字，实际为「{value}」",
                    f"expected a number such as 9.71, got {value!r}",
                ),
                source=source,
                where=where,
            )
        text = text.replace(" ", "").replace("\u3000", "").replace("，", "").replace(",", "")
        for suffix in ("万元", "元", "万", "分"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        if text.endswith("%"):
            text = text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            if _NUMBER_TEXT.match(value) is not None:  # well formed: an exponent out of reach
                m = re.search(r"[eE]([+\-]?)0*([0-9]+)", text)
                shown = f"E{m.group(1)}{m.group(2)}" if m else text[:40]
                raise LimitError("digits", shown, source=source, where=where) from None
            raise FormError(
                Msg(
                    f"应为数字，实际为「{value}」",
                    f"expected a number such as 9.71, got {value!r}",
                ),
                source=source,
                where=where,
            ) from None
        if not number.is_finite():
            raise FormError(
                Msg(f"应为有限数字，实际为「{value}」", f"expected a finite number, got {value!r}"),
                source=source,
                where=where,
            )
        check_digits(number, source=source, where=where)
        return number
    raise FormError(
        Msg(
            f"应为数字，实际为{value_kind(value)}", f"expected a number, got {value_kind_en(value)}"
        ),
        source=source,
        where=where,
    )


# The numbers the JSON Schema accepts ($defs.number in form.schema.json): one pattern, so the
# reader and the schema agree on every string.
_NUMBER_TEXT = re.compile(
    r"^\s*[+\-－]?([0-9０-９]{1,3}([,，][0-9０-９]{3})+([.．][0-9０-９]*)?|[0-9０-９][0-9０-９ 　]*"
    r"([.．][0-9０-９]*)?|[.．][0-9０-９]+)([eE][+\-]?[0-9]+)?\s*(万元|元|万|分|%|％)?\s*$"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {value!r}"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return f" {type(value).__name__}"


def value_kind_en(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {value!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _check_surrogates(text: str, *, where: str, source: str | None) -> None:
    m = _SURROGATE.search(text)
    if m is not None:
        raise FormError(
            Msg(
                f"文本中有无效的 Unicode 字符（孤立代理 \\u{ord(m.group(0)):04x}，"
                f"第 {m.start() + 1} 个字符），无法读取",
                f"the text holds a lone surrogate \\u{ord(m.group(0)):04x} at character "
                f"{m.start() + 1}: not valid Unicode",
            ),
            source=source,
            where=where,
        )


def text_field(value: Any, *, where: str, source: str | None = None) -> str:
    """A cell's text from JSON or a dict: a string (or a number, written as text); None is "".

    A list, an object or a boolean where text belongs is a FormError naming the field, as is a
    lone surrogate or a text over the ``cell_chars`` limit."""
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise FormError(
                Msg(
                    f"应为文本或有限数字，实际为 {value!r}",
                    f"expected text or a finite number, got {value!r}",
                ),
                source=source,
                where=where,
            )
        return cell_text(value)
    elif isinstance(value, str):
        text = str(value)
    else:
        raise FormError(
            Msg(
                f"应为文本，实际为{value_kind(value)}", f"expected text, got {value_kind_en(value)}"
            ),
            source=source,
            where=where,
        )
    check_cell_text(text, source=source, where=where)
    if not text.isprintable():
        _check_surrogates(text, where=where, source=source)
    return text.strip()


# A float whose shortest repr is this long was not typed by a person: it is binary noise from a
# computation or a float32 round trip (0.0900000762939453, 64.25299999999999).
_TYPED_DIGITS = 12
_NOISE = Decimal("0.000001")
_MAX_PLACES = 6


def decimal_from_float(value: float) -> Decimal:
    """The number a person most plausibly typed, for a float read from a spreadsheet.

    A float whose shortest repr has at most 12 significant digits is taken exactly as that repr
    (``64.253``, ``0.9706``). A longer one is binary noise: it is rounded to the fewest decimal
    places (0 to 6) that move it by at most 0.000001; if none does, the shortest repr is kept.

    >>> decimal_from_float(0.0900000762939453), decimal_from_float(0.1 + 0.2)
    (Decimal('0.09'), Decimal('0.3'))
    >>> decimal_from_float(64.253), decimal_from_float(5.0)
    (Decimal('64.253'), Decimal('5.0'))
    """
    exact = Decimal(repr(value))
    if len(exact.as_tuple().digits) <= _TYPED_DIGITS:
        return exact
    if abs(exact) >= 10**15:  # no room for decimal noise at this size
        return exact
    for places in range(_MAX_PLACES + 1):
        rounded = exact.quantize(Decimal(1).scaleb(-places))
        if abs(rounded - exact) <= _NOISE:
            return rounded
    return exact


_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．％－，"}


# A number with thousands separators: one to three digits, then groups of exactly three.
# ``7,00.0,77``, ``1,2,3`` and ``7,00`` are garbled, not numbers (never guessed at).
def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Weight and score cells repeat a few hundred spellings ("5", "10", "2.5", 8): their Decimals are
# kept (Decimals are immutable). Only exact str and int cells, so 5, 5.0 and True stay apart.
_NUMBERS: dict[str | int, Decimal | None] = {}
_NUMBERS_MAX = 4096


def cached_number(value: Any, where: str, source: str | None) -> Decimal | None:
    t = type(value)
    if t is str or t is int:
        try:
            return _NUMBERS[value]
        except KeyError:
            number = to_decimal(value, where=where, source=source)
            if len(_NUMBERS) >= _NUMBERS_MAX:
                _NUMBERS.clear()
            _NUMBERS[value] = number
            return number
    return to_decimal(value, where=where, source=source)


def money_unit(value: Any) -> str | None:
    """The unit written after an amount: ``元``, or ``万元`` (``万元``, ``万``); None when it names
    none (a bare number, a number from a spreadsheet).

    >>> money_unit("642530元"), money_unit("64.253万元"), money_unit("150万"), money_unit("66.2")
    ('元', '万元', '万元', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip().translate(_FULLWIDTH)
    if text.endswith(("万元", "万")):
        return "万元"
    if text.endswith("元"):
        return "元"
    return None


_UNIT_IN_HEADER = re.compile(r"[（(]\s*(万元|元)\s*[）)]|单位\s*[:：]\s*(万元|元)")


def header_unit(header: str) -> str | None:
    """The unit a column header names (``全年预算数（万元）``, ``单位：元``), or None.

    >>> header_unit("全年预算数（万元）"), header_unit("执行数(元)"), header_unit("全年执行数")
    ('万元', '元', None)
    """
    m = _UNIT_IN_HEADER.search(header)
    return None if m is None else m.group(1) or m.group(2)


K = TypeVar("K", bound=Hashable)


def odd_units(amounts: Iterable[tuple[K, Any]], bare: str | None = None) -> list[K]:
    """The keys of the amounts of one table written in a unit the table's other amounts are not
    in: ``642530元`` among bare numbers, which a table's header nearly always gives in 万元
    (*bare*: the unit its header names, else 万元 is taken). Stripped of its unit, such a cell
    reads 10,000 times too large or small. Blank cells do not count.

    >>> odd_units([("annual", "66.2"), ("executed", "642530元")])
    ['executed']
    >>> odd_units([("annual", "66.2"), ("executed", "64.253万元")]), odd_units([("a", "662000"), ("b", "642530元")], "元")
    ([], [])
    >>> odd_units([("a", "662000元"), ("b", "64.253万元")]), odd_units([("a", 66.2), ("b", None)])
    (['a', 'b'], [])
    """
    units: dict[K, str | None] = {}
    for key, value in amounts:
        if value is None or (isinstance(value, str) and value.strip() in _PLACEHOLDERS):
            continue
        units[key] = money_unit(value)
    written = {u for u in units.values() if u is not None}
    if not written:
        return []
    if any(u is None for u in units.values()):
        usual = bare or "万元"
        return [k for k, u in units.items() if u is not None and u != usual]
    if len(written) > 1:  # every amount says its unit, and they differ: which is meant is unclear
        return [k for k, u in units.items() if u is not None]
    return []
