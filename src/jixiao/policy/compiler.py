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
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
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

from jixiao.errors import EvaluationError, Location, PolicyProblem
from jixiao.policy import ast as A
from jixiao.policy.names import did_you_mean
from jixiao.units import lookup_unit

__all__ = [
    "ROUNDING_MODES",
    "Ctx",
    "EvalError",
    "ExprCompiler",
    "Fn",
    "Scope",
    "TypeInfo",
]

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


Fn = Callable[[Ctx], Any]

# ----------------------------------------------------------------------------- types


@attrs.frozen(slots=True)
class TypeInfo:
    """``kind`` is ``num``, ``bool``, ``str`` or ``error``; ``dims`` the dimension exponents of a
    number (``()`` plain, ``(("points", 1),)`` points …); ``zero`` marks the literal 0;
    ``concrete`` the unit dimension of a literal like ``5万元``."""

    kind: str
    dims: tuple[tuple[str, int], ...] = ()
    zero: bool = False
    concrete: str | None = None

    def describe(self) -> str:
        if self.kind != "num":
            return {"bool": "真假值 (boolean)", "str": "文字 (text)", "error": "?"}[self.kind]
        if not self.dims:
            return "数 (number)"
        names = {"points": "分值 (points)", "q": "指标数量 (quantity)", "money": "金额 (money)"}
        parts = []
        for base, exp in self.dims:
            label = names.get(base, base)
            if base == "q" and self.concrete:
                label = f"以{self.concrete}计的数量 (a quantity in {self.concrete})"
            parts.append(label if exp == 1 else f"{label}^{exp}")
        return "·".join(parts)


NUM = TypeInfo("num")
POINTS = TypeInfo("num", (("points", 1),))
QTY = TypeInfo("num", (("q", 1),))
MONEY = TypeInfo("num", (("money", 1),))
BOOL = TypeInfo("bool")
STR = TypeInfo("str")
ERROR = TypeInfo("error")


def _combine(a: TypeInfo, b: TypeInfo, sign: int) -> TypeInfo:
    exps: dict[str, int] = dict(a.dims)
    for base, exp in b.dims:
        exps[base] = exps.get(base, 0) + sign * exp
    dims = tuple(sorted((k, v) for k, v in exps.items() if v))
    concrete = a.concrete or b.concrete if any(k == "q" for k, _ in dims) else None
    return TypeInfo("num", dims, False, concrete)


def _same_num(a: TypeInfo, b: TypeInfo) -> bool:
    if a.kind != "num" or b.kind != "num":
        return False
    if a.zero or b.zero:
        return True
    return a.dims == b.dims


# ----------------------------------------------------------------------------- scope

# Attribute domains of the string-valued cell attributes, used to check constants.
DOMAINS: dict[str, tuple[str, ...]] = {
    "target.kind": ("comparison", "quantity", "range", "deadline", "qualitative", "empty"),
    "actual.kind": (
        "comparison",
        "quantity",
        "range",
        "deadline",
        "qualitative",
        "outcome",
        "empty",
    ),
    "target.op": (">=", ">", "<=", "<", "=", ""),
    "actual.op": (">=", ">", "<=", "<", "=", ""),
    "actual.status": ("done", "partial", "not_done", "in_progress", ""),
    "actual.approx": ("about", "over", "under", ""),
    "target.relation": ("by", "before", "at", ""),
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
    "adjusted": (
        BOOL,
        lambda loc: (
            lambda c: c.initial is not None and c.annual is not None and c.initial != c.annual
        ),
    ),
}

# Names a rule's ``when`` may not use (they only exist once the rule runs).
BODY_ONLY = frozenset({"met", "claimed", "scored"})

FUNCTIONS = ("min", "max", "clamp", "abs", "round", "contains", "startswith", "endswith")
TEXT_FUNCTIONS = ("contains", "startswith", "endswith")


@attrs.define
class Scope:
    """What names an expression may use: the context's refs and the policy's ``let`` values."""

    refs: RefTable
    params: dict[str, tuple[TypeInfo, Any]]
    forbid: frozenset[str] = frozenset()
    where: str = ""


def _mk_const(value: Any) -> Fn:
    fn: Fn = lambda c: value  # noqa: E731
    # marked so that a comparison, product or if can read the value once, when compiling
    setattr(fn, _CONST, (value,))
    return fn


