"""Surface forms of cells: Chinese numerals, digits written several ways, comparator glyphs and
words. Re-exported by :mod:`jixiao.testing.strategies`."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.numerals import CHINESE_NUMERAL_CHARS, to_chinese
from jixiao.targets.ast import (
    Amount,
    Comparison,
    Qualitative,
    Quantity,
    Range,
    Target,
    dec_str,
)
from jixiao.testing.values import family, rescale, tidy

__all__ = ["chinese_numerals", "number_texts", "target_texts"]

_FINANCIAL = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_DIGIT_BY_DIGIT = "〇一二三四五六七八九"


def _numeral_forms(n: int) -> list[str]:
    plain = to_chinese(n)
    forms = [plain]
    if plain.startswith("十"):
        forms.append("一" + plain)  # 一十二 is 十二 written in full
    if plain.startswith("二") and len(plain) > 1 and plain[1] in "百千万":
        forms.append("两" + plain[1:])
    forms.append(forms[-1].translate(_FINANCIAL))
    if n >= 10:
        forms.append("".join(_DIGIT_BY_DIGIT[int(d)] for d in str(n)))  # 二〇二三
    return forms


def chinese_numerals(
    min_value: int = 0, max_value: int = 99999
) -> SearchStrategy[tuple[str, Decimal]]:
    """``(text, value)`` pairs of Chinese numerals: ``四十五``, ``两百``, ``壹佰贰拾``, ``二〇二三``.

    ``jixiao.numerals.parse_chinese(text) == value`` for every pair.
    """
    return st.integers(min_value, max_value).flatmap(
        lambda n: st.sampled_from(_numeral_forms(n)).map(lambda text: (text, Decimal(n)))
    )


_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def number_texts(value: Decimal, *, chinese: bool = True) -> SearchStrategy[str]:
    """The ways a number is written in a cell: ``1500``, ``１５００``, ``1,500``, ``一千五百`` …"""
    plain = dec_str(tidy(value))
    forms = [plain, plain.translate(_FULLWIDTH)]
    whole, _, frac = plain.partition(".")
    if len(whole) > 3:
        grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
        forms.append(grouped)
    if chinese and value == value.to_integral_value() and 0 <= value <= 99:
        forms.append(to_chinese(int(value)))
    return st.sampled_from(forms)


# ----------------------------------------------------------------------------- surface forms

_OP_PREFIX: dict[str, tuple[str, ...]] = {
    ">=": ("≥", ">=", "≧", "＞＝", "不低于", "不少于"),
    ">": (">", "＞", "大于", "高于", "超过"),
    "<=": ("≤", "<=", "≦", "＜＝", "不高于", "不超过"),
    "<": ("<", "＜", "小于", "低于"),
    "=": ("=", "＝"),
}
_OP_SUFFIX: dict[str, tuple[str, ...]] = {">=": ("以上", "及以上"), "<=": ("以下", "以内")}
_UNIT_ALIASES: dict[str, tuple[str, ...]] = {"%": ("％",), "万元": ("萬元",)}
_RANGE_SEPS = ("-", "～", "~", "—")


def target_texts(target: Target, *, rescaled: bool = False) -> SearchStrategy[str]:
    """Surface forms of one target: comparator glyphs and look-alikes (``≥ >= ≧ ＞＝``), words
    (``不低于``, ``以上``), full-width digits, spaces, Chinese numerals for small whole numbers,
    unit aliases (``％``, ``萬元``). Every one parses to a target equal to *target*.

    With ``rescaled=True`` the value may also be rewritten in another unit of its family
    (``64.253万元`` → ``642530元``): such texts parse to an *equivalent* target, not an equal one.
    """
    if isinstance(target, Comparison):
        return _quantity_texts(target.amount, rescaled).flatmap(
            lambda parts: _comparison_text(target.op, parts)
        )
    if isinstance(target, Amount):
        return _quantity_texts(target.amount, rescaled).map(lambda p: p[0] + p[1] + p[2])
    if isinstance(target, Range):
        unit = target.unit.symbol if target.unit is not None else ""
        return st.builds(
            lambda lo, sep, hi, sp: f"{lo}{sp}{sep}{sp}{hi}{unit}",
            number_texts(target.low, chinese=False),
            st.sampled_from(_RANGE_SEPS),
            number_texts(target.high, chinese=False),
            st.sampled_from(("", " ")),
        )
    if isinstance(target, Qualitative) and target.declared:
        return st.sampled_from(("定性" + target.text, "定性 " + target.text))
    return st.just(target.render())


def _quantity_texts(q: Quantity, rescaled: bool) -> SearchStrategy[tuple[str, str, str]]:
    """(number, space, unit) triples for one quantity."""
    options = [q]
    if rescaled:
        for u in family(q.unit)[1:]:
            if u is None or q.unit is None:
                continue  # % and a bare fraction are not interchangeable inside one cell
            r = rescale(q, u)
            if r is not None:
                options.append(r)

    def parts(qq: Quantity) -> SearchStrategy[tuple[str, str, str]]:
        symbol = qq.unit.symbol if qq.unit is not None else ""
        words = (symbol, *_UNIT_ALIASES.get(symbol, ()))
        # a Chinese numeral needs a unit after it, and one that does not begin with a numeral
        # character: 十千元 and 零千元 are ambiguous
        chinese = bool(symbol) and symbol[0] not in CHINESE_NUMERAL_CHARS
        return st.tuples(
            number_texts(qq.value, chinese=chinese),
            st.sampled_from(("", " ") if symbol else ("",)),
            st.sampled_from(words),
        )

    return st.sampled_from(options).flatmap(parts)


def _comparison_text(op: str, parts: tuple[str, str, str]) -> SearchStrategy[str]:
    number, space, unit = parts
    body = number + space + unit
    forms = [p + s + body for p in _OP_PREFIX[op] for s in ("", " ")]
    forms += [body + suffix for suffix in _OP_SUFFIX.get(op, ())]
    return st.sampled_from(forms)
