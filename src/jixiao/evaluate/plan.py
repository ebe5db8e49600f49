"""The columnar plan: a policy's indicator rules run over a chunk of rows at once, exactly.

Longer than 500 lines on purpose: the plan's compiler (splitting rule expressions into cell
parts and column parts) and its executor share one private column representation and must
change together; both are read against the row evaluator they reproduce.

列式计划：把一条策略的指标规则编译成按列执行的计划，一次为一批行评分；能精确处理的行逐列计算，
其余行交给逐行评分器，两条路径的结果逐字段相同。

The row-by-row evaluator (:mod:`jixiao.evaluate.indicators`) pays Python's price for every row:
parse, build a context, try each rule's closures, format findings. On rows whose actuals rarely
repeat (every unit reports its own number) nothing can be shared and that price is the floor. The
plan moves the per-row work into columns:

1. **Compiled once per policy** (:func:`plan_of`, kept by the evaluator, not on the policy): the
   indicator rules' syntax trees are read again from the policy's files, and every expression of
   a rule body (``met when``, ``score =``, ``reason required when``, each ``finding … when``,
   each ``accept``) is split into the parts that depend only on the row's two cells — target and
   actual — and the parts that read ``weight``, ``claimed``, ``met`` or ``scored``. A cell part
   is compiled by the policy's own expression compiler (the same closure the evaluator runs); the
   rest is interpreted over columns (``+ - * /``, negation, comparisons, ``in``, ``not``/``and``/
   ``or`` with their short-circuits, ``if``, ``min``/``max``/``clamp``/``abs``/``round``). A node
   the columns do not cover (``bands`` over the weight, a percent literal meeting a quantity
   outside a cell part …) makes its rule fall back. A policy whose rules read the row's labels
   or reason text has no plan.
2. **Per distinct pair of cells** in a chunk: both cells are parsed once (the shared parse
   caches), the reading of the actual is checked with the evaluator's own function (a reading
   that would add a finding — an approximation, a fraction read as a percent, an ambiguous
   quantity — falls back), units are checked, and the rule is chosen with the policy's own
   compiled ``when`` closures. The cell parts of the bodies are evaluated once per pair.
   **Per class of plain numbers**: a row whose actual is a bare number with at most a unit word
   (``47.23人``, ``61.8万元``, ``95.5%``: real returns rarely repeat these) is not paired. Its
   class — the plain numbers with that unit word under that target — is read once, from its first
   row: the number must read as written (not a bare number under a percent target, which may be
   a fraction, nor under a date target, which may be an Excel date), the units must agree, and
   every ``when`` up to the chosen rule must be decided without the actual's value (``and``/
   ``or``/``not`` short-circuit as the closures do: a negative target's rules read the actual,
   a positive target's do not). The rule's body is compiled with ``actual`` as a column (each
   row's number times its unit's factor, as the parser computes it) and every other cell part
   evaluated once per class. The actual's node is parsed only when a result's ``actual`` is read.
   A class that cannot be decided (or a body that reads ``actual.text``) sends its rows to the
   pair path.
3. **Per rule, over columns**: weights and claimed scores are exact Decimals in object columns
   (numpy), each operation applied element-wise in jixiao's decimal context, so every value is
   the very Decimal the evaluator computes (same operations, same order, same context; a
   division by zero, a ``claimed`` that is missing or any arithmetic error marks the row, which
   then falls back). The score is rounded by the policy; ``met``, out-of-range scores, the rule's
   findings, ``reason required``, the claim bounds, ``SCORE_MISMATCH`` with its tolerance and
   ``accept`` formulas become flag columns.
4. **Results**: a row with no finding flag becomes a result at once (its context is built only
   when read); the reason check runs once per distinct (reason text, severity) with the
   evaluator's own function. A row with a flag has its findings built by the evaluator's own
   functions (texts, severities, ``SCORE_UNVERIFIED``), in the evaluator's order, when they are
   first read (in jixiao's decimal context).

5. **Tier rules** (``score by tiers``, without findings or ``accept`` formulas of their own):
   for a pair of cells whose words, status, grade scale or date name its tier, the tier and its
   basis are read once per pair by the evaluator's own function (``cells_tier``), and each row's
   score, band and note on its claim by another (``tier_score``, the claim when it lies in the
   band, else the tier's default); ``reason required`` is a column as above. A flagged row's
   findings are made when first read by the evaluator's ``apply_rule`` and ``settle`` on its
   cells. The rows whose tier the cells do not name (an echo of the target, a tier read from
   the claim, none) go to the row evaluator.

Rows the plan does not handle (tiers the cells do not name, unscored rules, unreadable cells, a
missing weight, a reading finding, a policy error …) go through the row evaluator unchanged; the results
of both paths are compared field by field in ``tests/test_plan.py`` (every shipped policy,
generated rows and every corpus row). numpy is imported on first use; without it there is no
plan and the row evaluator does everything.
"""

from __future__ import annotations

import collections
import functools
import importlib
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from jixiao.catalog import stronger
from jixiao.decimals import in_context, jixiao_context
from jixiao.errors import JixiaoError, PolicyProblem, TargetSyntaxError
from jixiao.evaluate.checks import check_claim_bounds, check_reason
from jixiao.evaluate.findings import VERIFIED_BASES, Finding, finding
from jixiao.evaluate.indicators import assemble
from jixiao.evaluate.outcome import Outcome, new_ctx, unscored_outcome
from jixiao.evaluate.reading import read_actual
from jixiao.evaluate.results import IndicatorResult, make_result
from jixiao.evaluate.rows import (
    Draft,
    Scored,
    apply_rule,
    evaluate,
    finish_unscored,
    out_of_range,
    rule_finding,
    score_mismatch,
    settle,
)
from jixiao.evaluate.tiers import cells_tier, not_numeric, tier_score
from jixiao.forms.model import Indicator, cell_text, to_decimal
from jixiao.i18n import Msg
from jixiao.limits import CACHED_CHARS
from jixiao.policy import ast as A
from jixiao.policy.expressions import ExprCompiler
from jixiao.policy.files import parse_cached
from jixiao.policy.merge import merge_files
from jixiao.policy.model import CompiledRule, Policy, TierTableRT
from jixiao.policy.refs import BODY_ONLY, INDICATOR_REFS, Scope
from jixiao.policy.types import BOOL, Ctx, TypeInfo
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import Amount, Deadline, Node
from jixiao.targets.fast import plain_number
from jixiao.targets.parser import reading_of
from jixiao.units import Unit

__all__ = ["Plan", "plan_of", "score_chunk", "unmade_findings"]

# Names a rule body reads from the row rather than from its two cells.
_ROW_REFS = frozenset({"weight", "claimed", "met", "scored"})
_LABEL_REFS = frozenset({"name", "level1", "level2", "reason"})
# Names whose value differs between two plain numbers under the same target (``47.23人`` and
# ``51.9人`` under ``≥45人``): everything else a rule reads is the same for both.
_VARYING_REFS = frozenset({"actual", "actual.text"})


@functools.cache  # numpy once imported (import_module itself costs a lock and a lookup)
def _np() -> Any:
    return importlib.import_module("numpy")


class _Unsupported(JixiaoError):
    """An expression the columns do not cover: its rule falls back to the row evaluator (a
    signal inside the plan's compiler; it never leaves this module)."""


# ----------------------------------------------------------------------------- vectors
#
# A column value is ``(values, err)``: an object array (Decimals, bools, strings) and a bool
# array marking the rows where evaluating it raised (those rows fall back).

Vec = tuple[Any, Any]
VecFn = Callable[["_Frame"], Vec]


class _Frame:
    """The rows of one rule in one chunk, as columns, while the rule's body is evaluated."""

    def __init__(
        self, pidx: Any, pairs: Sequence[_Pair | _Class], weight: Any, claimed: Any, aq: Any
    ) -> None:
        np = _np()
        self.n = len(pidx)
        self.pidx = pidx  # each row's index into *pairs* (pairs of cells, or classes)
        self.pairs = pairs
        self.aq = aq  # each row's actual in its base unit (classes only)
        self.weight = weight
        self.claimed = claimed
        self.claimed_err = np.fromiter((c is None for c in claimed), dtype=bool, count=self.n)
        self.met: Vec | None = None
        self.scored: Vec | None = None
        self.none = np.zeros(self.n, dtype=bool)


