"""Hypothesis strategies for the inputs of a 项目支出绩效自评表.

Every strategy shrinks towards the simplest input a person would write: a ``≥`` target counted in
人, small whole numbers, one indicator row, weight 1. Numbers are :class:`~decimal.Decimal`.

>>> from hypothesis import given
>>> from jixiao.testing import strategies as js
>>> @given(js.targets())
... def test_render_round_trip(target):
...     assert jixiao.parse_target(target.render()) == target   # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.forms.model import Budget, Form, Indicator
from jixiao.numerals import CHINESE_NUMERAL_CHARS, to_chinese
from jixiao.targets.ast import (
    OPS,
    Actual,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Op,
    Outcome,
    OutcomeStatus,
    Qualitative,
    Quantity,
    Range,
    Target,
    dec_str,
)
from jixiao.testing._cases import BudgetCase, Case, FormCase
from jixiao.units import DIMENSIONLESS, Unit, lookup_unit

__all__ = [
    "DEFAULT_SECTIONS",
    "OUTCOME_WORDS",
    "QUALITATIVE_GOALS",
    "REGIONS",
    "actual_in",
    "actual_pairs",
    "actuals",
    "budget_cases",
    "budgets",
    "cases",
    "chinese_numerals",
    "claimed_scores",
    "form_cases",
    "forms",
    "indicators",
    "met_actuals",
    "number_texts",
    "numbers",
    "quantities",
    "rates",
    "ratios",
    "rescale",
    "target_texts",
    "targets",
    "tidy",
    "units",
    "weights",
]

T = TypeVar("T")

# The order matters: sampled_from shrinks towards the first element.
_UNIT_WORDS: tuple[str, ...] = (
    "人",
    "%",
    "元",
    "万元",
    "个",
    "次",
    "项",
    "天",
    "‰",
    "千元",
    "亿元",
    "米",
    "公里",
    "千克",
    "吨",
    "亩",
    "公顷",
    "小时",
    "人次",
    "起",
)


def _u(word: str) -> Unit:
    unit = lookup_unit(word)
    if unit is None:  # pragma: no cover - the words above are all registered
        raise LookupError(word)
    return unit


_UNITS: tuple[Unit, ...] = tuple(_u(w) for w in _UNIT_WORDS)

#: Qualitative goals as they are written in 年度指标值 cells.
QUALITATIVE_GOALS: tuple[str, ...] = (
    "效果明显",
    "有效提升",
    "符合相关规定",
    "明显改善",
    "运行良好",
    "稳步提高",
)

#: Completion words of 实际完成值 cells and the status each one reports.
OUTCOME_WORDS: tuple[tuple[str, OutcomeStatus], ...] = (
    ("达成年度指标", "done"),
    ("已完成", "done"),
    ("按时完成", "done"),
    ("部分达成", "partial"),
    ("基本完成", "partial"),
    ("未完成", "not_done"),
    ("未达成", "not_done"),
)

#: The central sections (一级指标) and the budget weight, for forms built without a policy.
DEFAULT_SECTIONS: tuple[tuple[str, Decimal], ...] = (
    ("产出指标", Decimal(50)),
    ("效益指标", Decimal(30)),
    ("满意度指标", Decimal(10)),
)
_DEFAULT_BUDGET_WEIGHT = Decimal(10)


def tidy(value: Decimal) -> Decimal:
    """*value* without trailing zeros and never in exponent form (``Decimal('1E+2')`` → ``100``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _scaled(n: int, places: int) -> Decimal:
    return tidy(Decimal(n).scaleb(-places))


# ----------------------------------------------------------------------------- numbers


def numbers(
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 10000,
    *,
    places: int = 2,
) -> SearchStrategy[Decimal]:
    """Decimals in ``[min_value, max_value]`` with at most *places* decimals; small ones first.

    Shrinks to *min_value*, to whole numbers, then to few digits.
    """
    lo, hi = Decimal(min_value), Decimal(max_value)
    if lo > hi:
        raise ValueError(f"min_value {lo} > max_value {hi}")

    def at(p: int) -> SearchStrategy[Decimal]:
        scale = 10**p
        a = math.ceil(lo * scale)
        b = math.floor(hi * scale)
        if a > b:
            return st.just(tidy(lo))
        small = st.integers(a, min(b, a + 10 * scale))
        return st.one_of(small, st.integers(a, b)).map(lambda n: _scaled(n, p))

    return st.integers(0, max(places, 0)).flatmap(at)


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


# ----------------------------------------------------------------------------- units


def units(dimension: str | None = None) -> SearchStrategy[Unit]:
    """Registered units, simplest first (人, %, 元, 万元 …).

    *dimension* narrows them: ``"money"``, ``"dimensionless"`` (%, ‰), ``"count"`` (every count
    word: 人, 个, 次 …), or an exact dimension such as ``"count:人"`` or ``"length"``.
    """
    choices = [u for u in _UNITS if _has_dimension(u, dimension)]
    if not choices:
        raise ValueError(f"no registered unit of dimension {dimension!r}")
    return st.sampled_from(choices)


def _has_dimension(unit: Unit, dimension: str | None) -> bool:
    if dimension is None:
        return True
    if dimension == "count":
        return unit.dimension.startswith("count:")
    return unit.dimension == dimension


def quantities(
    values: SearchStrategy[Decimal] | None = None,
    unit: SearchStrategy[Unit | None] | None = None,
) -> SearchStrategy[Quantity]:
    """A number in a unit (or with none written)."""
    return st.builds(
        Quantity,
        values if values is not None else numbers(),
        unit if unit is not None else st.one_of(units(), st.none()),
    )


#: Unit families in which a value can be rewritten exactly (元 ↔ 万元, % ↔ ‰ ↔ a plain fraction).
_FAMILIES: dict[str, tuple[str | None, ...]] = {
    "money": ("元", "千元", "万元", "百万元", "亿元"),
    DIMENSIONLESS: ("%", "‰", None),
    "length": ("米", "厘米", "公里"),
    "mass": ("千克", "克", "吨"),
    "area": ("亩", "公顷"),
    "time": ("天", "小时", "分钟"),
}


def family(unit: Unit | None) -> tuple[Unit | None, ...]:
    """The units *unit* can be rewritten in exactly (itself first); ``(unit,)`` if none."""
    dim = unit.dimension if unit is not None else DIMENSIONLESS
    words = _FAMILIES.get(dim)
    if words is None or (unit is not None and unit.symbol not in words):
        return (unit,)
    members = tuple(_u(w) if w is not None else None for w in words)
    return (unit, *(m for m in members if m != unit))


def rescale(q: Quantity, unit: Unit | None) -> Quantity | None:
    """*q* written in *unit* (same dimension), or None when the value would not be exact."""
    src = q.unit.factor if q.unit is not None else Decimal(1)
    dst = unit.factor if unit is not None else Decimal(1)
    value = q.value * src / dst
    if value * dst != q.value * src or len(tidy(value).as_tuple().digits) > 15:
        return None
    return Quantity(tidy(value), unit)


# ----------------------------------------------------------------------------- targets

_KINDS = ("comparison", "quantity", "range", "qualitative", "deadline")
NUMERIC_KINDS = ("comparison", "quantity", "range")


def targets(
    *,
    kinds: Iterable[str] = _KINDS,
    ops: Sequence[Op] = OPS,
    unit: SearchStrategy[Unit | None] | None = None,
    values: SearchStrategy[Decimal] | None = None,
) -> SearchStrategy[Target]:
    """年度指标值 syntax trees: comparisons (``≥45人``), bare quantities (``100%``), ranges
    (``18-54周岁``), qualitative goals (``定性 效果明显``) and deadlines (``12月底前``)."""
    unit_s = unit if unit is not None else st.one_of(units(), st.none())
    value_s = values if values is not None else numbers()
    kinds = tuple(kinds)
    options: list[SearchStrategy[Target]] = []
    for kind in kinds:
        if kind == "comparison":
            options.append(st.builds(Comparison, st.sampled_from(ops), quantities(value_s, unit_s)))
        elif kind == "quantity":
            options.append(st.builds(Amount, quantities(value_s, unit_s)))
        elif kind == "range":
            options.append(
                st.builds(
                    lambda low, width, u: Range(low, tidy(low + width), u),
                    value_s,
                    numbers(0, 1000).filter(lambda w: w > 0),
                    unit_s,
                )
            )
        elif kind == "qualitative":
            options.append(
                st.builds(Qualitative, st.sampled_from(QUALITATIVE_GOALS), declared=st.booleans())
            )
        elif kind == "deadline":
            options.append(
                st.builds(
                    Deadline,
                    year=st.one_of(st.none(), st.just(2023)),
                    month=st.integers(1, 12),
                    end_of_month=st.just(True),
                    relation=st.just("by"),
                )
            )
        elif kind == "empty":
            options.append(st.just(Empty()))
        else:
            raise ValueError(f"unknown target kind {kind!r}; known: {', '.join(_KINDS)}, empty")
    return st.one_of(options)


def _value_near(t: Decimal, *, above: bool | None = None) -> SearchStrategy[Decimal]:
    """Values around *t*: t itself, simple fractions and multiples of it, anything nearby."""
    top = max(t * 3, Decimal(10))
    options = [st.just(t), st.sampled_from([Decimal(0), t / 2, t * Decimal("1.2"), t * 2])]
    options.append(numbers(0, top))
    s = st.one_of(options).map(tidy)
    if above is True:
        return s.filter(lambda v: v >= t)
    if above is False:
        return s.filter(lambda v: v <= t)
    return s


def _amount(value: Decimal, unit: Unit | None) -> Amount:
    return Amount(Quantity(value, unit))


def actuals(target: Target) -> SearchStrategy[Actual]:
    """实际完成值 syntax trees that fit *target*: a quantity in its unit for a numeric target,
    a completion word (``达成年度指标``, ``部分达成`` …) for a qualitative one, a completion date
    (or ``按时完成``) for a deadline."""
    if isinstance(target, Comparison | Amount):
        return _value_near(target.value).map(lambda v: _amount(v, target.unit))
    if isinstance(target, Range):
        return st.one_of(
            _value_near(target.low), _value_near(target.high), numbers(target.low, target.high)
        ).map(lambda v: _amount(tidy(v), target.unit))
    if isinstance(target, Deadline):
        dates = st.builds(
            Deadline,
            year=st.just(target.year),
            month=st.integers(1, 12),
            written_day=st.integers(1, 28),
            relation=st.just("at"),
        )
        return st.one_of(_outcomes(), dates)
    if isinstance(target, Empty):
        return st.just(Empty())
    return _outcomes()


def _outcomes() -> SearchStrategy[Actual]:
    return st.sampled_from(OUTCOME_WORDS).map(lambda p: Outcome(p[0], p[1]))


def met_actuals(target: Target) -> SearchStrategy[Actual] | None:
    """Actuals that meet *target* by its plain meaning (``≥45人`` → 45人 or more; ``>`` strictly,
    ``=`` exactly, a range inclusive), or None when no such number exists (``<0``) or the
    meaning is the policy's to define (qualitative goals, deadlines)."""
    if isinstance(target, Comparison):
        t, op = target.value, target.op
        if op == ">=":
            s = _value_near(t, above=True)
        elif op == ">":
            s = _value_near(t, above=True).filter(lambda v: v > t)
        elif op == "=":
            s = st.just(t)
        elif op == "<=":
            s = _value_near(t, above=False)
        else:
            if t <= 0:
                return None
            s = _value_near(t, above=False).filter(lambda v: v < t)
        return s.map(lambda v: _amount(v, target.unit))
    if isinstance(target, Amount):
        return _value_near(target.value, above=True).map(lambda v: _amount(v, target.unit))
    if isinstance(target, Range):
        return numbers(target.low, target.high).map(lambda v: _amount(v, target.unit))
    return None


#: Where a numeric actual lies relative to its target, as a ratio actual / target.
REGIONS: tuple[str, ...] = ("under", "at", "over", "far", "zero")


def ratios(region: str) -> SearchStrategy[Decimal]:
    """Ratios actual / target in one region: ``under`` (below 1), ``at`` (exactly 1), ``over``
    (above 1, below 1.2), ``far`` (1.2 and more: the usual over-achievement threshold), ``zero``."""
    if region == "zero":
        return st.just(Decimal(0))
    if region == "at":
        return st.just(Decimal(1))
    points, low, high = {
        "under": (("0.5", "0.9", "0.99"), "0.01", "0.99"),
        "over": (("1.1", "1.19"), "1.01", "1.19"),
        "far": (("1.2", "2", "1.3", "3"), "1.2", "3"),
    }[region]
    return st.one_of(st.sampled_from([Decimal(x) for x in points]), numbers(low, high, places=2))


def actual_in(target: Target, region: str) -> SearchStrategy[Actual]:
    """A numeric actual of a numeric *target* in *region* (see :data:`REGIONS`): relative to
    the bound of a comparison or quantity, to the low end of a range for ``under``/``zero``, to
    the high end for ``over``/``far``, and anywhere inside it for ``at``."""
    if isinstance(target, Range):
        if region == "at":
            return numbers(target.low, target.high).map(lambda v: _amount(v, target.unit))
        base = target.low if region in ("under", "zero") else target.high
        unit = target.unit
    elif isinstance(target, Comparison | Amount):
        base, unit = target.value, target.unit
    else:
        raise TypeError("actual_in needs a numeric target")
    return ratios(region).map(lambda r: _amount(tidy(base * r), unit))


def actual_pairs(target: Target) -> SearchStrategy[tuple[Amount, Amount]]:
    """Two different numeric actuals for a numeric *target*, the smaller one first."""
    if isinstance(target, Range):
        unit, base = target.unit, target.low
    elif isinstance(target, Comparison | Amount):
        unit, base = target.unit, target.value
    else:
        raise TypeError("actual_pairs needs a numeric target")
    return (
        st.tuples(_value_near(base), _value_near(base))
        .filter(lambda ab: ab[0] != ab[1])
        .map(lambda ab: (min(ab), max(ab)))
        .map(lambda ab: (_amount(ab[0], unit), _amount(ab[1], unit)))
    )


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


# ----------------------------------------------------------------------------- rows


def weights(max_value: int = 30) -> SearchStrategy[Decimal]:
    """分值 of a row: whole points, sometimes halves; shrinks to 1."""
    return st.one_of(
        st.integers(1, 10).map(Decimal),
        st.integers(1, max_value).map(Decimal),
        st.integers(1, 2 * max_value).map(lambda n: tidy(Decimal(n) / 2)),
    )


_CLAIM_SHARES = tuple(Decimal(x) for x in ("1", "0.9", "0.8", "0.7", "0.6", "0.5", "0.3", "0"))


def claimed_scores(
    weight: Decimal, shares: Sequence[Decimal] = _CLAIM_SHARES
) -> SearchStrategy[Decimal | None]:
    """A claimed 得分 for a row of *weight*: none, a simple share of the weight (100%, 80% …,
    the edges of the usual tier bands), or any score in [0, weight] to 2 places."""
    return st.one_of(
        st.none(),
        st.sampled_from(tuple(shares)).map(lambda f: tidy((weight * f).quantize(Decimal("0.01")))),
        numbers(0, weight, places=2),
    )


_REASONS = ("", "因项目实施进度调整，部分任务未完成；下一步将加强进度管理")


def cases(
    target: SearchStrategy[Target] | None = None,
    *,
    actual: Callable[[Target], SearchStrategy[Actual] | None] | None = None,
    weight: SearchStrategy[Decimal] | None = None,
    claimed: bool = True,
    claim: Callable[[Decimal], SearchStrategy[Decimal | None]] | None = None,
    reason: SearchStrategy[str] | None = None,
    sections: Sequence[str] = ("产出指标",),
) -> SearchStrategy[Case]:
    """Indicator rows as :class:`~jixiao.testing._cases.Case` (target and actual kept as trees).

    *actual* maps a target to a strategy of actuals (default :func:`actuals`); a target for which
    it returns None is skipped. *claimed* adds a claimed 得分 within [0, weight] (or none),
    drawn from *claim* (default :func:`claimed_scores`).
    """
    target_s = target if target is not None else targets()
    actual_of = actual if actual is not None else actuals
    weight_s = weight if weight is not None else weights()
    reason_s = reason if reason is not None else st.sampled_from(_REASONS)
    claim_of = claim if claim is not None else claimed_scores

    def build(t: Target) -> SearchStrategy[Case]:
        a = actual_of(t)
        if a is None:
            return st.nothing()
        base = st.builds(
            lambda act, w, r, s: Case(t, act, w, None, r, level1=s),
            a,
            weight_s,
            reason_s,
            st.sampled_from(tuple(sections)),
        )
        if not claimed:
            return base
        return base.flatmap(
            lambda case: claim_of(case.weight).map(lambda c: attrs.evolve(case, claimed=c))
        )

    return target_s.flatmap(build)


def indicators(
    target: SearchStrategy[Target] | None = None,
    *,
    weight: SearchStrategy[Decimal] | None = None,
    claimed: bool = True,
) -> SearchStrategy[Indicator]:
    """Indicator rows (:class:`jixiao.Indicator`) with cells written canonically."""
    return cases(target, weight=weight, claimed=claimed).map(lambda c: c.to_indicator())


# ----------------------------------------------------------------------------- budgets


_RATE_POINTS = tuple(
    Decimal(x) for x in ("1", "0.9", "0.8", "0.6", "0.5", "0", "0.9999", "0.7999", "0.5999", "1.2")
)


def rates() -> SearchStrategy[Decimal]:
    """Execution rates B/A as fractions: the usual thresholds (100%, 90%, 80%, 60% and just below
    them), and any rate up to 130% to 4 places; shrinks to 100%."""
    return st.one_of(st.sampled_from(_RATE_POINTS), numbers(0, "1.3", places=4))


def budget_cases(
    weight: Decimal | int = 10,
    *,
    zero_budget: bool = True,
    claimed: bool = False,
    rate: SearchStrategy[Decimal] | None = None,
) -> SearchStrategy[BudgetCase]:
    """项目资金 rows: 全年预算数 (annual), 全年执行数 (executed = annual × a rate from *rate*,
    default :func:`rates`), the weight, and a claimed score when *claimed*."""
    w = Decimal(weight)
    rate_s = rate if rate is not None else rates()
    claim: SearchStrategy[Decimal | None] = claimed_scores(w) if claimed else st.none()
    annual = numbers(1, 100000, places=3)
    if zero_budget:
        annual = st.one_of(annual, st.just(Decimal(0)))
    return st.builds(
        lambda a, r, c: BudgetCase(annual=a, executed=tidy(a * r), weight=w, initial=a, claimed=c),
        annual,
        rate_s,
        claim,
    )


def budgets(weight: Decimal | int = 10, *, zero_budget: bool = True) -> SearchStrategy[Budget]:
    """Budget rows (:class:`jixiao.Budget`)."""
    return budget_cases(weight, zero_budget=zero_budget).map(lambda b: b.to_budget())


# ----------------------------------------------------------------------------- forms


def apportion(shares: Sequence[int], total: Decimal) -> list[Decimal]:
    """Whole-point weights, each at least 1, adding up to *total*, in proportion to *shares*.

    >>> apportion([1, 1, 2], Decimal(90))
    [Decimal('23'), Decimal('23'), Decimal('44')]
    """
    n = len(shares)
    units = int(total)
    if units != total or units < n:
        raise ValueError("the total must be a whole number of points, at least one per row")
    rest = units - n
    whole = sum(shares)
    quotas = [Decimal(rest * s) / whole for s in shares]
    floors = [int(q) for q in quotas]
    left = rest - sum(floors)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(1 + f) for f in floors]


