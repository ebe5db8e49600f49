"""Values of the cells: numbers, units and their families, targets and the actuals that fit
them. Re-exported by :mod:`jixiao.testing.strategies`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.errors import ArgumentTypeError, UnknownNameError, UsageError
from jixiao.targets.ast import (
    NUMERIC_KINDS,
    OPS,
    TARGET_KINDS,
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
)
from jixiao.units import DIMENSIONLESS, Unit, known_symbols, lookup_unit

__all__ = [
    "FILLED_KINDS",
    "LARGE_AMOUNTS",
    "NUMERIC_KINDS",
    "OUTCOME_WORDS",
    "QUALITATIVE_GOALS",
    "REGIONS",
    "actual_in",
    "actual_pairs",
    "actuals",
    "family",
    "large_amounts",
    "met_actuals",
    "numbers",
    "quantities",
    "ratios",
    "registered_unit",
    "rescale",
    "targets",
    "tidy",
    "units",
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


def registered_unit(word: str) -> Unit:
    """The registered unit written *word* (``"万元"``); LookupError if there is none."""
    unit = lookup_unit(word)
    if unit is None:  # pragma: no cover - the words above are all registered
        raise UnknownNameError(f"未登记的单位「{word}」", en=f"unregistered unit {word!r}")
    return unit


_UNITS: tuple[Unit, ...] = tuple(registered_unit(w) for w in _UNIT_WORDS)

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
        raise UsageError(f"下限 {lo} 大于上限 {hi}", en=f"min_value {lo} > max_value {hi}")

    def at(p: int) -> SearchStrategy[Decimal]:
        scale = 10**p
        a = math.ceil(lo * scale)
        b = math.floor(hi * scale)
        if a > b:
            return st.just(tidy(lo))
        small = st.integers(a, min(b, a + 10 * scale))
        return st.one_of(small, st.integers(a, b)).map(lambda n: _scaled(n, p))

    return st.integers(0, max(places, 0)).flatmap(at)


# ----------------------------------------------------------------------------- units


def units(dimension: str | None = None) -> SearchStrategy[Unit]:
    """Registered units, simplest first (人, %, 元, 万元 …).

    *dimension* narrows them: ``"money"``, ``"dimensionless"`` (%, ‰), ``"count"`` (every count
    word: 人, 个, 次 …), or an exact dimension such as ``"count:人"`` or ``"length"``.
    """
    choices = [u for u in _UNITS if _has_dimension(u, dimension)]
    if not choices:
        raise UsageError(
            f"没有量纲为「{dimension}」的已登记单位",
            en=f"no registered unit of dimension {dimension!r}",
        )
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
def _registry_families() -> dict[str, tuple[str | None, ...]]:
    """Every dimension of the unit registry with more than one unit (元 千元 万元 …, 米 厘米
    公里 …), each unit once; the dimensionless family is %, ‰ and a plain fraction."""
    out: dict[str, list[str | None]] = {}
    for symbol in known_symbols():
        unit = lookup_unit(symbol)
        if unit is None or unit.dimension == DIMENSIONLESS or unit.dimension.startswith("count:"):
            continue
        out.setdefault(unit.dimension, []).append(symbol)
    families = {dim: tuple(words) for dim, words in out.items() if len(words) > 1}
    families[DIMENSIONLESS] = ("%", "‰", None)
    return families


#: Unit families in which a value can be rewritten exactly: every dimension of the registry
#: (:mod:`jixiao.units`) with more than one unit, % ↔ ‰ ↔ a plain fraction.
_FAMILIES: dict[str, tuple[str | None, ...]] = _registry_families()


def family(unit: Unit | None) -> tuple[Unit | None, ...]:
    """The units *unit* can be rewritten in exactly (itself first); ``(unit,)`` if none."""
    dim = unit.dimension if unit is not None else DIMENSIONLESS
    words = _FAMILIES.get(dim)
    if words is None or (unit is not None and unit.symbol not in words):
        return (unit,)
    members = tuple(registered_unit(w) if w is not None else None for w in words)
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

#: What a target is generated as by default: every kind but a blank cell.
FILLED_KINDS = tuple(kind for kind in TARGET_KINDS if kind != Empty.kind)


def targets(
    *,
    kinds: Iterable[str] = FILLED_KINDS,
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
            raise UsageError(
                f"未知的目标类型「{kind}」",
                en=f"unknown target kind {kind!r}",
                hint="可用：" + "、".join(TARGET_KINDS),
                hint_en="known: " + ", ".join(TARGET_KINDS),
            )
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


#: Amounts of big projects (2.5亿, 8,000,000.5 …), far above what small numbers reach.
LARGE_AMOUNTS = tuple(
    Decimal(x) for x in ("1000000", "8000000.5", "12345678.9", "250000000", "999999999.99")
)


def large_amounts() -> SearchStrategy[Decimal]:
    """Large amounts, as budgets and outputs of big projects are written."""
    return st.one_of(st.sampled_from(LARGE_AMOUNTS), numbers(100000, 1000000000, places=2))


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
    (above 1, below 1.2, with 1.01), ``far`` (1.2 and more: the usual over-achievement threshold;
    1.95–2.05 around twice, 10 and 100 far beyond), ``zero``."""
    if region == "zero":
        return st.just(Decimal(0))
    if region == "at":
        return st.just(Decimal(1))
    points, low, high = {
        "under": (("0.5", "0.9", "0.99"), "0.01", "0.99"),
        "over": (("1.1", "1.19", "1.01", "1.001"), "1.01", "1.19"),
        "far": (("1.2", "2", "1.3", "3", "1.95", "2.05", "10", "100"), "1.2", "3"),
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
        raise ArgumentTypeError("actual_in 需要数值目标", en="actual_in needs a numeric target")
    return ratios(region).map(lambda r: _amount(tidy(base * r), unit))


def actual_pairs(target: Target) -> SearchStrategy[tuple[Amount, Amount]]:
    """Two different numeric actuals for a numeric *target*, the smaller one first."""
    if isinstance(target, Range):
        unit, base = target.unit, target.low
    elif isinstance(target, Comparison | Amount):
        unit, base = target.unit, target.value
    else:
        raise ArgumentTypeError(
            "actual_pairs 需要数值目标", en="actual_pairs needs a numeric target"
        )
    return (
        st.tuples(_value_near(base), _value_near(base))
        .filter(lambda ab: ab[0] != ab[1])
        .map(lambda ab: (min(ab), max(ab)))
        .map(lambda ab: (_amount(ab[0], unit), _amount(ab[1], unit)))
    )