def _ew(op: Callable[..., Any], args: Sequence[Any], err: Any) -> Vec:
    """``op`` applied element-wise; a row where it raises is marked (and gets None)."""
    np = _np()
    try:
        values = np.frompyfunc(op, len(args), 1)(*args)
        if not isinstance(values, np.ndarray):  # zero rows
            values = np.empty(0, dtype=object)
        return values, err
    except Exception:
        n = len(err)
        out = np.empty(n, dtype=object)
        err = err.copy()
        for i in range(n):
            if err[i]:
                continue
            try:
                out[i] = op(*(a[i] for a in args))
            except Exception:
                err[i] = True
        return out, err


def _vec(whole: Callable[..., Any], op: Callable[..., Any], args: Sequence[Any], err: Any) -> Vec:
    """``op`` element-wise as *whole* computes it over the columns at once (numpy's own loops
    over the objects: the same operations on the same values, without a Python call a row);
    if *whole* raises anywhere, :func:`_ew` finds the rows where ``op`` raises."""
    try:
        return whole(*args), err
    except Exception:
        return _ew(op, args, err)


def _truth(v: Vec) -> Any:
    """Each value's truth (``bool(x)``, as the closures' ``if``/``and``/``or`` take it); False
    where evaluating it raised."""
    np = _np()
    values, err = v
    if values.dtype == bool:
        return values & ~err
    try:
        return values.astype(bool) & ~err  # bool() of each object, in numpy's loop
    except Exception:  # pragma: no cover - a policy value is always a bool here
        out = np.zeros(len(err), dtype=bool)
        for i, x in enumerate(values):
            if not err[i]:
                try:
                    out[i] = bool(x)
                except Exception:
                    err[i] = True
        return out


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_CMPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
#: numpy's comparisons, for object columns the same rich comparisons as ``_CMPS``.
_UFUNCS = {
    ">=": "greater_equal",
    ">": "greater",
    "<=": "less_equal",
    "<": "less",
    "==": "equal",
    "!=": "not_equal",
}


class _Compiler:
    """Splits an expression into cell parts (the policy's closures, run once per pair of cells)
    and row parts (interpreted over columns)."""

    def __init__(
        self, policy: Policy, params: dict[str, tuple[TypeInfo, Any]], *, classes: bool = False
    ) -> None:
        self.params = params
        # for classes of plain numbers (see _Class): the actual's value is a column, the rest of
        # the cells' parts are the same for every row of a class
        self.classes = classes
        self.ec = ExprCompiler([], policy.rounding)
        self.scope = Scope(INDICATOR_REFS, params, where=Msg("列式计划", "the columnar plan"))
        self.ratio_params = {
            name for name, (t, _v) in params.items() if t.ratio or t.concrete or t.dims
        }
        self.rounding = self.ec.rounding

    def row_level(self, e: Any) -> bool:
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, A.Ref):
                if x.dotted in _LABEL_REFS:
                    raise _Unsupported(x.dotted)
                if len(x.path) == 1 and x.dotted in _ROW_REFS and x.dotted not in self.params:
                    return True
            stack.extend(A.children(x))
        return False

    def has_units(self, e: Any) -> bool:
        """A percent or unit literal (or a ``let`` of one) somewhere in *e*: next to a row part
        the compiler would check its dimension, which the columns do not do."""
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, A.Num):
                if x.unit not in (None, "分") or x.text.endswith(("%", "‰")):
                    return True
            elif isinstance(x, A.Ref):
                if x.dotted in self.ratio_params:
                    return True
            elif isinstance(x, A.Bands):
                return True
            stack.extend(A.children(x))
        return False

    def compile(self, e: Any) -> VecFn:
        row = self.row_level(e)
        if self.classes and _varying(e, self.params):
            if isinstance(e, A.Ref):
                if e.dotted != "actual":
                    raise _Unsupported(e.dotted)
                return lambda f: (f.aq, f.none)
        elif not row:
            part: VecFn = self.cell_part(e)
            return part
        if isinstance(e, A.Ref):
            name = e.dotted
            if name == "weight":
                return lambda f: (f.weight, f.none)
            if name == "claimed":
                return lambda f: (f.claimed, f.claimed_err)
            if name == "met":

                def met(f: _Frame) -> Vec:
                    assert f.met is not None
                    return f.met

                return met

            def scored(f: _Frame) -> Vec:
                assert f.scored is not None
                return f.scored

            return scored
        if isinstance(e, A.BinOp):
            self.no_fit(e.left, e.right, e.op in "+-")
            lf, rf = self.compile(e.left), self.compile(e.right)
            if e.op == "/":
                return _divide(lf, rf)
            op = _BINOPS[e.op]

            def binop(f: _Frame) -> Vec:
                (lv, le), (rv, re_) = lf(f), rf(f)
                return _ew(op, (lv, rv), le | re_)

            return binop
        if isinstance(e, A.Neg):
            inner = self.compile(e.operand)

            def neg(f: _Frame) -> Vec:
                v, err = inner(f)
                return _ew(operator.neg, (v,), err)

            return neg
        if isinstance(e, A.Cmp):
            self.no_fit(e.left, e.right, True)
            lf, rf = self.compile(e.left), self.compile(e.right)
            cmp = _CMPS[e.op]

            whole = getattr(_np(), _UFUNCS[e.op])  # the comparison over whole columns

            def compare(f: _Frame) -> Vec:
                (lv, le), (rv, re_) = lf(f), rf(f)
                v, err = _vec(whole, cmp, (lv, rv), le | re_)
                return _truth((v, err)), err

            return compare
        if isinstance(e, A.In):
            item = self.compile(e.item)
            options = frozenset(self.cell_part(o)(None) for o in e.options)  # constants
            negate = e.negate

            def member(f: _Frame) -> Vec:
                v, err = item(f)
                hit, err = _ew(
                    lambda x: (x not in options) if negate else (x in options), (v,), err
                )
                return _truth((hit, err)), err

            return member
        if isinstance(e, A.Not):
            inner = self.compile(e.operand)

            def not_(f: _Frame) -> Vec:
                v, err = inner(f)
                return ~_truth((v, err)), err

            return not_
        if isinstance(e, A.And | A.Or):
            lf, rf = self.compile(e.left), self.compile(e.right)
            is_and = isinstance(e, A.And)

            def logic(f: _Frame) -> Vec:
                lv, le = lf(f)
                lt = _truth((lv, le))
                if not (lt.any() if is_and else not lt.all()):
                    return lt, le  # the right side runs on no row
                rv, re_ = rf(f)
                rt = _truth((rv, re_))
                if is_and:  # the right side runs only where the left holds
                    return lt & rt, le | (lt & re_)
                return lt | rt, le | (~lt & re_)

            return logic
        if isinstance(e, A.If):
            self.no_fit(e.then, e.otherwise, True)
            cf, tf, of = self.compile(e.cond), self.compile(e.then), self.compile(e.otherwise)

            def if_(f: _Frame) -> Vec:
                np = _np()
                cv, ce = cf(f)
                c = _truth((cv, ce))
                (tv, te), (ov, oe) = tf(f), of(f)
                return np.where(c, tv, ov), ce | (c & te) | (~c & oe)

            return if_
        if isinstance(e, A.Call):
            return self.call(e)
        raise _Unsupported(type(e).__name__)

    def no_fit(self, left: Any, right: Any, fits: bool) -> None:
        if fits and (self.has_units(left) or self.has_units(right)):
            raise _Unsupported("a percent or unit literal beside a row value")

    def call(self, e: A.Call) -> VecFn:
        if e.name in ("min", "max", "clamp"):
            for a in e.args:
                if self.has_units(a):
                    raise _Unsupported("a percent or unit literal in min/max")
            fns = [self.compile(a) for a in e.args]
            if e.name == "clamp":
                lo = _fold(operator.gt, fns[:2])  # max(x, lo)
                return _fold(operator.lt, [lo, fns[2]])  # min(…, hi)
            return _fold(operator.lt if e.name == "min" else operator.gt, fns)
        if e.name == "abs" and len(e.args) == 1:
            inner = self.compile(e.args[0])

            def abs_(f: _Frame) -> Vec:
                v, err = inner(f)
                return _ew(abs, (v,), err)

            return abs_
        if e.name == "round" and len(e.args) == 2 and isinstance(e.args[1], A.Num):
            inner = self.compile(e.args[0])
            quantum = Decimal(1).scaleb(-int(e.args[1].value))
            mode = self.rounding

            def round_(f: _Frame) -> Vec:
                v, err = inner(f)
                return _ew(lambda x: x.quantize(quantum, rounding=mode), (v,), err)

            return round_
        raise _Unsupported(e.name)

    def cell_part(self, e: Any) -> Any:
        """A part that reads only the cells (or nothing): the policy compiler's own closure,
        run once per pair of cells (or once, for a constant)."""
        problems: list[PolicyProblem] = []
        self.ec.problems = problems
        fn, t = self.ec.compile(e, self.scope)
        if problems or t.kind == "error":
            raise _Unsupported("does not compile alone")
        if _constant(e):
            try:
                value = fn(Ctx())
            except Exception as err:
                raise _Unsupported("a constant that fails") from err

            def const(f: _Frame | None) -> Any:
                if f is None:
                    return value
                np = _np()
                out = np.empty(f.n, dtype=object)
                out.fill(value)
                return out, f.none

            return const
        key = object()

        def cells(f: _Frame | None) -> Any:
            if f is None:
                raise _Unsupported("not a constant")
            np = _np()
            values = np.empty(len(f.pairs), dtype=object)
            err = np.zeros(len(f.pairs), dtype=bool)
            for i, p in enumerate(f.pairs):
                got = p.parts.get(key, _MISSING)
                if got is _MISSING:
                    try:
                        got = fn(p.ctx)
                    except Exception:
                        got = _FAILED
                    p.parts[key] = got
                if got is _FAILED:
                    err[i] = True
                else:
                    values[i] = got
            return values[f.pidx], err[f.pidx]

        return cells


