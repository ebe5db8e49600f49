"""Type-checking policy expressions and compiling them into small closures.

See :mod:`jixiao.policy.compiler` for the dimensions a number carries.

Longer than 500 lines on purpose: one :class:`ExprCompiler` with one method per kind of
expression; the type rules of the language read best side by side, and splitting the class would
scatter them (the name tables, types and band checks already live in their own modules).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.bands import check_bands
from jixiao.policy.names import did_you_mean, known, suggest
from jixiao.policy.refs import BUDGET_REFS, DOMAINS, FUNCTIONS, TEXT_FUNCTIONS, Scope
from jixiao.policy.types import (
    BOOL,
    ERROR,
    MAX_PLACES,
    MONEY,
    NUM,
    Q_DIMS,
    ROUNDING_MODES,
    STR,
    Ctx,
    DimensionError,
    EvalError,
    Fn,
    TypeInfo,
    combine,
    same_num,
    type_hint,
)
from jixiao.units import DIMENSIONLESS, lookup_unit

__all__ = ["ExprCompiler", "compare", "const_value", "mk_const"]


def mk_const(value: Any) -> Fn:
    fn: Fn = lambda c: value  # noqa: E731
    # marked so that a comparison, product or if can read the value once, when compiling
    setattr(fn, _CONST, (value,))
    return fn


_CONST = "_jixiao_const"


def const_value(fn: Fn) -> tuple[Any] | None:
    """``(value,)`` when *fn* is a constant made by :func:`mk_const`, else None."""
    value: tuple[Any] | None = getattr(fn, _CONST, None)
    return value


def compare(op: str, lf: Fn, rf: Fn) -> Fn:
    """``lf(c) <op> rf(c)``, with a constant right-hand side read once at compile time."""
    k = const_value(rf)
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


def _cannot_compare(lt: TypeInfo, rt: TypeInfo) -> Msg:
    return Msg(
        f"不能比较{lt.describe()}与{rt.describe()}",
        f"cannot compare {lt.describe('en')} with {rt.describe('en')}",
    )


_ARITY_WORDS = {"min": "2 or more", "max": "2 or more", "clamp": "3", "abs": "1", "round": "2"}
_ARITY_HINTS = {
    "min": Msg("如 min(a, b)", "e.g. min(a, b)"),
    "max": Msg("如 max(a, b)", "e.g. max(a, b)"),
    "clamp": Msg("如 clamp(x, 下限, 上限)", "e.g. clamp(x, low, high)"),
    "abs": Msg("如 abs(x)", "e.g. abs(x)"),
    "round": Msg("如 round(x, 2)", "e.g. round(x, 2)"),
}


class ExprCompiler:
    """Checks and compiles expressions, appending problems instead of raising."""

    def __init__(self, problems: list[PolicyProblem], rounding: str = "half_up") -> None:
        self.problems = problems
        self.rounding = ROUNDING_MODES.get(rounding, ROUND_HALF_UP)

    def error(
        self, message: Msg, loc: Location, hint: Msg | None = None, code: str = "type"
    ) -> None:
        self.problems.append(PolicyProblem.of(message, loc, hint, code=code))

    def expect(self, expr: A.Expr, scope: Scope, want: TypeInfo, what: Msg) -> Fn:
        """Compile *expr* and check it has type *want*; *what* says what the expression is."""
        fn, t = self.compile(expr, scope)
        if t.kind == "error":
            return fn
        ok = same_num(t, want) if want.kind == "num" else t.kind == want.kind
        if not ok:
            self.error(
                Msg(
                    f"{what.zh}应为{want.describe()}，这里是{t.describe()}",
                    f"{what.en} must be {want.describe('en')}, not {t.describe('en')}",
                ),
                expr.loc,
                type_hint(want, t),
            )
        return fn

    def fit(self, fn: Fn, t: TypeInfo, other: TypeInfo, e: A.Expr) -> tuple[Fn, TypeInfo]:
        """A percent literal meeting a quantity (``actual >= 90%``) becomes a quantity that is
        checked, when the rule runs, to be a ratio: against 人 or 元 it is a policy error."""
        if not (t.ratio and not t.dims and other.dims == Q_DIMS):
            return fn, t
        text = getattr(e, "text", "") or "%"
        loc = e.loc

        def checked(c: Ctx) -> Any:
            if c.target_dim is not None and c.target_dim != DIMENSIONLESS:
                raise DimensionError(
                    f"策略中的「{text}」是百分比，而指标不是以百分比计的",
                    f"{text} in the policy is a percentage but the indicator is not a ratio",
                    loc,
                )
            return fn(c)

        return checked, TypeInfo("num", Q_DIMS, concrete="%")

    def check_concrete(self, lt: TypeInfo, rt: TypeInfo, e: A.Expr, what: tuple[str, str]) -> bool:
        """Two literals of known units must share a dimension (``10000元 >= 90%`` is refused)."""
        if lt.concrete and rt.concrete and lt.concrete != rt.concrete:
            a, b = lookup_unit(lt.concrete), lookup_unit(rt.concrete)
            if a is not None and b is not None and a.dimension != b.dimension:
                self.error(
                    Msg(
                        f"不能{what[0]} {lt.concrete} 与 {rt.concrete} 的量",
                        f"cannot {what[1]} a quantity in {lt.concrete} with one in {rt.concrete}",
                    ),
                    e.loc,
                )
                return False
        return True

    # ------------------------------------------------------------------ compile
    def compile(self, e: A.Expr, scope: Scope) -> tuple[Fn, TypeInfo]:
        method = getattr(self, "_c_" + type(e).__name__)
        result: tuple[Fn, TypeInfo] = method(e, scope)
        return result

    def _c_Num(self, e: A.Num, scope: Scope) -> tuple[Fn, TypeInfo]:
        if e.unit is None:
            ratio = e.text.endswith(("%", "‰"))
            return mk_const(e.value), TypeInfo("num", zero=e.value == 0, ratio=ratio)
        if e.unit == "分":  # points: ``7分``
            return mk_const(e.value), TypeInfo("num", (("points", 1),), zero=e.value == 0)
        unit = lookup_unit(e.unit)
        if unit is None or not unit.known:
            self.error(
                Msg(f"未知单位「{e.unit}」", f"unknown unit {e.unit!r}"),
                e.loc,
                Msg(
                    "数值字面量可用 %、‰ 或已知单位，如 5万元",
                    "a number takes %, ‰ or a known unit, e.g. 5万元",
                ),
                code="name",
            )
            return mk_const(e.value), ERROR
        base = e.value * unit.factor
        dim = unit.dimension
        loc = e.loc

        def literal(c: Ctx) -> Decimal:
            have = c.target_dim if c.target_dim is not None else dim
            if have != dim:
                raise DimensionError(
                    f"策略中的「{e.text}」与指标的单位量纲不同",
                    f"{e.text} in the policy has another dimension than the indicator",
                    loc,
                )
            return base

        if scope.refs is BUDGET_REFS and dim == "money":
            return mk_const(base), MONEY
        return literal, TypeInfo("num", (("q", 1),), concrete=unit.symbol)

    def _c_Str(self, e: A.Str, scope: Scope) -> tuple[Fn, TypeInfo]:
        return mk_const(e.value), STR

    def _c_Bool(self, e: A.Bool, scope: Scope) -> tuple[Fn, TypeInfo]:
        return mk_const(e.value), BOOL

    def _c_Ref(self, e: A.Ref, scope: Scope) -> tuple[Fn, TypeInfo]:
        name = e.dotted
        if name in scope.forbid:
            self.error(
                Msg(
                    f"「{name}」不能用在{scope.where.zh}中",
                    f"{name!r} cannot be used in {scope.where.en}",
                ),
                e.loc,
                Msg(
                    "met 和 claimed 只在规则体内可用",
                    "met and claimed exist only inside a rule body",
                ),
                code="name",
            )
            return mk_const(None), ERROR
        if len(e.path) == 1 and name in scope.params:
            t, value = scope.params[name]
            return mk_const(value), t
        entry = scope.refs.get(name)
        if entry is None:
            candidates = list(scope.refs) + list(scope.params)
            self.error(
                Msg(f"未知名称「{name}」", f"unknown name {name!r}"),
                e.loc,
                suggest(name, sorted(candidates), "可用名称", "known names", limit=20),
                code="name",
            )
            return mk_const(None), ERROR
        t, build = entry
        return build(e.loc), t

    def _c_Call(self, e: A.Call, scope: Scope) -> tuple[Fn, TypeInfo]:
        if e.name not in FUNCTIONS:
            self.error(
                Msg(f"未知函数「{e.name}」", f"unknown function {e.name!r}"),
                e.loc,
                suggest(e.name, FUNCTIONS, "可用函数", "functions"),
                code="name",
            )
            return mk_const(None), ERROR
        compiled = [self.compile(a, scope) for a in e.args]
        fns = [f for f, _ in compiled]
        types = [t for _, t in compiled]
        if e.name in TEXT_FUNCTIONS:
            return self._text_call(e, fns, types)
        if e.name == "len":
            # ``len(reason) <= 100``: characters of a text, without its outer spaces
            if len(e.args) != 1 or types[0].kind not in ("str", "error"):
                self.error(
                    Msg("len() 需要一个文字参数", "len() takes one text"),
                    e.loc,
                    Msg("如 len(reason)", "e.g. len(reason)"),
                )
                return mk_const(None), ERROR
            t0 = fns[0]
            return (lambda c: Decimal(len(t0(c).strip()))), NUM
        arity = {"min": (2, 99), "max": (2, 99), "clamp": (3, 3), "abs": (1, 1), "round": (2, 2)}[
            e.name
        ]
        if not arity[0] <= len(e.args) <= arity[1]:
            self.error(
                Msg(
                    f"{e.name}() 的参数个数不对：{len(e.args)}",
                    f"{e.name}() takes {_ARITY_WORDS[e.name]} arguments, not {len(e.args)}",
                ),
                e.loc,
                _ARITY_HINTS[e.name],
            )
            return mk_const(None), ERROR
        if any(t.kind == "error" for t in types):
            return mk_const(None), ERROR
        for a, t in zip(e.args, types, strict=True):
            if t.kind != "num":
                self.error(Msg(f"{e.name}() 的参数应为数", f"{e.name}() takes numbers"), a.loc)
                return mk_const(None), ERROR
        if e.name == "round":
            digits = e.args[1]
            if (
                not isinstance(digits, A.Num)
                or digits.unit is not None
                or digits.value != digits.value.to_integral_value()
                or not 0 <= digits.value <= MAX_PLACES
            ):
                self.error(
                    Msg(
                        f"round() 的第二个参数应为 0–{MAX_PLACES} 的整数位数，如 2",
                        f"the second argument of round() is a whole number of places, "
                        f"0–{MAX_PLACES}: e.g. round(x, 2)",
                    ),
                    digits.loc,
                )
                return mk_const(None), ERROR
            quantum = Decimal(1).scaleb(-int(digits.value))
            f0 = fns[0]
            mode = self.rounding
            return (lambda c: f0(c).quantize(quantum, rounding=mode)), types[0]
        if e.name == "abs":
            f0 = fns[0]
            return (lambda c: abs(f0(c))), types[0]
        result_t = next((t for t in types if not t.zero and not t.ratio), None) or next(
            (t for t in types if not t.zero), types[0]
        )
        for i, (a, t) in enumerate(zip(e.args, types, strict=True)):
            fns[i], types[i] = self.fit(fns[i], t, result_t, a)
        for a, t in zip(e.args, types, strict=True):
            if not same_num(t, result_t):
                self.error(
                    Msg(
                        f"{e.name}() 的参数量纲不同：{result_t.describe()} 与 {t.describe()}",
                        f"the arguments of {e.name}() differ: {result_t.describe('en')} and "
                        f"{t.describe('en')}",
                    ),
                    a.loc,
                )
                return mk_const(None), ERROR
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
                Msg(f"{e.name}() 需要两个参数", f"{e.name}() takes two arguments"),
                e.loc,
                Msg(f'如 {e.name}(name, "满意度")', f'e.g. {e.name}(name, "满意度")'),
            )
            return mk_const(False), ERROR
        for a, t in zip(e.args, types, strict=True):
            if t.kind not in ("str", "error"):
                self.error(Msg(f"{e.name}() 的参数应为文字", f"{e.name}() takes text"), a.loc)
                return mk_const(False), ERROR
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
            return mk_const(None), ERROR
        if lt.kind != "num" or rt.kind != "num":
            self.error(
                Msg(f"「{e.op}」两边应为数", f"both sides of {e.op!r} must be numbers"), e.loc
            )
            return mk_const(None), ERROR
        loc = e.loc
        if e.op in "+-":
            lf, lt2 = self.fit(lf, lt, rt, e.left)
            rf, rt = self.fit(rf, rt, lt, e.right)
            lt = lt2
            if lt.concrete and rt.concrete and lt.concrete != rt.concrete:
                a, b = lookup_unit(lt.concrete), lookup_unit(rt.concrete)
                if a is not None and b is not None and a.dimension != b.dimension:
                    self.error(
                        Msg(
                            f"不能把 {lt.concrete} 与 {rt.concrete} 相加减",
                            f"cannot add or subtract {lt.concrete} and {rt.concrete}",
                        ),
                        e.loc,
                    )
                    return mk_const(None), ERROR
            if not same_num(lt, rt):
                self.error(
                    Msg(
                        f"不能把{lt.describe()}与{rt.describe()}相加减",
                        f"cannot add or subtract {lt.describe('en')} and {rt.describe('en')}",
                    ),
                    e.loc,
                    type_hint(lt, rt),
                )
                return mk_const(None), ERROR
            t = rt if lt.zero else lt
            if e.op == "+":
                return (lambda c: lf(c) + rf(c)), t
            return (lambda c: lf(c) - rf(c)), t
        if e.op == "*":
            k = const_value(rf)
            if k is not None:
                v = k[0]
                return (lambda c: lf(c) * v), combine(lt, rt, 1)
            return (lambda c: lf(c) * rf(c)), combine(lt, rt, 1)

        def divide(c: Ctx) -> Decimal:
            denominator = rf(c)
            if not denominator:
                raise EvalError("除数为0", "division by zero", loc)
            result: Decimal = lf(c) / denominator
            return result

        if rt.zero:
            self.error(Msg("除以0", "division by zero"), e.right.loc)
        return divide, combine(lt, rt, -1)

    def _c_Neg(self, e: A.Neg, scope: Scope) -> tuple[Fn, TypeInfo]:
        f, t = self.compile(e.operand, scope)
        if t.kind not in ("num", "error"):
            self.error(Msg("负号后应为数", "a minus sign takes a number"), e.loc)
            return mk_const(None), ERROR
        return (lambda c: -f(c)), t

    def _c_Cmp(self, e: A.Cmp, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf, lt = self.compile(e.left, scope)
        rf, rt = self.compile(e.right, scope)
        if lt.kind == "error" or rt.kind == "error":
            return mk_const(False), BOOL
        self._check_domain(e.left, e.right)
        self._check_domain(e.right, e.left)
        if lt.kind == "num" and rt.kind == "num":
            lf, lt2 = self.fit(lf, lt, rt, e.left)
            rf, rt = self.fit(rf, rt, lt, e.right)
            lt = lt2
            if not self.check_concrete(lt, rt, e, ("比较", "compare")):
                return mk_const(False), BOOL
            if not same_num(lt, rt):
                self.error(_cannot_compare(lt, rt), e.loc, type_hint(lt, rt))
                return mk_const(False), BOOL
        elif lt.kind != rt.kind:
            self.error(_cannot_compare(lt, rt), e.loc)
            return mk_const(False), BOOL
        elif e.op not in ("==", "!="):
            self.error(
                Msg(
                    f"{lt.describe()}只能用 == 或 != 比较",
                    f"{lt.describe('en')} compares only with == or !=",
                ),
                e.loc,
            )
            return mk_const(False), BOOL
        fn = compare(e.op, lf, rf)
        if scope.lenient_units and (lt.concrete or rt.concrete):
            # choosing a rule: ``when target.value >= 10000元`` does not hold for a target in 人
            strict = fn

            def lenient(c: Ctx) -> bool:
                try:
                    return bool(strict(c))
                except DimensionError:
                    return False

            return lenient, BOOL
        return fn, BOOL

    def _check_domain(self, ref: A.Expr, const: A.Expr) -> None:
        if isinstance(ref, A.Ref) and isinstance(const, A.Str):
            domain = DOMAINS.get(ref.dotted)
            if domain is not None and const.value not in domain:
                self.error(
                    Msg(
                        f"「{ref.dotted}」不会等于「{const.value}」",
                        f"{ref.dotted} is never {const.value!r}",
                    ),
                    const.loc,
                    did_you_mean(const.value, domain)
                    or known((f'"{d}"' for d in domain if d), "可取值", "possible values"),
                    code="name",
                )

    def _c_In(self, e: A.In, scope: Scope) -> tuple[Fn, TypeInfo]:
        f, t = self.compile(e.item, scope)
        values = []
        for opt in e.options:
            if not isinstance(opt, A.Str | A.Num | A.Bool):
                self.error(
                    Msg("in 后的列表只能包含常量", "the list after in holds constants only"),
                    opt.loc,
                )
                return mk_const(False), BOOL
            self._check_domain(e.item, opt)
            of, ot = self.compile(opt, scope)
            if t.kind != "error" and ot.kind != t.kind:
                self.error(
                    Msg(
                        f"列表元素应为{t.describe()}",
                        f"the items of the list must be {t.describe('en')}",
                    ),
                    opt.loc,
                )
                return mk_const(False), BOOL
            values.append(of(Ctx()))
        options = frozenset(values)
        if e.negate:
            return (lambda c: f(c) not in options), BOOL
        return (lambda c: f(c) in options), BOOL

    def _c_Not(self, e: A.Not, scope: Scope) -> tuple[Fn, TypeInfo]:
        f = self.expect(e.operand, scope, BOOL, Msg("not 之后", "the operand of not"))
        return (lambda c: not f(c)), BOOL

    def _c_And(self, e: A.And, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf = self.expect(e.left, scope, BOOL, Msg("and 两边", "each side of and"))
        rf = self.expect(e.right, scope, BOOL, Msg("and 两边", "each side of and"))
        return (lambda c: lf(c) and rf(c)), BOOL

    def _c_Or(self, e: A.Or, scope: Scope) -> tuple[Fn, TypeInfo]:
        lf = self.expect(e.left, scope, BOOL, Msg("or 两边", "each side of or"))
        rf = self.expect(e.right, scope, BOOL, Msg("or 两边", "each side of or"))
        return (lambda c: lf(c) or rf(c)), BOOL

    def _c_If(self, e: A.If, scope: Scope) -> tuple[Fn, TypeInfo]:
        cf = self.expect(e.cond, scope, BOOL, Msg("if 条件", "an if condition"))
        tf, tt = self.compile(e.then, scope)
        of, ot = self.compile(e.otherwise, scope)
        if tt.kind == "error" or ot.kind == "error":
            return mk_const(None), ERROR
        tf, tt2 = self.fit(tf, tt, ot, e.then)
        of, ot = self.fit(of, ot, tt, e.otherwise)
        tt = tt2
        same = same_num(tt, ot) if tt.kind == "num" else tt.kind == ot.kind
        if not same:
            self.error(
                Msg(
                    f"then 与 else 的类型不同：{tt.describe()} 与 {ot.describe()}",
                    f"then and else differ: {tt.describe('en')} and {ot.describe('en')}",
                ),
                e.loc,
            )
            return mk_const(None), ERROR
        t = ot if tt.zero else tt
        kt, ko = const_value(tf), const_value(of)
        if kt is not None and ko is not None:
            vt, vo = kt[0], ko[0]
            return (lambda c: vt if cf(c) else vo), t
        if ko is not None:
            vo = ko[0]
            return (lambda c: tf(c) if cf(c) else vo), t
        return (lambda c: tf(c) if cf(c) else of(c)), t

    def _c_Bands(self, e: A.Bands, scope: Scope) -> tuple[Fn, TypeInfo]:
        sf, st = self.compile(e.subject, scope)
        if st.kind != "error" and st.dims == Q_DIMS:
            # ``bands actual { [0, 60%): … }``: the bounds are shares, so the indicator must be
            # a ratio (in %) when the rule runs
            sf, _ = self.fit(sf, TypeInfo("num", ratio=True), st, e.subject)
            inner = sf
            sloc = e.subject.loc

            def ratio_subject(c: Ctx) -> Any:
                if c.target_dim is not None and c.target_dim != DIMENSIONLESS:
                    raise DimensionError(
                        "分段的对象不是以百分比计的指标",
                        "bands over a quantity need an indicator in percent",
                        sloc,
                    )
                return inner(c)

            sf = ratio_subject
        elif st.kind != "error" and not same_num(st, NUM):
            self.error(
                Msg(
                    f"bands 的对象应为数或以百分比计的指标数量，这里是{st.describe()}",
                    "the subject of bands must be a number or a quantity in percent, not "
                    + st.describe("en"),
                ),
                e.subject.loc,
            )
        check_bands(
            [iv for iv, _ in e.bands],
            self.problems,
            e.loc,
            Msg("bands", "bands"),
            cover=(Decimal(0), None),
        )
        compiled = []
        result_t: TypeInfo | None = None
        for iv, value in e.bands:
            vf, vt = self.compile(value, scope)
            if vt.kind == "error":
                return mk_const(None), ERROR
            if result_t is None or result_t.zero:
                result_t = vt
            elif not (same_num(vt, result_t) if vt.kind == "num" else vt.kind == result_t.kind):
                self.error(
                    Msg(
                        f"各档取值的类型应相同（{result_t.describe()}）",
                        f"every band must give {result_t.describe('en')}",
                    ),
                    value.loc,
                )
                return mk_const(None), ERROR
            compiled.append((iv, vf))
        loc = e.loc

        def pick(c: Ctx) -> Any:
            x = sf(c)
            for iv, vf in compiled:
                if iv.contains(x):
                    return vf(c)
            raise EvalError(f"{x} 不在任何一档中", f"{x} falls in no band", loc)

        return pick, result_t or ERROR
