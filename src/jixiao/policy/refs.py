"""The name tables of the policy language: what an indicator or budget rule can refer to.

Each name maps to its type and a builder that, given the name's location in the file, returns
the function reading it from a :class:`~jixiao.policy.types.Ctx`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import attrs

from jixiao.errors import Location
from jixiao.i18n import Msg
from jixiao.policy.types import BOOL, MONEY, NUM, POINTS, QTY, STR, Ctx, EvalError, Fn, TypeInfo
from jixiao.targets.ast import (
    ACTUAL_KINDS,
    OPS,
    TARGET_KINDS,
    Approx,
    DeadlineRelation,
    OutcomeStatus,
)

__all__ = [
    "BODY_ONLY",
    "BUDGET_REFS",
    "DOMAINS",
    "FUNCTIONS",
    "INDICATOR_REFS",
    "TEXT_FUNCTIONS",
    "RefTable",
    "Scope",
]

# Attribute domains of the string-valued cell attributes, used to check constants.
DOMAINS: dict[str, tuple[str, ...]] = {
    "target.kind": TARGET_KINDS,
    "actual.kind": ACTUAL_KINDS,
    "target.op": (*OPS, ""),
    "actual.op": (*OPS, ""),
    "actual.status": (*get_args(OutcomeStatus), ""),
    "actual.approx": (*get_args(Approx), ""),
    "target.relation": (*get_args(DeadlineRelation), ""),
}


def _need(value: Any, zh: str, en: str, loc: Location) -> Any:
    if value is None:
        raise EvalError(zh, en, loc)
    return value


def _attr(node: Any, name: str, default: Any = "") -> Any:
    value = getattr(node, name, default)
    return default if value is None else value


def _target_op(c: Ctx) -> str:
    t = c.target
    op = getattr(t, "op", None)
    if op is None and getattr(t, "kind", "") == "deadline" and t.goal is not None:
        op = getattr(t.goal, "op", None)
    return op or ""


def _text(node: Any) -> str:
    if node is None:
        return ""
    text = getattr(node, "text", None)
    return text if isinstance(text, str) else node.render()


# name -> (type, builder(loc) -> Fn)
RefTable = dict[str, tuple[TypeInfo, Callable[[Location], Fn]]]

# What every rule sees, of an indicator or of the budget.
_RULE_REFS: RefTable = {
    "weight": (POINTS, lambda loc: lambda c: c.weight),
    "claimed": (
        POINTS,
        lambda loc: lambda c: _need(c.claimed, "未填自评得分", "no claimed score", loc),
    ),
    "met": (BOOL, lambda loc: lambda c: bool(c.met)),
    "scored": (
        POINTS,
        lambda loc: lambda c: _need(c.scored, "尚未得出得分", "no score yet", loc),
    ),
}

INDICATOR_REFS: RefTable = {
    "target": (
        QTY,
        lambda loc: lambda c: _need(c.tq, "年度指标值没有数值", "the target has no number", loc),
    ),
    "actual": (
        QTY,
        lambda loc: lambda c: _need(c.aq, "实际完成值没有数值", "the actual has no number", loc),
    ),
    **_RULE_REFS,
    "level1": (STR, lambda loc: lambda c: c.level1),
    "reason": (STR, lambda loc: lambda c: c.reason),
    "level2": (STR, lambda loc: lambda c: c.level2),
    "name": (STR, lambda loc: lambda c: c.name),
    "target.kind": (STR, lambda loc: lambda c: c.target.kind),
    "target.op": (STR, lambda loc: _target_op),
    "target.value": (
        QTY,
        lambda loc: lambda c: _need(c.tq, "年度指标值没有数值", "the target has no number", loc),
    ),
    "target.low": (
        QTY,
        lambda loc: lambda c: _need(c.tlow, "年度指标值不是区间", "the target is not a range", loc),
    ),
    "target.high": (
        QTY,
        lambda loc: (
            lambda c: _need(c.thigh, "年度指标值不是区间", "the target is not a range", loc)
        ),
    ),
    "target.unit": (
        STR,
        lambda loc: (
            lambda c: (
                c.target.quantity.unit.symbol
                if c.target.quantity and c.target.quantity.unit
                else ""
            )
        ),
    ),
    "target.dimension": (STR, lambda loc: lambda c: c.target_dim or ""),
    "target.inclusive": (BOOL, lambda loc: lambda c: bool(getattr(c.target, "inclusive", True))),
    "target.numeric": (BOOL, lambda loc: lambda c: c.tq is not None or c.tlow is not None),
    "target.text": (STR, lambda loc: lambda c: _text(c.target)),
    "target.declared": (BOOL, lambda loc: lambda c: bool(getattr(c.target, "declared", False))),
    "target.relation": (STR, lambda loc: lambda c: _attr(c.target, "relation")),
    "actual.kind": (STR, lambda loc: lambda c: c.actual.kind),
    "actual.op": (STR, lambda loc: lambda c: _attr(c.actual, "op")),
    "actual.numeric": (BOOL, lambda loc: lambda c: c.aq is not None),
    "actual.approx": (STR, lambda loc: lambda c: _attr(c.actual, "approx")),
    "actual.status": (STR, lambda loc: lambda c: _attr(c.actual, "status")),
    "actual.text": (STR, lambda loc: lambda c: _text(c.actual)),
    "actual.unit": (
        STR,
        lambda loc: (
            lambda c: (
                c.actual.quantity.unit.symbol
                if c.actual.quantity and c.actual.quantity.unit
                else ""
            )
        ),
    ),
    "actual.dimension": (STR, lambda loc: lambda c: c.actual_dim or ""),
}

BUDGET_REFS: RefTable = {
    "annual": (
        MONEY,
        lambda loc: lambda c: _need(c.annual, "未填全年预算数", "no annual budget", loc),
    ),
    "executed": (
        MONEY,
        lambda loc: lambda c: _need(c.executed, "未填全年执行数", "no executed amount", loc),
    ),
    "initial": (
        MONEY,
        lambda loc: lambda c: _need(c.initial, "未填年初预算数", "no initial budget", loc),
    ),
    "rate": (
        NUM,
        lambda loc: (
            lambda c: _need(
                c.rate, "全年预算数为0，执行率无定义", "the rate is undefined (budget 0)", loc
            )
        ),
    ),
    "printed_rate": (
        NUM,
        lambda loc: lambda c: _need(c.printed_rate, "未填执行率", "no printed rate", loc),
    ),
    **_RULE_REFS,
    "reason": (STR, lambda loc: lambda c: c.reason),
    "adjusted": (
        BOOL,
        lambda loc: (
            lambda c: c.initial is not None and c.annual is not None and c.initial != c.annual
        ),
    ),
}

# Names a rule's ``when`` may not use (they only exist once the rule runs).
BODY_ONLY = frozenset({"met", "claimed", "scored"})

FUNCTIONS = (
    "min", "max", "clamp", "abs", "round", "len", "contains", "startswith", "endswith",
)  # fmt: skip
TEXT_FUNCTIONS = ("contains", "startswith", "endswith")


@attrs.define
class Scope:
    """What names an expression may use: the context's refs and the policy's ``let`` values."""

    refs: RefTable
    params: dict[str, tuple[TypeInfo, Any]]
    forbid: frozenset[str] = frozenset()
    #: Where the expression stands (``规则体`` / ``a rule body``), for messages.
    where: Msg = Msg("此处", "this place")
    # in a rule's ``when``, a comparison with a unit literal of another dimension is false
    lenient_units: bool = False