_MISSING = object()
_FAILED = object()


def _varying(e: Any, params: Mapping[str, Any]) -> bool:
    """Whether *e* reads the actual's own value (see :data:`_VARYING_REFS`)."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, A.Ref) and x.dotted in _VARYING_REFS and x.dotted not in params:
            return True
        stack.extend(A.children(x))
    return False


# ----------------------------------------------------------------------------- choosing a rule
#
# A rule's ``when`` as a tree of and/or/not over leaves: a leaf that does not read the actual's
# own value is the policy compiler's closure; one that does is _VARY. Deciding the tree on the
# context of one plain number of a class decides it for the whole class, or says it cannot.

_VARY = object()
_ERROR = object()
WhenTree = tuple[Any, ...]


def _when_tree(e: Any, ec: ExprCompiler, scope: Scope) -> WhenTree:
    if e is None:
        return ("true",)
    if isinstance(e, A.And | A.Or):
        kind = "and" if isinstance(e, A.And) else "or"
        return (kind, _when_tree(e.left, ec, scope), _when_tree(e.right, ec, scope))
    if isinstance(e, A.Not):
        return ("not", _when_tree(e.operand, ec, scope))
    if _varying(e, scope.params):
        return ("vary",)
    problems: list[PolicyProblem] = []
    ec.problems = problems
    fn = ec.expect(e, scope, BOOL, Msg("when 条件", "a when condition"))
    if problems:
        return ("vary",)  # pragma: no cover - the policy compiled these very expressions
    return ("leaf", fn)


def _decide(tree: WhenTree, ctx: Ctx) -> Any:
    """True, False, _VARY (it depends on the actual's value) or _ERROR (evaluating raised): as
    the policy's own closure (``lf(c) and rf(c)``, ``lf(c) or rf(c)``, ``not f(c)``) would."""
    kind = tree[0]
    if kind == "true":
        return True
    if kind == "leaf":
        try:
            return bool(tree[1](ctx))
        except Exception:
            return _ERROR
    if kind == "vary":
        return _VARY
    if kind == "not":
        got = _decide(tree[1], ctx)
        return got if got is _VARY or got is _ERROR else not got
    left = _decide(tree[1], ctx)
    if left is _VARY or left is _ERROR:
        return left
    if (kind == "and" and not left) or (kind == "or" and left):
        return left
    return _decide(tree[2], ctx)


def _constant(e: Any) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, A.Ref | A.Bands | A.Call):
            return False
        if isinstance(x, A.Num) and x.unit not in (None, "分"):
            return False  # a unit literal checks the indicator's dimension
        stack.extend(A.children(x))
    return True


def _divide(lf: VecFn, rf: VecFn) -> VecFn:
    def divide(f: _Frame) -> Vec:
        (lv, le), (rv, re_) = lf(f), rf(f)
        zero, err = _ew(operator.not_, (rv,), le | re_)  # ``if not denominator`` raises
        bad = err | _truth((zero, err))
        return _ew(operator.truediv, (lv, rv), bad)

    return divide


def _fold(better: Callable[[Any, Any], Any], fns: list[VecFn]) -> VecFn:
    """``min``/``max`` as Python computes them: the first value, replaced by each later one
    that is strictly better (so of equal values the first is kept, exponent and all)."""

    def fold(f: _Frame) -> Vec:
        np = _np()
        values, err = fns[0](f)
        for fn in fns[1:]:
            v, e = fn(f)
            err = err | e
            take, err = _ew(better, (v, values), err)
            values = np.where(_truth((take, err)), v, values)
        return values, err

    return fold


# ----------------------------------------------------------------------------- the plan


class _RulePlan:
    """One rule's body as column functions."""

    __slots__ = ("accepts", "findings", "met", "reason", "reason_always", "rule", "score")

    def __init__(self, rule: CompiledRule, ast_rule: A.Rule, comp: _Compiler) -> None:
        self.rule = rule
        if comp.classes and _varying(ast_rule.when, comp.params):
            raise _Unsupported("the rule is chosen by the actual's value")
        met_stmts = [s for s in ast_rule.stmts if isinstance(s, A.MetStmt)]
        scorers = [s for s in ast_rule.stmts if isinstance(s, A.ScoreStmt)]
        if rule.score is None or len(scorers) != 1 or len(met_stmts) > 1:
            raise _Unsupported("not a score formula")
        self.met = comp.compile(met_stmts[0].cond) if met_stmts else None
        self.score = comp.compile(scorers[0].expr)
        self.reason, self.reason_always = _reason(rule, ast_rule, comp)
        finding_fns: list[VecFn | None] = []
        accepts: list[VecFn] = []
        for s in ast_rule.stmts:
            if isinstance(s, A.FindingStmt):
                finding_fns.append(comp.compile(s.cond) if s.cond is not None else None)
            elif isinstance(s, A.AcceptStmt):
                accepts.append(comp.compile(s.expr))
        if len(finding_fns) != len(rule.findings) or len(accepts) != len(rule.accepts):
            raise _Unsupported("body does not match")  # pragma: no cover
        self.findings = finding_fns
        self.accepts = accepts


class _TierPlan:
    """A rule that scores by a tier table (``score by tiers``), for the rows whose cells name
    their tier (words, status, a grade scale, a date against the deadline: :func:`cells_tier`,
    once per pair of cells): each row's score and band follow from its tier, weight and claim
    (:func:`tier_score`), its ``reason required`` is a column. A rule with a ``met``, findings
    or ``accept`` formulas of its own is left to the row evaluator, and so are the rows whose
    tier the cells do not name (an echo of the target, a tier read from the claim, none)."""

    __slots__ = ("reason", "reason_always", "rule", "table")

    def __init__(
        self, policy: Policy, rule: CompiledRule, ast_rule: A.Rule, comp: _Compiler
    ) -> None:
        if rule.tiers is None or rule.score is not None or rule.met is not None:
            raise _Unsupported("not a tier rule")  # pragma: no cover - only tier rules come here
        if rule.findings or rule.accepts:
            raise _Unsupported("a tier rule with findings or accept formulas of its own")
        self.rule = rule
        self.table: TierTableRT = policy.tiers[rule.tiers]
        for st in ast_rule.stmts:
            if not isinstance(st, A.ReasonStmt | A.TiersStmt | A.ExplainStmt):
                raise _Unsupported(type(st).__name__)
        self.reason, self.reason_always = _reason(rule, ast_rule, comp)


def _reason(
    rule: CompiledRule, ast_rule: A.Rule, comp: _Compiler
) -> tuple[tuple[VecFn, bool] | None, bool]:
    """A rule's ``reason required``: its condition as a column function with whether it is an
    ``unless``, or None; and whether a reason is always required (no condition)."""
    reason: tuple[VecFn, bool] | None = None
    always = False
    for st in ast_rule.stmts:
        if isinstance(st, A.ReasonStmt):
            if st.cond is None:
                always = True
            else:
                reason = (comp.compile(st.cond), st.unless)
    if always != rule.reason_always or (reason is None) != (rule.reason is None):
        raise _Unsupported("reason statements do not match")  # pragma: no cover
    return reason, always


