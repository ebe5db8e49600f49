"""Type-checking policy expressions and compiling them into small closures.

Every expression is checked once, when the policy is loaded, and becomes a function of one
:class:`Ctx`. Numbers carry a *dimension* so that a policy cannot add 万元 to %, compare a score
with a quantity, or return a score that is not in points:

* ``weight``, ``claimed`` and a score are **points**;
* ``actual``, ``target`` (and ``target.low``/``high``) are the indicator's **quantity** — whatever
  unit the cells were written in, both are converted to the same base unit before the policy sees
  them, so ``actual / target`` is a plain number;
* ``rate``, percentages and bare numbers are plain numbers; ``annual``/``executed`` are money.

Multiplying and dividing combine dimensions (``weight * actual / target`` is points); adding,
comparing, ``min``/``max`` need equal dimensions. The literal ``0`` fits any dimension.

This module gathers the public names of the pieces, each in its own module:
:mod:`~jixiao.policy.types` (types, :class:`Ctx`, :class:`EvalError`),
:mod:`~jixiao.policy.refs` (the name tables and :class:`Scope`),
:mod:`~jixiao.policy.expressions` (:class:`ExprCompiler`) and
:mod:`~jixiao.policy.bands` (:func:`check_bands`).
"""

from __future__ import annotations

from jixiao.policy.bands import check_bands
from jixiao.policy.expressions import ExprCompiler
from jixiao.policy.refs import (
    BODY_ONLY,
    BUDGET_REFS,
    DOMAINS,
    FUNCTIONS,
    INDICATOR_REFS,
    TEXT_FUNCTIONS,
    RefTable,
    Scope,
)
from jixiao.policy.types import (
    BOOL,
    ERROR,
    MONEY,
    NUM,
    POINTS,
    QTY,
    ROUNDING_MODES,
    STR,
    Ctx,
    EvalError,
    Fn,
    TypeInfo,
)

__all__ = [
    "BODY_ONLY",
    "BOOL",
    "BUDGET_REFS",
    "DOMAINS",
    "ERROR",
    "FUNCTIONS",
    "INDICATOR_REFS",
    "MONEY",
    "NUM",
    "POINTS",
    "QTY",
    "ROUNDING_MODES",
    "STR",
    "TEXT_FUNCTIONS",
    "Ctx",
    "EvalError",
    "ExprCompiler",
    "Fn",
    "RefTable",
    "Scope",
    "TypeInfo",
    "check_bands",
]