def form_cases(
    *,
    sections: Sequence[tuple[str, Decimal]] | None = None,
    budget_weight: Decimal | int | None = None,
    policy: Any = None,
    max_rows: int = 6,
    target: SearchStrategy[Target] | None = None,
    claimed: bool = False,
) -> SearchStrategy[FormCase]:
    """Whole forms whose weights add up to 100: the budget weight plus every row's weight.

    Sections and the budget weight come from *policy* (a :class:`jixiao.Policy`) when given,
    else from the central defaults. Rows are spread over the sections at random; a failing form
    shrinks to a single row.
    """
    if policy is not None:
        sections = sections or tuple(policy.section_weights.items())
        budget_weight = budget_weight if budget_weight is not None else policy.budget_weight
    names = tuple(n for n, _ in (sections or DEFAULT_SECTIONS)) or ("产出指标",)
    bw = Decimal(budget_weight if budget_weight is not None else _DEFAULT_BUDGET_WEIGHT)
    rest = Decimal(100) - bw

    def build(budget: BudgetCase, rows: list[tuple[Case, int]]) -> FormCase:
        ws = apportion([s for _, s in rows], rest)
        out = []
        for i, ((case, _), w) in enumerate(zip(rows, ws, strict=True)):
            # rows are drawn with weight 1, so a claim is a share of the weight
            claim = None if case.claimed is None else tidy(case.claimed * w)
            out.append(attrs.evolve(case, weight=w, claimed=claim, name=f"指标{i + 1}"))
        return FormCase(budget, tuple(out))

    row = st.tuples(
        cases(target, weight=st.just(Decimal(1)), claimed=claimed, sections=names),
        st.integers(1, 5),
    )
    # the budget is drawn first: the shrinker then deletes rows at the end of the choice
    # sequence, which lets a failing form shrink to its one guilty row
    return st.builds(
        build,
        budget_cases(bw, zero_budget=False),
        st.lists(row, min_size=1, max_size=max_rows),
    )


def forms(
    *,
    policy: Any = None,
    max_rows: int = 6,
    claimed: bool = False,
) -> SearchStrategy[Form]:
    """Whole forms (:class:`jixiao.Form`) whose weights add up to 100 with the budget weight."""
    return form_cases(policy=policy, max_rows=max_rows, claimed=claimed).map(lambda f: f.to_form())