_CONST = "_jixiao_const"


def _const(fn: Fn) -> tuple[Any] | None:
    """``(value,)`` when *fn* is a constant made by :func:`_mk_const`, else None."""
    value: tuple[Any] | None = getattr(fn, _CONST, None)
    return value


def _compare(op: str, lf: Fn, rf: Fn) -> Fn:
    """``lf(c) <op> rf(c)``, with a constant right-hand side read once at compile time."""
    k = _const(rf)
    if k is not None:
        v = k[0]
        if op == ">=":
            return lambda c: lf(c) >= v
        if op == ">":
            return lambda c: lf(c) > v
        if op == "<=":
            return lambda c: lf(c) <= v
        if op == "<":
            return lambda c: lf(c) < v
        if op == "==":
            return lambda c: lf(c) == v
        return lambda c: lf(c) != v
    if op == ">=":
        return lambda c: lf(c) >= rf(c)
    if op == ">":
        return lambda c: lf(c) > rf(c)
    if op == "<=":
        return lambda c: lf(c) <= rf(c)
    if op == "<":
        return lambda c: lf(c) < rf(c)
    if op == "==":
        return lambda c: lf(c) == rf(c)
    return lambda c: lf(c) != rf(c)


class ExprCompiler:
    """Checks and compiles expressions, appending problems instead of raising."""

    def __init__(self, problems: list[PolicyProblem], rounding: str = "half_up") -> None:
        self.problems = problems
        self.rounding = ROUNDING_MODES.get(rounding, ROUND_HALF_UP)

    def error(
        self, message: str, loc: Location, hint: str | None = None, code: str = "type"
    ) -> None:
        self.problems.append(PolicyProblem(message, loc, hint, code=code))

    def expect(self, expr: A.Expr, scope: Scope, want: TypeInfo, what: str) -> Fn:
        """Compile *expr* and check it has type *want*; *what* is ``"中文|English"``."""
        fn, t = self.compile(expr, scope)
        if t.kind == "error":
            return fn
        ok = _same_num(t, want) if want.kind == "num" else t.kind == want.kind
        if not ok:
            zh, _, en = what.partition("|")
            self.error(
                f"{zh}应为{want.describe()}，这里是{t.describe()} "
                f"({en or zh} must be {want.describe()}, got {t.describe()})",
                expr.loc,
                _type_hint(want, t),
            )
        return fn

    # ------------------------------------------------------------------ compile
    def compile(self, e: A.Expr, scope: Scope) -> tuple[Fn, TypeInfo]:
        method = getattr(self, "_c_" + type(e).__name__)
        result: tuple[Fn, TypeInfo] = method(e, scope)
        return result

    def _c_Num(self, e: A.Num, scope: Scope) -> tuple[Fn, TypeInfo]:
        if e.unit is None:
            return _mk_const(e.value), TypeInfo("num", zero=e.value == 0)
        if e.unit == "分":  # points: ``7分``
            return _mk_const(e.value), TypeInfo("num", (("points", 1),), zero=e.value == 0)
        unit = lookup_unit(e.unit)
        if unit is None or not unit.known:
            self.error(
                f"未知单位「{e.unit}」 (unknown unit {e.unit!r})",
                e.loc,
                "数值字面量可用 %、‰ 或已知单位，如 5万元 (use %, ‰ or a known unit)",
                code="name",
            )
            return _mk_const(e.value), ERROR
        base = e.value * unit.factor
        dim = unit.dimension
        loc = e.loc

        def literal(c: Ctx) -> Decimal:
            have = c.target_dim if c.target_dim is not None else dim
            if have != dim:
                raise EvalError(
                    f"策略中的「{e.text}」与指标的单位量纲不同",
                    f"{e.text} in the policy has another dimension than the indicator",
                    loc,
                )
            return base

        if scope.refs is BUDGET_REFS and dim == "money":
            return _mk_const(base), MONEY
        return literal, TypeInfo("num", (("q", 1),), concrete=unit.symbol)

    def _c_Str(self, e: A.Str, scope: Scope) -> tuple[Fn, TypeInfo]:
        return _mk_const(e.value), STR

    def _c_Bool(self, e: A.Bool, scope: Scope) -> tuple[Fn, TypeInfo]:
        return _mk_const(e.value), BOOL

    def _c_Ref(self, e: A.Ref, scope: Scope) -> tuple[Fn, TypeInfo]:
        name = e.dotted
        if name in scope.forbid:
            self.error(
                f"「{name}」不能用在{scope.where}中 ({name!r} cannot be used in {scope.where or 'this place'})",
                e.loc,
                "met 和 claimed 只在规则体内可用 (met and claimed exist only inside a rule body)",
                code="name",
            )
            return _mk_const(None), ERROR
        if len(e.path) == 1 and name in scope.params:
            t, value = scope.params[name]
            return _mk_const(value), t
        entry = scope.refs.get(name)
        if entry is None:
            candidates = list(scope.refs) + list(scope.params)
            self.error(
                f"未知名称「{name}」 (unknown name {name!r})",
                e.loc,
                did_you_mean(name, candidates)
                or "可用名称 (known names)：" + "、".join(sorted(candidates)[:20]),
                code="name",
            )
            return _mk_const(None), ERROR
        t, build = entry
        return build(e.loc), t

    def _c_Call(self, e: A.Call, scope: Scope) -> tuple[Fn, TypeInfo]:
        if e.name not in FUNCTIONS:
            self.error(
                f"未知函数「{e.name}」 (unknown function {e.name!r})",
                e.loc,
                did_you_mean(e.name, FUNCTIONS) or "可用函数 (functions)：" + "、".join(FUNCTIONS),
                code="name",
            )
            return _mk_const(None), ERROR
        compiled = [self.compile(a, scope) for a in e.args]
        fns = [f for f, _ in compiled]
        types = [t for _, t in compiled]
        if e.name in TEXT_FUNCTIONS:
            return self._text_call(e, fns, types)
        arity = {"min": (2, 99), "max": (2, 99), "clamp": (3, 3), "abs": (1, 1), "round": (2, 2)}[
            e.name
        ]
        if not arity[0] <= len(e.args) <= arity[1]:
            self.error(
                f"{e.name}() 的参数个数不对：{len(e.args)} (wrong number of arguments)",
                e.loc,
                {
                    "min": "min(a, b)",
                    "max": "max(a, b)",
                    "clamp": "clamp(x, 下限, 上限)",
                    "abs": "abs(x)",
                    "round": "round(x, 2)",
                }[e.name],
            )
            return _mk_const(None), ERROR
        if any(t.kind == "error" for t in types):
            return _mk_const(None), ERROR
        for a, t in zip(e.args, types, strict=True):
            if t.kind != "num":
                self.error(f"{e.name}() 的参数应为数 ({e.name}() takes numbers)", a.loc)
                return _mk_const(None), ERROR
        if e.name == "round":
            digits = e.args[1]
            if (
                not isinstance(digits, A.Num)
                or digits.unit is not None
                or digits.value != digits.value.to_integral_value()
            ):
                self.error("round() 的第二个参数应为整数位数，如 2 (round(x, 2))", digits.loc)
                return _mk_const(None), ERROR
            quantum = Decimal(1).scaleb(-int(digits.value))
            f0 = fns[0]
            mode = self.rounding
            return (lambda c: f0(c).quantize(quantum, rounding=mode)), types[0]
        if e.name == "abs":
            f0 = fns[0]
            return (lambda c: abs(f0(c))), types[0]
        result_t = next((t for t in types if not t.zero), types[0])
        for a, t in zip(e.args, types, strict=True):
            if not _same_num(t, result_t):
                self.error(
                    f"{e.name}() 的参数量纲不同：{result_t.describe()} 与 {t.describe()} "
                    f"(arguments of {e.name}() must have one dimension)",
                    a.loc,
                )
                return _mk_const(None), ERROR
        if e.name == "min":
            return (lambda c: min(f(c) for f in fns)), result_t
        if e.name == "max":
            return (lambda c: max(f(c) for f in fns)), result_t
        fx, flo, fhi = fns
        return (lambda c: min(max(fx(c), flo(c)), fhi(c))), result_t

    def _text_call(self, e: A.Call, fns: list[Fn], types: list[TypeInfo]) -> tuple[Fn, TypeInfo]:
        """``contains(name, "满意度")``, ``startswith(level2, "成本")``: name patterns without
        regular expressions (nothing a policy writes can take more than linear time)."""
        if len(e.args) != 2:
            self.error(
                f"{e.name}() 需要两个参数 ({e.name}() takes two arguments)",
                e.loc,
                f'{e.name}(name, "满意度")',
            )
            return _mk_const(False), ERROR
        for a, t in zip(e.args, types, strict=True):
            if t.kind not in ("str", "error"):
                self.error(f"{e.name}() 的参数应为文字 ({e.name}() takes text)", a.loc)
                return _mk_const(False), ERROR
        f0, f1 = fns
        if e.name == "contains":
            return (lambda c: f1(c) in f0(c)), BOOL
        if e.name == "startswith":
            return (lambda c: f0(c).startswith(f1(c))), BOOL
        return (lambda c: f0(c).endswith(f1(c))), BOOL

    def _c_BinOp(self, e: A.BinOp, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf, lt = self.compile(e.left, scope)
        rf, rt = self.compile(e.right, scope)
        if lt.kind == "error" or rt.kind == "error":
            return _mk_const(None), ERROR
        if lt.kind != "num" or rt.kind != "num":
            self.error(f"「{e.op}」两边应为数 (both sides of {e.op!r} must be numbers)", e.loc)
            return _mk_const(None), ERROR
        loc = e.loc
        if e.op in "+-":
            if lt.concrete and rt.concrete and lt.concrete != rt.concrete:
                a, b = lookup_unit(lt.concrete), lookup_unit(rt.concrete)
                if a is not None and b is not None and a.dimension != b.dimension:
                    self.error(
                        f"不能把 {lt.concrete} 与 {rt.concrete} 相加减 (cannot add {lt.concrete} and {rt.concrete})",
                        e.loc,
                    )
                    return _mk_const(None), ERROR
            if not _same_num(lt, rt):
                self.error(
                    f"不能把{lt.describe()}与{rt.describe()}相加减 (cannot add {lt.describe()} and {rt.describe()})",
                    e.loc,
                    _type_hint(lt, rt),
                )
                return _mk_const(None), ERROR
            t = rt if lt.zero else lt
            if e.op == "+":
                return (lambda c: lf(c) + rf(c)), t
            return (lambda c: lf(c) - rf(c)), t
        if e.op == "*":
            k = _const(rf)
            if k is not None:
                v = k[0]
                return (lambda c: lf(c) * v), _combine(lt, rt, 1)
            return (lambda c: lf(c) * rf(c)), _combine(lt, rt, 1)

        def divide(c: Ctx) -> Decimal:
            denominator = rf(c)
            if not denominator:
                raise EvalError("除数为0", "division by zero", loc)
            result: Decimal = lf(c) / denominator
            return result

        if rt.zero:
            self.error("除以0 (division by zero)", e.right.loc)
        return divide, _combine(lt, rt, -1)

    def _c_Neg(self, e: A.Neg, scope: Scope) -> tuple[Fn, TypeInfo]:
        f, t = self.compile(e.operand, scope)
        if t.kind not in ("num", "error"):
            self.error("负号后应为数 (a minus sign takes a number)", e.loc)
            return _mk_const(None), ERROR
        return (lambda c: -f(c)), t

    def _c_Cmp(self, e: A.Cmp, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf, lt = self.compile(e.left, scope)
        rf, rt = self.compile(e.right, scope)
        if lt.kind == "error" or rt.kind == "error":
            return _mk_const(False), BOOL
        self._check_domain(e.left, e.right)
        self._check_domain(e.right, e.left)
        if lt.kind == "num" and rt.kind == "num":
            if not _same_num(lt, rt):
                self.error(
                    f"不能比较{lt.describe()}与{rt.describe()} (cannot compare {lt.describe()} with {rt.describe()})",
                    e.loc,
                    _type_hint(lt, rt),
                )
                return _mk_const(False), BOOL
        elif lt.kind != rt.kind:
            self.error(
                f"不能比较{lt.describe()}与{rt.describe()} (cannot compare {lt.describe()} with {rt.describe()})",
                e.loc,
            )
            return _mk_const(False), BOOL
        elif e.op not in ("==", "!="):
            self.error(f"{lt.describe()}只能用 == 或 != 比较 (only == and != apply)", e.loc)
            return _mk_const(False), BOOL
        return _compare(e.op, lf, rf), BOOL

    def _check_domain(self, ref: A.Expr, const: A.Expr) -> None:
        if isinstance(ref, A.Ref) and isinstance(const, A.Str):
            domain = DOMAINS.get(ref.dotted)
            if domain is not None and const.value not in domain:
                self.error(
                    f"「{ref.dotted}」不会等于「{const.value}」 ({ref.dotted} is never {const.value!r})",
                    const.loc,
                    did_you_mean(const.value, domain)
                    or "可取值 (possible values)：" + "、".join(f'"{d}"' for d in domain if d),
                    code="name",
                )

    def _c_In(self, e: A.In, scope: Scope) -> tuple[Fn, TypeInfo]:
        f, t = self.compile(e.item, scope)
        values = []
        for opt in e.options:
            if not isinstance(opt, A.Str | A.Num | A.Bool):
                self.error("in 后的列表只能包含常量 (an in-list holds constants only)", opt.loc)
                return _mk_const(False), BOOL
            self._check_domain(e.item, opt)
            of, ot = self.compile(opt, scope)
            if t.kind != "error" and ot.kind != t.kind:
                self.error(
                    f"列表元素应为{t.describe()} (list items must be {t.describe()})", opt.loc
                )
                return _mk_const(False), BOOL
            values.append(of(Ctx()))
        options = frozenset(values)
        if e.negate:
            return (lambda c: f(c) not in options), BOOL
        return (lambda c: f(c) in options), BOOL

    def _c_Not(self, e: A.Not, scope: Scope) -> tuple[Fn, TypeInfo]:
        f = self.expect(e.operand, scope, BOOL, "not 之后|the operand of not")
        return (lambda c: not f(c)), BOOL

    def _c_And(self, e: A.And, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf = self.expect(e.left, scope, BOOL, "and 两边|both sides of and")
        rf = self.expect(e.right, scope, BOOL, "and 两边|both sides of and")
        return (lambda c: lf(c) and rf(c)), BOOL

    def _c_Or(self, e: A.Or, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf = self.expect(e.left, scope, BOOL, "or 两边|both sides of or")
        rf = self.expect(e.right, scope, BOOL, "or 两边|both sides of or")
        return (lambda c: lf(c) or rf(c)), BOOL

    def _c_If(self, e: A.If, scope: Scope) -> tuple[Fn, TypeInfo]:
        cf = self.expect(e.cond, scope, BOOL, "if 条件|an if condition")
        tf, tt = self.compile(e.then, scope)
        of, ot = self.compile(e.otherwise, scope)
        if tt.kind == "error" or ot.kind == "error":
            return _mk_const(None), ERROR
        same = _same_num(tt, ot) if tt.kind == "num" else tt.kind == ot.kind
        if not same:
            self.error(
                f"then 与 else 的类型不同：{tt.describe()} 与 {ot.describe()} (then and else differ)",
                e.loc,
            )
            return _mk_const(None), ERROR
        t = ot if tt.zero else tt
        kt, ko = _const(tf), _const(of)
        if kt is not None and ko is not None:
            vt, vo = kt[0], ko[0]
            return (lambda c: vt if cf(c) else vo), t
        if ko is not None:
            vo = ko[0]
            return (lambda c: tf(c) if cf(c) else vo), t
        return (lambda c: tf(c) if cf(c) else of(c)), t

    def _c_Bands(self, e: A.Bands, scope: Scope) -> tuple[Fn, TypeInfo]:
        sf = self.expect(e.subject, scope, NUM, "bands 的对象|the subject of bands")
        check_bands(
            [iv for iv, _ in e.bands], self.problems, e.loc, "bands", cover=(Decimal(0), None)
        )
        compiled = []
        result_t: TypeInfo | None = None
        for iv, value in e.bands:
            vf, vt = self.compile(value, scope)
            if vt.kind == "error":
                return _mk_const(None), ERROR
            if result_t is None or result_t.zero:
                result_t = vt
            elif not (_same_num(vt, result_t) if vt.kind == "num" else vt.kind == result_t.kind):
                self.error(
                    f"各档取值的类型应相同 (every band must give {result_t.describe()})", value.loc
                )
                return _mk_const(None), ERROR
            compiled.append((iv, vf))
        loc = e.loc

        def pick(c: Ctx) -> Any:
            x = sf(c)
            for iv, vf in compiled:
                if iv.contains(x):
                    return vf(c)
            raise EvalError(f"{x} 不在任何一档中", f"{x} falls in no band", loc)

        return pick, result_t or ERROR


def _type_hint(want: TypeInfo, got: TypeInfo) -> str | None:
    wd, gd = dict(want.dims), dict(got.dims)
    if wd.get("points") == 1 and gd.get("q") == 1:
        return "得分须以分值计，例如 weight * actual / target (a score is in points: e.g. weight * actual / target)"
    if wd.get("q") == 1 and not gd:
        return "与数量比较请带单位或写成 target * 1.2 (compare a quantity with a quantity)"
    return None


def _bound(value: Decimal, percent: bool) -> str:
    return f"{(value * 100).normalize():f}%" if percent else f"{value.normalize():f}"


def check_bands(
    intervals: Sequence[A.Interval],
    problems: list[PolicyProblem],
    loc: Location,
    what: str,
    *,
    cover: tuple[Decimal, Decimal | None] | None = None,
    prefer: str | None = None,
    percent: bool = False,
) -> None:
    """Report overlaps and gaps between intervals, and any part of *cover* left uncovered.

    Each problem points at one of the two intervals involved: the one written in the file
    *prefer* (the most derived file of an ``extends`` chain) when there is one.
    """

    def at(a: A.Interval, b: A.Interval) -> Location:
        if prefer is not None and a.loc.source == prefer and b.loc.source != prefer:
            return a.loc
        return b.loc

    def low_key(iv: A.Interval) -> tuple[Decimal, int]:
        return (iv.low if iv.low is not None else Decimal("-1e999"), 0 if iv.low_inclusive else 1)

    ordered = sorted(intervals, key=low_key)
    for prev, nxt in itertools.pairwise(ordered):
        if prev.high is None:
            problems.append(
                PolicyProblem(
                    f"{what}：区间 {nxt.render(percent)} 与 {prev.render(percent)} 重叠 (bands overlap)",
                    nxt.loc,
                    code="bands",
                )
            )
            continue
        if (
            nxt.low is None
            or nxt.low < prev.high
            or (nxt.low == prev.high and prev.high_inclusive and nxt.low_inclusive)
        ):
            problems.append(
                PolicyProblem(
                    f"{what}：区间 {nxt.render(percent)} 与 {prev.render(percent)} 重叠 (bands overlap)",
                    at(prev, nxt),
                    "相邻两档在交界处应一含一不含，如 [80%, 100%] 与 [60%, 80%) "
                    "(adjacent bands share an edge that exactly one includes)",
                    code="bands",
                )
            )
        elif nxt.low > prev.high or (
            nxt.low == prev.high and not prev.high_inclusive and not nxt.low_inclusive
        ):
            problems.append(
                PolicyProblem(
                    f"{what}：区间 {prev.render(percent)} 与 {nxt.render(percent)} 之间有空档 (gap between bands)",
                    at(prev, nxt),
                    f"例如 {_bound(prev.high, percent)} 不属于任何一档 ({_bound(prev.high, percent)} is in no band)",
                    code="bands",
                )
            )
    if cover is not None and ordered:
        low, high = cover
        first, last = ordered[0], ordered[-1]
        if first.low is not None and (
            first.low > low or (first.low == low and not first.low_inclusive)
        ):
            problems.append(
                PolicyProblem(
                    f"{what}：最低一档从 {first.render(percent)} 开始，{low.normalize():f} 不属于任何一档 "
                    f"(the bands do not reach down to {low.normalize():f})",
                    first.loc,
                    code="bands",
                )
            )
        if high is None:
            if last.high is not None:
                problems.append(
                    PolicyProblem(
                        f"{what}：最高一档止于 {last.render(percent)}，更大的值不属于任何一档 "
                        "(values above the last band fall in no band; end it with inf)",
                        last.loc,
                        code="bands",
                    )
                )
        elif last.high is not None and (
            last.high < high or (last.high == high and not last.high_inclusive)
        ):
            problems.append(
                PolicyProblem(
                    f"{what}：最高一档止于 {last.render(percent)}，{high.normalize():f} 不属于任何一档 "
                    f"(the bands do not reach up to {high.normalize():f})",
                    last.loc,
                    code="bands",
                )
            )


__all__ += ["BODY_ONLY", "BUDGET_REFS", "DOMAINS", "INDICATOR_REFS", "check_bands"]