class Plan:
    """A policy's indicator rules compiled for columns (see the module docstring)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.rules = policy.rules
        # for each rule, in order: whether its ``when`` reads only the cells, and its body plan
        self.when_cells: list[bool] = []
        self.bodies: list[_RulePlan | None] = []
        self.usable = False
        if policy.row_fields:
            return  # the rules read the labels or the reason text: every row on its own
        files = [parse_cached(display, text) for display, text in policy.chain]
        merged = merge_files(files, [], [])
        if len(merged.rules) != len(policy.rules):
            return  # pragma: no cover - the policy was built from these files
        params = _params(policy, merged.lets)
        if params is None:
            return
        comp = _Compiler(policy, params)
        classes = _Compiler(policy, params, classes=True)
        when_ec = ExprCompiler([], policy.rounding)
        when_scope = Scope(
            INDICATOR_REFS,
            params,
            forbid=BODY_ONLY,
            where=Msg("when 条件", "a when condition"),
            lenient_units=True,
        )
        # for each rule, in order: its ``when`` as a tree, and its body for classes of plain
        # numbers (see _Class)
        self.when_trees: list[WhenTree] = []
        self.class_bodies: list[_RulePlan | None] = []
        # for each rule scored by a tier table: what the rows need besides their tier (see
        # _TierPlan); None for any other rule, or one the columns do not cover
        self.tier_bodies: list[_TierPlan | None] = []
        for ast_rule, rule in zip(merged.rules, policy.rules, strict=True):
            if ast_rule.name != rule.name or f"{ast_rule.loc.source}:{ast_rule.loc.line}" != (
                rule.where
            ):
                return  # pragma: no cover - the policy was built from these files
            try:
                cells = ast_rule.when is None or not comp.row_level(ast_rule.when)
            except _Unsupported:
                cells = False
            self.when_cells.append(cells)
            try:
                body: _RulePlan | None = _RulePlan(rule, ast_rule, comp)
            except _Unsupported:
                body = None
            self.bodies.append(body)
            self.when_trees.append(_when_tree(ast_rule.when, when_ec, when_scope))
            try:
                cbody: _RulePlan | None = _RulePlan(rule, ast_rule, classes)
            except _Unsupported:
                cbody = None
            self.class_bodies.append(cbody)
            try:
                tbody = _TierPlan(policy, rule, ast_rule, comp) if rule.tiers is not None else None
            except _Unsupported:
                tbody = None
            self.tier_bodies.append(tbody)
        self.usable = any(b is not None for b in (*self.bodies, *self.tier_bodies))
        self.reasons: dict[tuple[str, str], tuple[Finding, ...]] = {}
        self.numbers: dict[Any, Decimal | bool | None] = {}
        # (target, unit word, or for a bare number whether it is in (0, 1]): see _class
        self.classes: dict[tuple[str, str | bool], _Class | None] = {}
        self.pairs: dict[tuple[str, str], _Pair | None] = {}
        # rows without a weight: their cells' nodes (None: a cell does not read), and by claimed
        # value their findings and note
        self.nodes: dict[tuple[str, str], tuple[Any, Any] | None] = {}
        # (target, unit word): the target's node when a plain number under it reads (None: not
        # a date target's, checked once from the first such row)
        self.plain_reads: dict[tuple[str, str | None], Any] = {}
        self.weightless: dict[str | None, tuple[tuple[Finding, ...], Any]] = {}
        # rows whose target does not read, with a plain number actual: by (target, unit word,
        # weight, claimed) their findings and note (None: the row evaluator scores them)
        self.unreadable: dict[tuple[str, str | None, str, str | None], Any] = {}


def _params(
    policy: Policy, lets: Mapping[str, tuple[A.Expr, Any]]
) -> dict[str, tuple[TypeInfo, Any]] | None:
    """The ``let`` values with their types, as the loader compiled them."""
    problems: list[PolicyProblem] = []
    ec = ExprCompiler(problems, policy.rounding)
    params: dict[str, tuple[TypeInfo, Any]] = {}
    for name, (expr, _loc) in lets.items():
        fn, t = ec.compile(expr, Scope({}, params, where=Msg("let 定义", "a let definition")))
        if t.kind == "error":
            continue
        try:
            value = fn(Ctx())
        except Exception:
            continue
        params[name] = (t, value)
    if problems or {k: v for k, (_t, v) in params.items()} != dict(policy.params):
        return None  # pragma: no cover - the same files compile the same way
    return params


PLAN_POLICIES = 8
_PLANS: collections.OrderedDict[int, tuple[Policy, Plan | None]] = collections.OrderedDict()
_PLANS_LOCK = threading.Lock()


def plan_of(policy: Policy) -> Plan | None:
    """The columnar plan of *policy* (compiled on first use and kept, like the outcome memo, by
    the evaluator for the last :data:`PLAN_POLICIES` policies); None when numpy is missing or no
    rule of the policy can run on columns."""
    entry = _PLANS.get(id(policy))
    if entry is not None and entry[0] is policy:
        return entry[1]
    with _PLANS_LOCK:
        try:
            _np()
            plan: Plan | None = Plan(policy)
        except ImportError:
            plan = None
        if plan is not None and not plan.usable:
            plan = None
        _PLANS[id(policy)] = (policy, plan)
        _PLANS.move_to_end(id(policy))
        while len(_PLANS) > PLAN_POLICIES:
            _PLANS.popitem(last=False)
        return plan


# ----------------------------------------------------------------------------- chunks


class _Pair:
    """One distinct (target, actual) pair of cells: parsed, read, its rule chosen."""

    __slots__ = ("actual", "ctx", "parts", "rule", "target", "tier")

    def __init__(self, target: Any, actual: Any, ctx: Ctx, rule: int) -> None:
        self.target = target
        self.actual = actual
        self.ctx = ctx
        self.rule = rule
        self.parts: dict[object, Any] = {}
        # under a tier rule: the tier the cells name, how (the basis), and whether the actual
        # lacks the number or date the target asks for (ACTUAL_NOT_NUMERIC)
        self.tier: tuple[str, str, bool] | None = None


class _Class:
    """The plain numbers (``47.23人``, ``51.9人`` …) written with one unit word, or none, under
    one target: read as written, the same rule chosen for each, and every part of a rule that
    does not read the actual's own value the same for each. Its context is one member's."""

    __slots__ = ("ctx", "factor", "parts", "rule", "target")

    def __init__(self, target: Any, ctx: Ctx, rule: int, unit: Unit | None) -> None:
        self.target = target
        self.ctx = ctx
        self.rule = rule
        self.factor = unit.factor if unit is not None else None
        self.parts: dict[object, Any] = {}


#: Classes a plan keeps (then it starts again): targets times the unit words their actuals use.
PLAN_CLASSES = 16384
#: Pairs of cells a plan keeps, read and given their rule (or found to need the row evaluator).
PLAN_PAIRS = 8192


class _Unreadable:
    """The class of the plain numbers under a target that does not read (see _unreadable)."""

    __slots__ = ()


_UNREADABLE = _Unreadable()


def _class(
    plan: Plan, target: str, actual: str, plain: tuple[str, str | None]
) -> _Class | _Unreadable | None:
    """The class of a plain number *actual* (``plain``: its digits and unit word) under
    *target*, or None when its rows take the pair path: the number is not always read as
    written (under a date target a bare number may be an Excel date), the units do not match,
    or choosing the rule needs the actual's value. Under a percent target a bare number in
    (0, 1] is a fraction (or reads two ways) and any other is a percent as written: the caller
    keys bare numbers by which of the two they are, and the first has no class. Under a target
    that does not read, every plain number is one class: :data:`_UNREADABLE`."""
    try:
        tnode = parse_target(target)
    except TargetSyntaxError:
        return _UNREADABLE
    except Exception:  # pragma: no cover - parsing raises only TargetSyntaxError
        return None
    try:
        unit, mode = reading_of(tnode)
        # under a deadline a bare number may be an Excel date, and whether the row says when it
        # was done is read (read_actual): such rows take the pair path
        if isinstance(tnode, Deadline) or (
            plain[1] is None and mode in ("fraction", "either") and 0 < Decimal(plain[0]) <= 1
        ):
            return None
        anode = parse_actual(actual, tnode)
        if not _as_written(anode):
            return None  # pragma: no cover - a plain number reads as a plain amount
        q = anode.amount  # type: ignore[union-attr]
        if q.value != Decimal(plain[0]) or (plain[1] is None and q.unit is not unit):
            return None  # pragma: no cover - as the fast path reads it
        ctx = _context(tnode, anode)
        if ctx is None:
            return None
        for k, tree in enumerate(plan.when_trees):
            if not plan.when_cells[k]:
                return None
            got = _decide(tree, ctx)
            if got is _VARY or got is _ERROR:
                return None
            if got:
                return _Class(tnode, ctx, k, q.unit) if plan.class_bodies[k] is not None else None
    except Exception:
        return None
    return None


_STUB = Indicator("", "", "", None)


def _as_written(anode: Any) -> bool:
    """An amount read as written (``47.23人``): no reading, approximation or words around it to
    note (``较上年提高5%`` reports a change, ``95%（预计）`` a forecast: :func:`read_actual`
    reads them)."""
    return (
        type(anode) is Amount
        and anode.reading is None
        and anode.approx is None
        and anode.label is None
        and anode.note is None
    )


def _context(tnode: Any, anode: Any) -> Ctx | None:
    """The rule context of two cells, or None when their units do not agree."""
    ctx = new_ctx(tnode, anode, None, None)
    if ctx.aq is not None and ctx.target_dim is not None and ctx.actual_dim != ctx.target_dim:
        return None
    return ctx


def _pair(plan: Plan, target: str, actual: str) -> _Pair | None:
    """The pair's parse and rule, or None when the row evaluator must score it."""
    try:
        tnode = parse_target(target)
        anode = parse_actual(actual, tnode)
        # else the reading may add a finding (under a deadline, on the date): check it
        if isinstance(tnode, Deadline) or not _as_written(anode):
            notes: list[Finding] = []
            if not read_actual(_STUB, tnode, anode, notes) or notes:
                return None
        ctx = _context(tnode, anode)
        if ctx is None:
            return None
        for k, r in enumerate(plan.rules):
            if not plan.when_cells[k]:
                return None
            if r.when is None or r.when(ctx):
                if plan.bodies[k] is not None:
                    return _Pair(tnode, anode, ctx, k)
                tbody = plan.tier_bodies[k]
                if tbody is None:
                    return None
                tier, basis = cells_tier(tbody.table, ctx)
                if tier is None:
                    return None  # an echo, a tier read from the claim, or none: the evaluator
                pair = _Pair(tnode, anode, ctx, k)
                pair.tier = (tier, basis, not_numeric(ctx))
                return pair
    except Exception:
        return None
    return None


