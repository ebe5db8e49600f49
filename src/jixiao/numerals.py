"""Numbers as they are written in Chinese forms: ASCII and full-width digits, thousands
separators, Chinese numerals (``四``, ``两``, ``十二``, ``三万五千``, ``二〇二三``, ``百分之九十``).

Everything returns :class:`~decimal.Decimal`; nothing goes through ``float``.

>>> parse_decimal("２１５,４５７.６")
Decimal('215457.6')
>>> parse_chinese("三万五千"), parse_chinese("十二"), parse_chinese("二〇二三")
(Decimal('35000'), Decimal('12'), Decimal('2023'))
>>> to_chinese(120)
'一百二十'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from jixiao.errors import NumeralError

__all__ = [
    "CHINESE_DIGITS",
    "CHINESE_NUMERAL_CHARS",
    "FULLWIDTH_DIGITS",
    "is_chinese_numeral",
    "parse_chinese",
    "parse_decimal",
    "parse_number",
    "to_ascii_digits",
    "to_chinese",
]

#: Full-width digits and decimal point → ASCII (a one-to-one character map, so offsets survive).
FULLWIDTH_DIGITS: dict[int, int] = {0xFF10 + i: 0x30 + i for i in range(10)}
FULLWIDTH_DIGITS[ord("．")] = ord(".")
FULLWIDTH_DIGITS[ord("，")] = ord(",")

#: Chinese digit characters (everyday and financial forms) and their values.
CHINESE_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_POINT = "点點"

#: Every character that may appear in a Chinese numeral.
CHINESE_NUMERAL_CHARS: frozenset[str] = frozenset(
    "".join(CHINESE_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + _POINT
)


def to_ascii_digits(text: str) -> str:
    """Full-width digits, point and comma replaced by ASCII ones (same length).

    >>> to_ascii_digits("１２．５")
    '12.5'
    """
    return text.translate(FULLWIDTH_DIGITS)


def parse_decimal(text: str) -> Decimal:
    """A written Arabic number, exactly: full-width digits and ``,`` thousands separators allowed.

    Raises :class:`ValueError` for anything else.

    >>> parse_decimal("64.253"), parse_decimal("1,000")
    (Decimal('64.253'), Decimal('1000'))
    """
    plain = to_ascii_digits(text).replace(",", "").strip()
    if not plain or not all(ch.isascii() and (ch.isdigit() or ch == ".") for ch in plain):
        raise NumeralError(f"不是数字：{text!r} (not a number)")
    try:
        return Decimal(plain)
    except InvalidOperation as exc:  # e.g. "1.2.3"
        raise NumeralError(f"不是数字：{text!r} (not a number)") from exc


def is_chinese_numeral(text: str) -> bool:
    """True when *text* is made only of Chinese numeral characters (and is not empty)."""
    return bool(text) and all(ch in CHINESE_NUMERAL_CHARS for ch in text)


def _integer(text: str) -> int:
    if not text:
        raise NumeralError("empty numeral")
    if not any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in text):
        # Digit by digit: 二〇二三 → 2023, 五 → 5.
        value = 0
        for ch in text:
            if ch not in CHINESE_DIGITS:
                raise NumeralError(f"不是中文数字：{text!r} (not a Chinese numeral)")
            value = value * 10 + CHINESE_DIGITS[ch]
        return value
    total = 0  # everything already closed by 亿
    section = 0  # the part below the current 亿, closed by 万
    group = 0  # the part below the current 万 (十百千 groups)
    digit: int | None = None
    last_small = 10**9
    for ch in text:
        if ch in CHINESE_DIGITS:
            if digit is not None and digit != 0 and CHINESE_DIGITS[ch] != 0:
                raise NumeralError(f"不是中文数字：{text!r} (two digits in a row)")
            digit = CHINESE_DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small:
                raise NumeralError(f"不是中文数字：{text!r} (units out of order)")
            last_small = unit
            # 十二 = 12: a leading 十 stands for 一十.
            group += (digit if digit else (1 if digit is None else 0)) * unit
            digit = None
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            group += digit or 0
            digit = None
            last_small = 10**9
            if unit == 10**8:
                total = (total + section + group) * unit
                section = 0
            else:
                section = (section + group) * unit
            group = 0
        else:
            raise NumeralError(f"不是中文数字：{text!r} (not a Chinese numeral)")
    group += digit or 0
    return total + section + group


def parse_chinese(text: str) -> Decimal:
    """The value of a Chinese numeral: ``两`` → 2, ``一百二十`` → 120, ``三点五`` → 3.5.

    Raises :class:`ValueError` when *text* is not a well-formed numeral.

    >>> parse_chinese("三万五千"), parse_chinese("零"), parse_chinese("三点五")
    (Decimal('35000'), Decimal('0'), Decimal('3.5'))
    """
    text = text.strip()
    for point in _POINT:
        if point in text:
            whole, _, frac = text.partition(point)
            if not frac or any(ch not in CHINESE_DIGITS for ch in frac):
                raise NumeralError(f"不是中文数字：{text!r} (bad decimals)")
            digits = "".join(str(CHINESE_DIGITS[ch]) for ch in frac)
            return Decimal(f"{_integer(whole) if whole else 0}.{digits}")
    return Decimal(_integer(text))


def parse_number(text: str) -> Decimal:
    """An Arabic or a Chinese numeral, whichever *text* is.

    >>> parse_number("１５０"), parse_number("一百五十")
    (Decimal('150'), Decimal('150'))
    """
    stripped = text.strip()
    if is_chinese_numeral(stripped):
        return parse_chinese(stripped)
    return parse_decimal(stripped)


_CN_DIGIT_CHARS = "零一二三四五六七八九"


def _four(n: int, *, leading: bool) -> str:
    """A 0..9999 group in Chinese; *leading* drops the 一 of 一十 at the very start."""
    out: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d == 0:
            if out:
                zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        if not (leading and not out and unit == 10 and d == 1):
            out.append(_CN_DIGIT_CHARS[d])
        out.append(name)
    return "".join(out)


def _below_yi(n: int, *, leading: bool) -> str:
    """0 < n < 10**8 in Chinese; a 零 marks every skipped place between non-zero groups."""
    high, low = divmod(n, 10000)
    if not high:
        return _four(low, leading=leading)
    out = _four(high, leading=leading) + "万"
    if low:
        out += ("零" if low < 1000 else "") + _four(low, leading=False)
    return out


def to_chinese(n: int) -> str:
    """A non-negative integer as an everyday Chinese numeral: 120 → ``一百二十``, 10 → ``十``.

    >>> to_chinese(0), to_chinese(10), to_chinese(35000), to_chinese(100000001)
    ('零', '十', '三万五千', '一亿零一')
    """
    if n < 0:
        raise NumeralError("negative numbers have no Chinese numeral here")
    if n == 0:
        return "零"
    return _to_chinese(n, leading=True)


def _to_chinese(n: int, *, leading: bool) -> str:
    if n < 10**8:
        return _below_yi(n, leading=leading)
    high, low = divmod(n, 10**8)
    out = _to_chinese(high, leading=leading) + "亿"
    if low:
        out += ("零" if low < 10**7 else "") + _below_yi(low, leading=False)
    return out
