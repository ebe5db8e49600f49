"""The types of policy expressions, and what a compiled expression runs on.

Numbers carry a *dimension* so that a policy cannot add 万元 to %, compare a score with a
quantity, or return a score that is not in points (see :mod:`jixiao.policy.compiler`).
:class:`Ctx` is what one rule sees while it runs; :class:`EvalError` is what a compiled
expression raises when it cannot be evaluated for one input.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Any

import attrs

from jixiao.errors import EvaluationError, Location
from jixiao.i18n import Msg

__all__ = [
    "BOOL",
    "ERROR",
    "MAX_PLACES",
    "MONEY",
    "NUM",
    "POINTS",
    "QTY",
    "Q_DIMS",
    "ROUNDING_MODES",
    "STR",
    "Ctx",
    "DimensionError",
    "EvalError",
    "Fn",
    "TypeInfo",
    "combine",
    "same_num",
    "type_hint",
]

MAX_PLACES = 6  # decimal places of any rounding a policy asks for (0–6)

ROUNDING_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "half_down": ROUND_HALF_DOWN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}


class EvalError(EvaluationError):
    """A policy expression could not be evaluated for one input (e.g. a division by zero)."""

    def __init__(self, zh: str, en: str, loc: Location | None = None) -> None:
        self.zh = zh
        self.en = en
        self.loc = loc
        super().__init__(zh, en=en, location=loc)


class DimensionError(EvalError):
    """A literal with a unit (``5万元``, ``90%``) met an indicator of another dimension."""


class Ctx:
    """What one rule sees while it runs: the indicator (or budget) and its parsed cells."""

    __slots__ = (
        "actual",
        "actual_dim",
        "annual",
        "aq",
        "claimed",
        "executed",
        "initial",
        "level1",
        "level2",
        "met",
        "name",
        "printed_rate",
        "rate",
        "reason",
        "scored",
        "target",
        "target_dim",
        "thigh",
        "tlow",
        "tq",
        "weight",
    )

    def __init__(self) -> None:
        self.target: Any = None
        self.actual: Any = None
        self.tq: Decimal | None = None
        self.aq: Decimal | None = None
        self.tlow: Decimal | None = None
        self.thigh: Decimal | None = None
        self.target_dim: str | None = None
        self.actual_dim: str | None = None
        self.weight: Decimal | None = None
        self.claimed: Decimal | None = None
        self.met: bool | None = None
        self.scored: Decimal | None = None
        self.level1 = ""
        self.level2 = ""
        self.name = ""
        self.annual: Decimal | None = None
        self.executed: Decimal | None = None
        self.initial: Decimal | None = None
        self.rate: Decimal | None = None
        self.printed_rate: Decimal | None = None
        self.reason = ""


Fn = Callable[[Ctx], Any]


@attrs.frozen(slots=True)
class TypeInfo:
    """``kind`` is ``num``, ``bool``, ``str`` or ``error``; ``dims`` the dimension exponents of a
    number (``()`` plain, ``(("points", 1),)`` points …); ``zero`` marks the literal 0;
    ``concrete`` the unit dimension of a literal like ``5万元``."""

    kind: str
    dims: tuple[tuple[str, int], ...] = ()
    zero: bool = False
    concrete: str | None = None
    ratio: bool = False  # a percent or permille literal: compares with a ratio quantity

    def describe(self, lang: str = "zh") -> str:
        """What the type is, in words (``分值`` / ``points``)."""
        if self.kind != "num":
            return _KIND_WORDS[self.kind].text(lang)
        if not self.dims:
            return _NUMBER.text(lang)
        parts = []
        for base, exp in self.dims:
            label = _DIM_WORDS[base].text(lang) if base in _DIM_WORDS else base
            if base == "q" and self.concrete:
                label = _QUANTITY_IN.text(lang, unit=self.concrete)
            parts.append(label if exp == 1 else _POWER.text(lang, label=label, exp=exp))
        return _TIMES.text(lang).join(parts)

    def words(self) -> Msg:
        """:meth:`describe` in both languages."""
        return Msg(self.describe("zh"), self.describe("en"))


_KIND_WORDS = {
    "bool": Msg("真假值", "a true/false value"),
    "str": Msg("文字", "text"),
    "error": Msg("?", "?"),
}
_NUMBER = Msg("数", "a number")
_QUANTITY_IN = Msg("以{unit}计的数量", "a quantity in {unit}")
_POWER = Msg("{label}^{exp}", "({label})^{exp}")
_TIMES = Msg("·", " × ")
_DIM_WORDS = {
    "points": Msg("分值", "points"),
    "q": Msg("指标数量", "a quantity"),
    "money": Msg("金额", "money"),
}


Q_DIMS: tuple[tuple[str, int], ...] = (("q", 1),)
NUM = TypeInfo("num")
POINTS = TypeInfo("num", (("points", 1),))
QTY = TypeInfo("num", (("q", 1),))
MONEY = TypeInfo("num", (("money", 1),))
BOOL = TypeInfo("bool")
STR = TypeInfo("str")
ERROR = TypeInfo("error")


def combine(a: TypeInfo, b: TypeInfo, sign: int) -> TypeInfo:
    exps: dict[str, int] = dict(a.dims)
    for base, exp in b.dims:
        exps[base] = exps.get(base, 0) + sign * exp
    dims = tuple(sorted((k, v) for k, v in exps.items() if v))
    concrete = a.concrete or b.concrete if any(k == "q" for k, _ in dims) else None
    return TypeInfo("num", dims, False, concrete)


def same_num(a: TypeInfo, b: TypeInfo) -> bool:
    if a.kind != "num" or b.kind != "num":
        return False
    if a.zero or b.zero:
        return True
    if (a.ratio and not a.dims and b.dims == Q_DIMS) or (
        b.ratio and not b.dims and a.dims == Q_DIMS
    ):
        return True  # ``actual >= 90%``: checked against the indicator's unit when it runs
    return a.dims == b.dims


def type_hint(want: TypeInfo, got: TypeInfo) -> Msg | None:
    """How to fix a common mistake of type *got* where *want* was needed."""
    wd, gd = dict(want.dims), dict(got.dims)
    if wd.get("points") == 1 and gd.get("q") == 1:
        return Msg(
            "得分须以分值计，例如 weight * actual / target",
            "a score is in points: e.g. weight * actual / target",
        )
    if wd.get("q") == 1 and not gd:
        return Msg(
            "与数量比较请带单位或写成 target * 1.2",
            "compare a quantity with a quantity: give a unit, or write e.g. target * 1.2",
        )
    return None