def _number(plan: Plan, value: Any, where: str) -> Decimal | bool | None:
    """A weight or claimed cell as the evaluator reads it; False when it is not plain."""
    t = type(value)
    if value is None:
        return None
    if t is int or t is str:
        key: Any = (where, t, value)
    elif t is float:
        key = (where, "f", repr(value))
    elif t is Decimal:
        key = (where, "d", str(value))
    else:
        return False
    got: Decimal | bool | None = plan.numbers.get(key, _MISSING)  # type: ignore[arg-type]
    if got is not _MISSING:
        return got
    try:
        got = to_decimal(value, where=where)
    except Exception:
        got = False
    if len(plan.numbers) > 4096:
        plan.numbers.clear()
    plan.numbers[key] = got
    return got


class _LazyActual(Outcome):
    """An outcome whose actual's node (a plain number's: it always reads) is parsed when first
    read (most results never read it)."""

    __slots__ = ("_atext",)
    _atext: str | None

    @property
    def actual(self) -> Node | None:
        node: Node | None = _ACTUAL_SLOT.__get__(self)
        if node is None and self._atext is not None:
            node = parse_actual(self._atext, self.target)  # type: ignore[arg-type]
            _ACTUAL_SLOT.__set__(self, node)
        return node

    @actual.setter
    def actual(self, value: Node | None) -> None:
        _ACTUAL_SLOT.__set__(self, value)


class _LazyOutcome(_LazyActual):
    """An outcome whose rule context (and, for a class of plain numbers, the actual's node) is
    built when first read (most results never read them)."""

    __slots__ = ("_met",)
    _met: bool | None

    @property
    def ctx(self) -> Ctx | None:
        ctx: Ctx | None = _CTX_SLOT.__get__(self)
        if ctx is None:
            assert self.target is not None and self.actual is not None
            with jixiao_context():  # read later, perhaps in the caller's context
                ctx = new_ctx(self.target, self.actual, self.weight, self.claimed)
            ctx.met = self._met
            ctx.scored = self.score
            _CTX_SLOT.__set__(self, ctx)
        return ctx

    @ctx.setter
    def ctx(self, value: Ctx | None) -> None:
        _CTX_SLOT.__set__(self, value)


_CTX_SLOT: Any = Outcome.__dict__["ctx"]
_ACTUAL_SLOT: Any = Outcome.__dict__["actual"]


def _outcome(
    policy: Policy,
    rule: CompiledRule,
    target: Any,
    actual: Any,
    atext: str | None,
    weight: Decimal,
    claimed: Decimal | None,
    score: Decimal,
    raw: Decimal,
    met: bool,
) -> Outcome:
    o = _LazyOutcome(
        weight,
        score,
        claimed,
        met,
        rule,
        raw,
        None,
        "formula",
        None,
        target,
        actual,
        policy,
        None,
        None,
    )
    o._met = met
    o._atext = atext
    return o


@in_context
def score_chunk(
    plan: Plan, rows: Sequence[Any], keyed: Sequence[Any] | None = None, *, tiers: bool = True
) -> list[IndicatorResult | None]:
    """Score the rows the plan handles (dicts in the ``indicators[]`` shape); None for each row
    the row evaluator must score. Results are exactly the evaluator's (``score_mapping``).
    *keyed*: each row's shared-outcome key as ``score_rows`` made it (``mapping_key``: its text
    cells already checked and trimmed, in the same way), so that they are not checked again.

    A row whose actual is a plain number (``47.23人``) is scored with its class (the plain
    numbers with that unit word under that target: :class:`_Class`), which is read and given its
    rule once; the number itself is a column. Any other row is scored with its pair of cells.

    *tiers*: whether to score the rows of tier rules too (:class:`_TierPlan`). ``score_rows``
    leaves them to the row evaluator: a stream's tier rows repeat (a few words, a few claims),
    and there a miss scored into the shared outcomes makes every repeat a hit."""
    np = _np()
    n = len(rows)
    out: list[IndicatorResult | None] = [None] * n
    pairs = plan.pairs
    classes = plan.classes
    # per rule: row numbers, pair of each row, weight, claimed
    groups: dict[int, tuple[list[int], list[_Pair], list[Decimal], list[Decimal | None]]] = {}
    # per rule: row numbers, class of each row, weight, claimed, actual (base unit), actual text
    cgroups: dict[int, tuple[list[int], list[_Class], list[Any], list[Any], list[Any], list[str]]]
    cgroups = {}
    labels: list[tuple[str, str, str, Any] | None] = [None] * n
    for i, row in enumerate(rows):
        if type(row) is not dict or "target" not in row or "actual" not in row:
            continue
        get = row.get
        reason = get("reason")
        if keyed is not None:
            mkey, name, level1, level2 = keyed[i]
            target, actual = mkey[0], mkey[1]
        else:
            name, level1, level2 = get("name"), get("level1"), get("level2")
            target, actual = row["target"], row["actual"]
            for v in (name, level1, level2, target, actual, reason):
                if type(v) is str:
                    if len(v) > CACHED_CHARS or (not v.isprintable() and _invalid_text(v)):
                        break  # a long or invalid text: the row evaluator checks it
                elif v is not None and type(v) is not int and type(v) is not float:
                    break
            else:
                v = _MISSING
            if v is not _MISSING:
                continue
            name = name.strip() if type(name) is str else cell_text(name)
            level1 = level1.strip() if type(level1) is str else cell_text(level1)
            level2 = level2.strip() if type(level2) is str else cell_text(level2)
            target = target.strip() if type(target) is str else cell_text(target)
            actual = actual.strip() if type(actual) is str else cell_text(actual)
        weight = _number(plan, get("weight"), "weight")
        if weight is False:
            continue
        claimed = _number(plan, get("score"), "score")
        if claimed is False:
            continue
        if weight is None:  # no weight: not scored, whatever the cells say (once they read)
            out[i] = _weightless(plan, target, actual, claimed, name, level1, level2)  # type: ignore[arg-type]
            continue
        num = plain_number(actual)
        cls: Any = None
        if num is not None:
            value = Decimal(num[0])
            # a bare number is read by its value under a percent target (see _class)
            ckey = (target, num[1] if num[1] is not None else 0 < value <= 1)
            cls = classes.get(ckey, _MISSING)
            if cls is _MISSING:
                cls = _class(plan, target, actual, num)
                if len(classes) >= PLAN_CLASSES:
                    classes.clear()
                classes[ckey] = cls
        if cls is _UNREADABLE:
            got = _unreadable(plan, target, actual, num[1], weight, claimed, name, level1, level2)  # type: ignore[arg-type, index]
            if got is not None:
                out[i] = got
            continue  # else the row evaluator scores it
        if cls is not None:
            cg = cgroups.get(cls.rule)
            if cg is None:
                cg = cgroups[cls.rule] = ([], [], [], [], [], [])
            cg[0].append(i)
            cg[1].append(cls)
            cg[2].append(weight)
            cg[3].append(claimed)
            cg[4].append(value * cls.factor if cls.factor is not None else value)
            cg[5].append(actual)
        else:
            key2 = (target, actual)
            pair = pairs.get(key2, _MISSING)
            if pair is _MISSING:
                pair = _pair(plan, target, actual)
                if len(pairs) >= PLAN_PAIRS:
                    pairs.clear()
                pairs[key2] = pair
            if pair is None:
                continue
            assert isinstance(pair, _Pair) and isinstance(weight, Decimal)
            if pair.tier is not None and not tiers:
                continue
            g = groups.get(pair.rule)
            if g is None:
                g = groups[pair.rule] = ([], [], [], [])
            g[0].append(i)
            g[1].append(pair)
            g[2].append(weight)
            g[3].append(claimed)  # type: ignore[arg-type]
        labels[i] = (name, level1, level2, reason)
    for k, (idx, gpairs, weights, claims) in groups.items():
        body = plan.bodies[k]
        if body is None:
            tbody = plan.tier_bodies[k]
            assert tbody is not None
            _score_tiers(plan, tbody, np, idx, gpairs, weights, claims, labels, out)
            continue
        _score_rule(plan, body, np, idx, gpairs, weights, claims, labels, out)
    for k, (idx, gclasses, weights, claims, aq, texts) in cgroups.items():
        body = plan.class_bodies[k]
        assert body is not None
        _score_rule(plan, body, np, idx, gclasses, weights, claims, labels, out, aq, texts)
    return out


