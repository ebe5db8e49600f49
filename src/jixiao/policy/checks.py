"""Whole-policy checks: weights, grades, unreachable rules and the in-file examples."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao.catalog import BUILTIN_CODES
from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.bands import check_bands
from jixiao.policy.merge import Merged
from jixiao.policy.names import did_you_mean, norm_word, suggest
from jixiao.policy.refs import DOMAINS

__all__ = [
    "BUDGET_INPUTS",
    "BUDGET_SECTION",
    "EXPECTS",
    "FORM_INPUTS",
    "INDICATOR_INPUTS",
    "check_examples",
    "check_grades",
    "check_reachability",
    "check_score_bounds",
    "check_weights",
    "norm_word",
    "problem_order",
    "report",
]

BUDGET_SECTION = "预算执行率"
INDICATOR_INPUTS = ("target", "actual", "weight", "claimed", "reason", "level1", "level2", "name")
BUDGET_INPUTS = ("annual", "executed", "initial", "weight", "claimed", "rate", "reason")
FORM_INPUTS = ("total",)
EXPECTS = ("score", "met", "tier", "rate", "grade", "rule")


def report(
    problems: list[PolicyProblem],
    message: Msg,
    loc: Location,
    hint: Msg | None = None,
    code: str = "policy",
) -> None:
    """Add one problem to *problems*, in both languages."""
    problems.append(PolicyProblem.of(message, loc, hint, code=code))


def check_weights(m: Merged, problems: list[PolicyProblem]) -> None:
    # point at the most derived file's entry: that is where an override broke the sum
    locs = [loc for _v, loc in m.weights.values()]
    loc = next((x for x in reversed(locs) if x.source == m.path), locs[0] if locs else None)
    loc = loc or m.first_loc or Location(m.path)
    if BUDGET_SECTION not in m.weights:
        report(
            problems,
            Msg(f"weights 中缺少「{BUDGET_SECTION}」", f"weights must include {BUDGET_SECTION}"),
            loc,
            did_you_mean(BUDGET_SECTION, m.weights),
            code="weights",
        )
    total = sum((v for v, _ in m.weights.values()), Decimal(0))
    if m.weights and total != 100:
        report(
            problems,
            Msg(
                f"各部分权重合计 {total.normalize():f}，应为 100",
                f"the weights add up to {total.normalize():f}, not 100",
            ),
            loc,
            Msg(
                "；".join(f"{k} {v.normalize():f}" for k, (v, _) in m.weights.items()),
                "; ".join(f"{k} {v.normalize():f}" for k, (v, _) in m.weights.items()),
            ),
            code="weights",
        )
    for section, (value, wloc) in m.weights.items():
        if value < 0:
            report(
                problems,
                Msg(f"权重不能为负：{section}", f"a weight cannot be negative: {section}"),
                wloc,
                code="weights",
            )


def check_grades(m: Merged, problems: list[PolicyProblem]) -> tuple[tuple[str, A.Interval], ...]:
    if m.grades is None:
        report(
            problems,
            Msg("策略缺少 grades（等级）定义", "the policy defines no grades"),
            m.first_loc or Location(m.path),
        )
        return ()
    check_bands(
        [iv for _, iv in m.grades],
        problems,
        m.grades_loc or Location(m.path),
        Msg("等级", "grades"),
        cover=(Decimal(0), Decimal(100)),
    )
    return m.grades


def check_reachability(rules: list[A.Rule], what: Msg, problems: list[PolicyProblem]) -> None:
    earlier: list[tuple[str, list[_Conj]]] = []
    single: dict[str, set[Any]] = {}
    for rule in rules:
        if rule.when is None:
            dnf: list[_Conj] | None = [_Conj({}, False)]
        else:
            dnf = _dnf(rule.when)
        if dnf is not None and dnf and all(c.empty() for c in dnf):
            report(
                problems,
                Msg(
                    f"{what.zh}「{rule.name}」的条件自相矛盾，永远不会被使用",
                    f"the condition of {what.en} {rule.name!r} can never hold: it is never used",
                ),
                rule.when.loc if rule.when is not None else rule.loc,
                code="unreachable",
            )
        elif dnf is not None:
            live = [c for c in dnf if not c.empty()]
            if live and all(_covered(c, earlier, single) for c in live):
                by = next(
                    (
                        name
                        for name, conjs in earlier
                        if any(_implies(lc, ec) for lc in live for ec in conjs if not ec.opaque)
                    ),
                    earlier[0][0] if earlier else "",
                )
                report(
                    problems,
                    Msg(
                        f"{what.zh}「{rule.name}」永远不会被使用：前面的规则（如「{by}」）已匹配它的所有情况",
                        f"{what.en} {rule.name!r} can never fire: earlier rules (such as {by!r}) "
                        "already match every case it covers",
                    ),
                    rule.loc,
                    Msg(
                        "把它移到前面，或收窄前面规则的条件",
                        "move it up or narrow the earlier rule",
                    ),
                    code="unreachable",
                )
        conjs = dnf or []
        earlier.append((rule.name, conjs))
        for c in conjs:
            if not c.opaque and len(c.sets) == 1 and not c.empty():
                ((ref, values),) = c.sets.items()
                single.setdefault(ref, set()).update(values)


# -- examples
def _share(e: A.Expr, params: Mapping[str, Any], depth: int = 0) -> list[Decimal] | None:
    """The multiples of ``weight`` an expression can be, when each is a known constant
    (``weight * 80`` → [80]; ``if met then weight else 0`` → [1, 0]); None when unknown."""
    if depth > 32:
        return None
    if isinstance(e, A.Ref) and e.dotted == "weight":
        return [Decimal(1)]
    if isinstance(e, A.Num) and e.value == 0:
        return [Decimal(0)]
    if isinstance(e, A.If):
        a, b = _share(e.then, params, depth + 1), _share(e.otherwise, params, depth + 1)
        return None if a is None or b is None else a + b
    if isinstance(e, A.Bands):
        out: list[Decimal] = []
        for _iv, value in e.bands:
            got = _share(value, params, depth + 1)
            if got is None:
                return None
            out += got
        return out
    if isinstance(e, A.Neg):
        got = _share(e.operand, params, depth + 1)
        return None if got is None else [-k for k in got]
    if isinstance(e, A.BinOp) and e.op in "*/":
        for w, k in ((e.left, e.right), (e.right, e.left)):
            const = _constant(k, params)
            got = _share(w, params, depth + 1)
            if const is None or got is None or (e.op == "/" and (w is e.right or not const)):
                continue
            return [x * const if e.op == "*" else x / const for x in got]
    return None


def _constant(e: A.Expr, params: Mapping[str, Any]) -> Decimal | None:
    if isinstance(e, A.Num) and e.unit is None:
        return e.value
    if isinstance(e, A.Ref) and len(e.path) == 1 and isinstance(params.get(e.dotted), Decimal):
        value: Decimal = params[e.dotted]
        return value
    return None


def check_score_bounds(
    rules: list[A.Rule], params: Mapping[str, Any], warnings: list[PolicyProblem]
) -> None:
    """Warn where a score formula provably leaves 0..weight (a forgotten ``%`` in
    ``weight * 80``); elsewhere the evaluator reports ``SCORE_OUT_OF_RANGE`` when it happens."""
    values = {k: v[1] if isinstance(v, tuple) else v for k, v in params.items()}
    for rule in rules:
        for s in rule.stmts:
            if not isinstance(s, A.ScoreStmt | A.AcceptStmt):
                continue
            shares = _share(s.expr, values)
            bad = [k for k in shares or () if k > 1 or k < 0]
            if bad:
                k = bad[0]
                warnings.append(
                    PolicyProblem.of(
                        Msg(
                            f"规则「{rule.name}」的得分可能为分值的 {k.normalize():f} 倍，超出 0 至分值",
                            f"the rule {rule.name!r} can score {k.normalize():f} × the weight, "
                            "outside 0..weight",
                        ),
                        s.expr.loc,
                        Msg("是否漏写了 %？如 weight * 80%", "a forgotten %? e.g. weight * 80%"),
                        code="lint",
                    )
                )


def check_examples(
    m: Merged,
    codes: set[str],
    problems: list[PolicyProblem],
) -> None:
    known_codes = codes | set(BUILTIN_CODES)
    names = {ex.name for ex in m.examples}
    if len(names) != len(m.examples):
        seen: set[str] = set()
        for ex in m.examples:
            if ex.name in seen:
                report(
                    problems,
                    Msg(f"示例「{ex.name}」重名", f"two examples are named {ex.name!r}"),
                    ex.loc,
                    code="name",
                )
            seen.add(ex.name)
    allowed = set(INDICATOR_INPUTS) | set(BUDGET_INPUTS) | set(FORM_INPUTS)
    for ex in m.examples:
        keys = {k for k, _, _ in ex.inputs}
        for key, _value, loc in ex.inputs:
            if key not in allowed:
                report(
                    problems,
                    Msg(f"示例中未知的输入「{key}」", f"unknown example input {key!r}"),
                    loc,
                    suggest(key, sorted(allowed)),
                    code="name",
                )
        if not keys & {"target", "annual", "total"}:
            report(
                problems,
                Msg(
                    "示例应给出 target（指标）、annual（预算）或 total（总分）",
                    "an example gives target (an indicator), annual (the budget) or total "
                    "(a form's total)",
                ),
                ex.loc,
            )
        for key, _value, loc in ex.expects:
            if key not in EXPECTS:
                report(
                    problems,
                    Msg(f"示例中未知的期望「{key}」", f"unknown expectation {key!r}"),
                    loc,
                    suggest(key, EXPECTS),
                    code="name",
                )
        for code, _present, loc in ex.findings:
            if code not in known_codes:
                report(
                    problems,
                    Msg(f"未知的发现代码「{code}」", f"unknown finding code {code!r}"),
                    loc,
                    did_you_mean(code, known_codes),
                    code="name",
                )


def problem_order(p: PolicyProblem) -> tuple[str, int, int]:
    return (p.location.source or "", p.location.line or 0, p.location.column or 0)


# ----------------------------------------------------------------------------- reachability


@attrs.frozen
class _Conj:
    """A conjunction of constraints ``ref ∈ set``; ``opaque`` if it also has unknown conditions."""

    sets: dict[str, frozenset[Any]]
    opaque: bool

    def empty(self) -> bool:
        return any(not s for s in self.sets.values())


_BOOL_REFS = ("target.numeric", "actual.numeric", "target.inclusive", "target.declared")


def _domain(ref: str) -> frozenset[Any] | None:
    if ref in DOMAINS:
        return frozenset(DOMAINS[ref])
    if ref in _BOOL_REFS:
        return frozenset({True, False})
    return None


def _atom(e: A.Expr, negate: bool = False) -> list[_Conj]:
    opaque = [_Conj({}, True)]
    if isinstance(e, A.Ref) and e.dotted in _BOOL_REFS:
        return [_Conj({e.dotted: frozenset({not negate})}, False)]
    if isinstance(e, A.Cmp) and e.op in ("==", "!="):
        ref, const = (e.left, e.right) if isinstance(e.left, A.Ref) else (e.right, e.left)
        if isinstance(ref, A.Ref) and isinstance(const, A.Str | A.Bool):
            domain = _domain(ref.dotted)
            if domain is None:
                return opaque
            value = const.value
            if value not in domain:
                return opaque  # reported as an unknown value by the type checker
            positive = (e.op == "==") != negate
            return [
                _Conj(
                    {ref.dotted: frozenset({value}) & domain if positive else domain - {value}},
                    False,
                )
            ]
        return opaque
    if isinstance(e, A.In) and isinstance(e.item, A.Ref):
        domain = _domain(e.item.dotted)
        if domain is None or not all(isinstance(o, A.Str | A.Bool) for o in e.options):
            return opaque
        values = frozenset(o.value for o in e.options if isinstance(o, A.Str | A.Bool))
        if not values <= domain:
            return opaque
        positive = (not e.negate) != negate
        return [_Conj({e.item.dotted: values & domain if positive else domain - values}, False)]
    return opaque


def _and(a: list[_Conj], b: list[_Conj]) -> list[_Conj]:
    out = []
    for x, y in itertools.product(a, b):
        sets = dict(x.sets)
        for ref, values in y.sets.items():
            sets[ref] = sets[ref] & values if ref in sets else values
        out.append(_Conj(sets, x.opaque or y.opaque))
    return out


def _dnf(e: A.Expr, negate: bool = False, depth: int = 0) -> list[_Conj] | None:
    if depth > 32:
        return None
    if isinstance(e, A.Not):
        return _dnf(e.operand, not negate, depth + 1)
    if isinstance(e, A.And | A.Or):
        left = _dnf(e.left, negate, depth + 1)
        right = _dnf(e.right, negate, depth + 1)
        if left is None or right is None:
            return None
        conj = isinstance(e, A.And) != negate  # De Morgan
        result = _and(left, right) if conj else left + right
        return result if len(result) <= 64 else None
    return _atom(e, negate)


def _implies(later: _Conj, earlier: _Conj) -> bool:
    for ref, allowed in earlier.sets.items():
        have = later.sets.get(ref, _domain(ref) or frozenset())
        if not have <= allowed:
            return False
    return True


def _covered(c: _Conj, earlier: list[tuple[str, list[_Conj]]], single: dict[str, set[Any]]) -> bool:
    for _name, conjs in earlier:
        for e in conjs:
            if not e.opaque and _implies(c, e):
                return True
    for ref, values in single.items():
        have = c.sets.get(ref, _domain(ref) or frozenset())
        if have <= values:
            return True
    return False