def _weightless(
    plan: Plan,
    target: str,
    actual: str,
    claimed: Decimal | None,
    name: str,
    level1: str,
    level2: str,
) -> IndicatorResult | None:
    """A row without a weight whose cells read (else None: the row evaluator names the cell
    that does not): unscored, with ``WEIGHT_MISSING`` and what the claim adds, as the row
    evaluator makes them (``finish_unscored``), once per claimed value."""
    plain = plain_number(actual)
    if plain is not None:
        # a plain number reads under any target but a date's (there it may be an Excel date):
        # checked once for each target and unit word, from its first row; parsed when read
        ckey = (target, plain[1])
        tnode = plan.plain_reads.get(ckey, _MISSING)
        if tnode is _MISSING:
            try:
                tnode = parse_target(target)
                if reading_of(tnode)[1] == "date":
                    tnode = None
                else:
                    parse_actual(actual, tnode)
            except Exception:
                tnode = None
            if len(plan.plain_reads) >= PLAN_CLASSES:
                plan.plain_reads.clear()
            plan.plain_reads[ckey] = tnode
        if tnode is not None:
            made = _weightless_findings(plan, claimed)
            return _unscored(plan, None, claimed, tnode, actual, made, name, level1, level2)
    key = (target, actual)
    nodes: Any = plan.nodes.get(key, _MISSING)
    if nodes is _MISSING:
        try:
            tnode = parse_target(target)
            nodes = (tnode, parse_actual(actual, tnode))
        except Exception:
            nodes = None
        if len(plan.nodes) >= PLAN_PAIRS:
            plan.nodes.clear()
        plan.nodes[key] = nodes
    if nodes is None:
        return None
    made = _weightless_findings(plan, claimed)
    tnode, anode = nodes
    o = unscored_outcome(None, claimed, None, tnode, anode, plan.policy, None, made[1])
    return make_result(o, name, level1, level2, "", made[0])


def _weightless_findings(
    plan: Plan, claimed: Decimal | None
) -> tuple[tuple[Finding, ...], tuple[str, str] | None]:
    """The findings and note of a row without a weight that claims *claimed*, as the row
    evaluator makes them, once per claimed value."""
    ckey = None if claimed is None else str(claimed)
    made = plan.weightless.get(ckey)
    if made is None:
        ind = Indicator("", "", "", None, claimed)
        scored = finish_unscored(
            plan.policy, ind, [finding("WEIGHT_MISSING", ind.cell("weight"))], None, None
        )
        made = plan.weightless[ckey] = (tuple(scored.findings), scored.outcome.note)
        if len(plan.weightless) > 4096:
            plan.weightless.clear()
    return made


def _unreadable(
    plan: Plan,
    target: str,
    actual: str,
    word: str | None,
    weight: Decimal,
    claimed: Decimal | None,
    name: str,
    level1: str,
    level2: str,
) -> IndicatorResult | None:
    """A row whose target does not read and whose actual is a plain number: unscored, with the
    target's ``UNREADABLE_CELL`` and what the claim adds. The row evaluator makes the findings
    and note once for each target, unit word, weight and claim, from the first such row; the
    number changes nothing but the actual's node, parsed when read. None when that first row
    came out otherwise (the row evaluator then scores each such row)."""
    key = (target, word, str(weight), None if claimed is None else str(claimed))
    made = plan.unreadable.get(key, _MISSING)
    if made is _MISSING:
        ind = Indicator(name="", target=target, actual=actual, weight=weight, score=claimed)
        scored = evaluate(plan.policy, ind, exact=True)
        o = scored.outcome
        made = None
        if (
            o.basis == "unscored"
            and o.target is None
            and o.actual is not None
            and o.rule is None
            and scored.ctx is None
            and scored.reason is None
        ):
            made = (tuple(scored.findings), o.note)
        if len(plan.unreadable) >= PLAN_CLASSES:
            plan.unreadable.clear()
        plan.unreadable[key] = made
    if made is None:
        return None
    return _unscored(plan, weight, claimed, None, actual, made, name, level1, level2)


def _unscored(
    plan: Plan,
    weight: Decimal | None,
    claimed: Decimal | None,
    tnode: Any,
    actual: str,
    made: tuple[tuple[Finding, ...], Any],
    name: str,
    level1: str,
    level2: str,
) -> IndicatorResult:
    """An unscored result with *made*'s findings and note; its actual (a plain number, which
    always reads) is parsed when read."""
    lazy = _LazyActual(
        weight, None, claimed, None, None, None, None, "unscored", None, tnode, None, plan.policy,
        None, made[1],
    )  # fmt: skip
    lazy._atext = actual
    return make_result(lazy, name, level1, level2, "", made[0])


def _invalid_text(text: str) -> bool:
    return not text.isprintable() and any("\ud800" <= ch <= "\udfff" for ch in text)


def _score_rule(
    plan: Plan,
    body: _RulePlan,
    np: Any,
    idx: list[int],
    gpairs: Sequence[_Pair | _Class],
    weights: list[Decimal],
    claims: list[Decimal | None],
    labels: list[tuple[str, str, str, Any] | None],
    out: list[IndicatorResult | None],
    aq: list[Decimal] | None = None,
    atexts: list[str] | None = None,
) -> None:
    """Score the rows of one rule (by pairs of cells, or by classes with *aq* and *atexts*: each
    row's actual in its base unit and as written)."""
    policy = plan.policy
    rule = body.rule
    n = len(idx)
    f = _frame(np, gpairs, weights, claims, aq)
    pidx, plist, w, c = f.pidx, f.pairs, f.weight, f.claimed
    bad = np.zeros(n, dtype=bool)
    if body.met is not None:
        mv, me = body.met(f)
        met = _truth((mv, me))
        bad |= me
        f.met = (met, np.zeros(n, dtype=bool))
    raw, re_ = body.score(f)
    bad |= re_
    raw = np.where(bad, Decimal(0), raw)
    if any(type(x) is not Decimal for x in raw):
        bad |= np.fromiter((type(x) is not Decimal for x in raw), dtype=bool, count=n)
        raw = np.where(bad, Decimal(0), raw)
    score, qe = _ew(policy.quantize, (raw,), bad.copy())
    bad |= qe
    score = np.where(bad, Decimal(0), score)
    oor, oe = _vec(
        lambda s, wt: (s > wt) | (s < 0), lambda s, wt: s > wt or s < 0, (score, w), bad.copy()
    )
    bad |= oe
    oor = _truth((oor, oe))
    if body.met is None:
        mv, me = _vec(np.greater_equal, operator.ge, (score, w), bad.copy())
        met = _truth((mv, me))
        bad |= me
    f.met = (met, np.zeros(n, dtype=bool))
    f.scored = (score, np.zeros(n, dtype=bool))
    reason = np.zeros(n, dtype=bool)
    if body.reason_always:
        reason[:] = True
    elif body.reason is not None:
        fn, unless = body.reason
        rv, rerr = fn(f)
        r = _truth((rv, rerr))
        reason = ~r if unless else r
        bad |= rerr
    flags = []
    for cond in body.findings:
        if cond is None:
            flags.append(np.ones(n, dtype=bool))
            continue
        fv, ferr = cond(f)
        flags.append(_truth((fv, ferr)))
        bad |= ferr
    any_finding = np.zeros(n, dtype=bool)
    for fl in flags:
        any_finding |= fl
    tol = policy.tolerance
    has_claim = ~f.claimed_err
    cz = np.where(has_claim, c, Decimal(0))
    bounds, be = _vec(
        lambda wt, cl, h: ~((wt > 0) & (wt <= 100)) | (h & ((cl > wt) | (cl < 0))),
        lambda wt, cl, h: (not 0 < wt <= 100) or (h and (cl > wt or cl < 0)),
        (w, cz, has_claim),
        bad.copy(),
    )
    bad |= be
    bounds = _truth((bounds, be))
    mm, me2 = _vec(
        lambda s, cl, h: h & (np.abs(cl - s) > tol),
        lambda s, cl, h: h and abs(cl - s) > tol,
        (score, cz, has_claim),
        bad.copy(),
    )
    bad |= me2
    mismatch = _truth((mm, me2))
    for fn in body.accepts:
        if not mismatch.any():
            break
        av, ae = fn(f)
        ae = ae & mismatch  # an accept runs only where the score still differs
        bad |= ae
        ok, oke = _ew(
            lambda a, cl, m: m and abs(cl - policy.quantize(a)) <= tol,
            (np.where(ae | ~mismatch, Decimal(0), av), cz, mismatch),
            (ae | bad).copy(),
        )
        bad |= oke & mismatch
        mismatch = mismatch & ~_truth((ok, oke))
    slow = oor | any_finding | bounds | mismatch
    src = _Rows(policy, rule, plist, pidx, weights, claims, score, raw, met, atexts)
    flag_lists = [fl.tolist() for fl in flags]  # each finding's flags, read for slow rows
    oor_l, bounds_l, mismatch_l = oor.tolist(), bounds.tolist(), mismatch.tolist()

    def marks(j: int) -> tuple[Any, ...]:
        return (oor_l[j], tuple([fl[j] for fl in flag_lists]), bounds_l[j], mismatch_l[j])

    _emit(plan, _ColumnResult, src, idx, labels, out, bad, reason, slow, marks)


def _frame(
    np: Any,
    gpairs: Sequence[_Pair | _Class],
    weights: list[Decimal],
    claims: list[Decimal | None],
    aq: list[Decimal] | None = None,
) -> _Frame:
    """The columns of one rule's rows: each row's pair (or class) as an index into the
    distinct ones, its weight, claim and (classes) actual as object columns."""
    n = len(gpairs)
    uniq: dict[int, int] = {}
    pidx = np.empty(n, dtype=np.int64)
    plist: list[_Pair | _Class] = []
    for i, p in enumerate(gpairs):
        j = uniq.get(id(p))
        if j is None:
            j = uniq[id(p)] = len(plist)
            plist.append(p)
        pidx[i] = j
    w = np.empty(n, dtype=object)
    w[:] = weights
    c = np.empty(n, dtype=object)
    c[:] = claims
    a = None
    if aq is not None:
        a = np.empty(n, dtype=object)
        a[:] = aq
    return _Frame(pidx, plist, w, c, a)


def _emit(
    plan: Plan,
    cls: type[_ColumnResult],
    src: _Rows,
    idx: list[int],
    labels: list[tuple[str, str, str, Any] | None],
    out: list[IndicatorResult | None],
    bad: Any,
    reason: Any,
    slow: Any,
    marks: Callable[[int], tuple[Any, ...]],
) -> None:
    """The results of one rule's rows (a row marked *bad* is left to the row evaluator). A row
    that is not *slow* (no finding but the reason check's) has its findings at once, the reason
    check made once per distinct (text, severity); a slow row's findings are made when first
    read, from its *marks*."""
    policy = plan.policy
    reasons = plan.reasons
    new = _new
    # each slot set through its own descriptor, the flags read from lists: a row costs about a
    # third less than through object.__setattr__ and numpy's per-item indexing
    set_o, set_ctx, set_name, set_level1, set_level2, set_where, set_row = _RESULT_SLOTS
    set_src, set_j, set_pending, set_findings = _COLUMN_SLOTS
    bad_l, reason_l, slow_l = bad.tolist(), reason.tolist(), slow.tolist()
    for j in range(len(idx)):
        if bad_l[j]:
            continue
        i = idx[j]
        lab = labels[i]
        assert lab is not None
        name, level1, level2, reason_cell = lab
        r = new(cls)
        set_o(r, None)
        set_ctx(r, None)
        set_name(r, name)
        set_level1(r, level1)
        set_level2(r, level2)
        set_where(r, "")
        set_row(r, None)
        set_src(r, src)
        set_j(r, j)
        out[i] = r
        sev = "error" if reason_l[j] else None
        if not slow_l[j]:
            set_pending(r, None)
            if sev is None:
                set_findings(r, ())
                continue
            text = reason_cell.strip() if type(reason_cell) is str else cell_text(reason_cell)
            extra = reasons.get((text, sev))
            if extra is None:
                found: list[Finding] = []
                check_reason(policy, text, "reason", sev, found)
                extra = tuple(found)
                if len(reasons) > 4096:
                    reasons.clear()
                reasons[(text, sev)] = extra
            set_findings(r, extra)
            continue
        # findings with text: built by the evaluator's own functions, in its order, when the
        # result's findings are first read
        text = reason_cell.strip() if type(reason_cell) is str else cell_text(reason_cell)
        set_findings(r, None)
        set_pending(r, (marks(j), sev, text))


def _score_tiers(
    plan: Plan,
    body: _TierPlan,
    np: Any,
    idx: list[int],
    gpairs: Sequence[_Pair],
    weights: list[Decimal],
    claims: list[Decimal | None],
    labels: list[tuple[str, str, str, Any] | None],
    out: list[IndicatorResult | None],
) -> None:
    """Score the rows of one tier rule whose cells name their tier (see :class:`_TierPlan`):
    each row's score, band and what the tier notes about its claim by :func:`tier_score`, as
    the evaluator's ``score_tiers`` takes them; the claim bounds and ``SCORE_MISMATCH`` as the
    evaluator's ``apply_rule`` checks them; its ``reason required`` over columns."""
    policy = plan.policy
    table = body.table
    top = table.top.name
    tol = policy.tolerance
    n = len(idx)
    scores: list[Decimal] = [_ZERO] * n
    bands: list[Any] = [None] * n
    met = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    notes: list[tuple[bool, str | None, bool, bool]] = [(False, None, False, False)] * n
    slow = np.zeros(n, dtype=bool)
    for j in range(n):
        tier, basis, unchecked = gpairs[j].tier  # type: ignore[misc]
        w, c = weights[j], claims[j]
        try:
            s, band, flag = tier_score(policy, table, tier, w, c)
            bounds = (not 0 < w <= 100) or (c is not None and (c > w or c < 0))
            mismatch = c is not None and abs(c - s) > tol
        except Exception:
            bad[j] = True
            continue
        scores[j] = s
        bands[j] = band
        met[j] = tier == top
        notes[j] = (unchecked, flag, bounds, mismatch)
        slow[j] = unchecked or flag is not None or bounds or mismatch or basis not in VERIFIED_BASES
    reason = np.zeros(n, dtype=bool)
    if body.reason_always:
        reason[:] = True
    elif body.reason is not None:
        f = _frame(np, gpairs, weights, claims)
        score = np.empty(n, dtype=object)
        score[:] = scores
        f.met = (met, np.zeros(n, dtype=bool))
        f.scored = (score, np.zeros(n, dtype=bool))
        fn, unless = body.reason
        rv, rerr = fn(f)
        r = _truth((rv, rerr))
        reason = ~r if unless else r
        bad |= rerr
    src = _TierRows(policy, body.rule, gpairs, weights, claims, scores, met, bands)

    def marks(j: int) -> tuple[Any, ...]:
        return ("tier", *notes[j])

    _emit(plan, _TierResult, src, idx, labels, out, bad, reason, slow, marks)


_ZERO = Decimal(0)


def _findings(args: tuple[Any, ...]) -> tuple[Finding, ...]:
    """A flagged row's findings, exactly as the evaluator makes them (see ``_apply_rule``,
    ``settle`` and ``assemble`` in :mod:`jixiao.evaluate.indicators`)."""
    policy, rule, o, (oor, flags, bounds, mismatch), sev, text = args
    wj, cj, sj = o.weight, o.claimed, o.score
    ind = Indicator("", "", "", wj, cj)
    findings: list[Finding] = []
    if oor:
        findings.append(out_of_range(rule, sj, wj, ""))
    fields = None
    for flag, cf in zip(flags, rule.findings, strict=True):
        if flag:
            if fields is None:
                fields = make_result(o, "", "", "", "", ())._fields("zh")
            findings.append(rule_finding(cf, None, fields, ""))
            if cf.reason_required:
                sev = stronger(sev, cf.severity)
    at = len(findings) if sev is not None else None
    if bounds:
        check_claim_bounds(ind, findings)
    if mismatch:
        findings.append(score_mismatch(ind, sj, make_result(o, "", "", "", "", ())))
    scored = settle(policy, ind, Scored(o, findings, sev, at, None))
    return assemble(scored, "", "", "", "", text, "reason").findings


_FINDINGS_SLOT: Any = IndicatorResult.__dict__["findings"]


class _Rows:
    """The rows of one rule in one chunk as the plan left them (by index): what a result made
    from them reads."""

    __slots__ = (
        "atexts",
        "claims",
        "met",
        "pairs",
        "pidx",
        "policy",
        "raw",
        "rule",
        "score",
        "weights",
    )

    def __init__(
        self,
        policy: Policy,
        rule: CompiledRule,
        pairs: Sequence[_Pair | _Class],
        pidx: Any,
        weights: list[Decimal],
        claims: list[Decimal | None],
        score: Any,
        raw: Any,
        met: Any,
        atexts: list[str] | None,
    ) -> None:
        self.policy = policy
        self.rule = rule
        self.pairs = pairs
        self.pidx = pidx
        self.weights = weights
        self.claims = claims
        self.score = score
        self.raw = raw
        self.met = met
        self.atexts = atexts

    def outcome(self, j: int) -> Outcome:
        pair = self.pairs[self.pidx[j]]
        if self.atexts is None:
            assert isinstance(pair, _Pair)
            target, actual, atext = pair.target, pair.actual, None
        else:
            target, actual, atext = pair.target, None, self.atexts[j]
        return _outcome(
            self.policy,
            self.rule,
            target,
            actual,
            atext,
            self.weights[j],
            self.claims[j],
            self.score[j],
            self.raw[j],
            bool(self.met[j]),
        )


class _ColumnResult(IndicatorResult):
    """A result made from a chunk's columns: its score, weight, claim, met and rule are read
    from them; its outcome (target and actual nodes, explanation …) is made when first read, and
    so are the findings of a flagged row (texts quoting the explanation, the rule's messages …),
    in jixiao's decimal context."""

    __slots__ = ("_j", "_pending", "_src")
    _src: _Rows
    _j: int
    _pending: tuple[Any, ...] | None

    @property
    def _o(self) -> Outcome:  # type: ignore[override]
        o: Outcome | None = _O_SLOT.__get__(self)
        if o is None:
            o = self._src.outcome(self._j)
            _O_SLOT.__set__(self, o)
        return o

    @property
    def score(self) -> Decimal | None:
        got: Decimal = self._src.score[self._j]
        return got

    @property
    def weight(self) -> Decimal | None:
        return self._src.weights[self._j]

    @property
    def claimed(self) -> Decimal | None:
        return self._src.claims[self._j]

    @property
    def met(self) -> bool | None:
        return bool(self._src.met[self._j])

    @property
    def rule(self) -> CompiledRule | None:
        return self._src.rule

    @property
    def basis(self) -> str:
        return "formula"

    @property
    def tier(self) -> str | None:
        return None

    @property
    def _make(self) -> tuple[Any, ...] | None:
        """What a flagged row's findings are made from (None once made, or with none to make):
        ``(policy, rule, outcome, flags, reason severity, reason text)``."""
        pending = self._pending
        if pending is None or _FINDINGS_SLOT.__get__(self) is not None:
            return None
        marks, sev, text = pending
        return (self._src.policy, self._src.rule, self._o, marks, sev, text)

    def _build(self, make: tuple[Any, ...]) -> tuple[Finding, ...]:
        """A flagged row's findings from what :attr:`_make` gives."""
        return _findings(make)

    @property
    def findings(self) -> tuple[Finding, ...]:  # type: ignore[override]
        got: tuple[Finding, ...] | None = _FINDINGS_SLOT.__get__(self)
        if got is None:
            make = self._make
            assert make is not None
            with jixiao_context():
                got = self._build(make)
            _FINDINGS_SLOT.__set__(self, got)
        return got


_O_SLOT: Any = IndicatorResult.__dict__["_o"]
#: The setters of the slots :func:`_emit` fills (see there), of every result and of a column
#: result's own.
_RESULT_SLOTS: tuple[Callable[[Any, Any], None], ...] = tuple(
    IndicatorResult.__dict__[k].__set__
    for k in ("_o", "_ctx", "name", "level1", "level2", "where", "row")
)
_COLUMN_SLOTS: tuple[Callable[[Any, Any], None], ...] = (
    *(_ColumnResult.__dict__[k].__set__ for k in ("_src", "_j", "_pending")),
    _FINDINGS_SLOT.__set__,
)


class _TierRows(_Rows):
    """The rows of one tier rule in one chunk (:func:`_score_tiers`): each row's pair of cells
    (with its tier), weight, claim, score, met and band."""

    __slots__ = ("bands",)

    def __init__(
        self,
        policy: Policy,
        rule: CompiledRule,
        pairs: Sequence[_Pair],
        weights: list[Decimal],
        claims: list[Decimal | None],
        score: list[Decimal],
        met: Any,
        bands: list[Any],
    ) -> None:
        # one pair a row (no index into distinct ones), no raw score, no actual texts
        super().__init__(policy, rule, pairs, None, weights, claims, score, None, met, None)
        self.bands = bands

    def tier(self, j: int) -> tuple[str, str, bool]:
        got: tuple[str, str, bool] | None = self.pairs[j].tier  # type: ignore[union-attr]
        assert got is not None
        return got

    def outcome(self, j: int) -> Outcome:
        pair = self.pairs[j]
        assert isinstance(pair, _Pair)
        tier, basis, _unchecked = self.tier(j)
        o = _LazyOutcome(
            self.weights[j],
            self.score[j],
            self.claims[j],
            bool(self.met[j]),
            self.rule,
            None,
            tier,
            basis,
            self.bands[j],
            pair.target,
            pair.actual,
            self.policy,
            None,
            None,
        )
        o._met = bool(self.met[j])
        o._atext = None
        return o


def _tier_findings(args: tuple[Any, ...]) -> tuple[Finding, ...]:
    """A tier row's findings, made by the row evaluator's own functions from its cells, weight
    and claim (``apply_rule``, ``settle``, then the reason check by ``assemble``)."""
    policy, rule, o, _marks, _sev, text = args
    ind = Indicator("", "", "", o.weight, o.claimed)
    ctx = new_ctx(o.target, o.actual, o.weight, o.claimed)
    scored = settle(policy, ind, apply_rule(policy, rule, ind, ctx, [], Draft()))
    return assemble(scored, "", "", "", "", text, "reason").findings


class _TierResult(_ColumnResult):
    """A result of a tier rule's row made by the plan: its tier and basis are its pair's, its
    findings (when it has any but the reason check's) are made when first read by the
    evaluator's own ``apply_rule`` and ``settle`` on the row's cells (:func:`_tier_findings`)."""

    __slots__ = ()
    _src: _TierRows

    def _build(self, make: tuple[Any, ...]) -> tuple[Finding, ...]:
        return _tier_findings(make)

    @property
    def basis(self) -> str:
        return self._src.tier(self._j)[1]

    @property
    def tier(self) -> str | None:
        return self._src.tier(self._j)[0]


def unmade_findings(result: IndicatorResult) -> tuple[Any, ...] | None:
    """What a plan result's findings will be made from when they are first read: ``(policy,
    rule, weight, claimed, flags, reason severity, reason text)``, where *flags* is ``(score out
    of range, each rule finding's flag, claim bounds, SCORE_MISMATCH)`` for a formula's row, and
    ``("tier", ACTUAL_NOT_NUMERIC, the tier's note on the claim ("estimated", "out_of_band" or
    None), claim bounds, SCORE_MISMATCH)`` for a tier's; None once they are made, or for a result
    the plan did not make. Nothing is built: a caller that needs only what the
    findings depend on (the Arrow path's finding columns) reads it here."""
    if type(result) is not _ColumnResult and type(result) is not _TierResult:
        return None
    pending = result._pending
    if pending is None or _FINDINGS_SLOT.__get__(result) is not None:
        return None
    marks, sev, text = pending
    src, j = result._src, result._j
    return (src.policy, src.rule, src.weights[j], src.claims[j], marks, sev, text)


_new = object.__new__
