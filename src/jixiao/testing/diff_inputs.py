"""The inputs of the outcome diff, how they are classified and judged, and how a changed input is
simplified to the example a reader sees. :mod:`jixiao.testing.diff` runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.evaluate import score_budget, score_indicator
from jixiao.policy.model import Policy
from jixiao.targets.ast import Amount, Comparison, Deadline, Empty, Outcome, Qualitative, Range
from jixiao.testing import strategies as js
from jixiao.testing.cases import BudgetCase, Case
from jixiao.testing.inputs import policy_claims, policy_words

__all__ = [
    "Input",
    "Judged",
    "Key",
    "RowResult",
    "example_of",
    "inputs",
    "judge",
    "simplify",
    "size",
]

Input = tuple[str, Case | BudgetCase]

# ----------------------------------------------------------------------------- classes

_RATE_BINS: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("0.6"), "执行率低于60%", "rate below 60%"),
    (Decimal("0.8"), "执行率60%–80%", "rate 60%–80%"),
    (Decimal("0.9"), "执行率80%–90%", "rate 80%–90%"),
    (Decimal("1"), "执行率90%–100%", "rate 90%–100%"),
)


def _target_class(case: Case) -> tuple[str, str]:
    t = case.target
    if isinstance(t, Comparison):
        if t.op in ("<=", "<", "=") and t.value == 0:
            return "零目标", "zero target"
        if t.op in (">=", ">"):
            return "正向指标", "positive target"
        if t.op == "=":
            return "等值指标", "equality target"
        return "反向指标", "reverse target"
    if isinstance(t, Amount):
        return "数量指标", "bare quantity target"
    if isinstance(t, Range):
        return "区间指标", "range target"
    if isinstance(t, Deadline):
        return "期限指标", "deadline target"
    if isinstance(t, Qualitative):
        return "定性指标", "qualitative target"
    return "目标空白", "blank target"


def _outcome_class(case: Case, tier: str | None) -> tuple[str, str]:
    t, a = case.target, case.actual
    if isinstance(a, Empty):
        return "实际值空白", "blank actual"
    if isinstance(a, Outcome | Qualitative) and not isinstance(t, Qualitative | Deadline):
        return "以文字填报", "actual in words"
    q = a.quantity
    if q is not None and isinstance(t, Comparison | Amount | Range):
        v = q.value
        if isinstance(t, Range):
            lo, hi = t.low, t.high
        elif isinstance(t, Amount) or t.op in (">=", ">"):
            lo, hi = t.value, Decimal("Infinity")
        elif t.op in ("<=", "<"):
            lo, hi = Decimal("-Infinity"), t.value
        else:
            lo = hi = t.value
        strict_lo = isinstance(t, Comparison) and t.op == ">"
        strict_hi = isinstance(t, Comparison) and t.op == "<"
        below = v < lo or (strict_lo and v == lo)
        above = v > hi or (strict_hi and v == hi)
        if below:
            return "未达目标", "below the target"
        if above:
            return "超出目标", "above the target"
        if lo > 0 and v >= lo * Decimal("1.2") and hi == Decimal("Infinity"):
            return "超额20%以上", "beyond 120% of the target"
        return "达到目标", "target met"
    if tier is not None:
        claim = "·有自评得分" if case.claimed is not None else ""
        claim_en = ", score claimed" if case.claimed is not None else ""
        return f"{tier}档{claim}", f"tier {tier}{claim_en}"
    return "未能判断档次", "tier unknown"


def _budget_class(case: BudgetCase) -> tuple[str, str]:
    if case.annual == 0:
        return "预算执行·全年预算数为0", "budget · annual budget 0"
    rate = case.executed / case.annual
    if rate > 1:
        return "预算执行·超支（执行率>100%）", "budget · overspent (rate > 100%)"
    if rate == 1:
        return "预算执行·执行率100%", "budget · rate 100%"
    for edge, zh, en in _RATE_BINS:
        if rate < edge:
            return f"预算执行·{zh}", f"budget · {en}"
    return "预算执行", "budget"  # pragma: no cover - the bins end at 100%


@attrs.frozen(slots=True)
class RowResult:
    score: Decimal | None
    rule: str | None
    tier: str | None
    findings: tuple[str, ...]


def run_case(policy: Policy, case: Case) -> RowResult:
    try:
        r = score_indicator(policy, case.to_indicator())
    except Exception as err:
        return RowResult(None, f"{type(err).__name__}: {err}", None, ())
    codes = tuple(sorted({f.code for f in r.findings if f.severity in ("error", "warning")}))
    return RowResult(r.score, r.rule.label if r.rule else None, r.tier, codes)


def run_budget(policy: Policy, case: BudgetCase) -> RowResult:
    try:
        r = score_budget(policy, case.to_budget())
    except Exception as err:
        return RowResult(None, f"{type(err).__name__}: {err}", None, ())
    codes = tuple(sorted({f.code for f in r.findings if f.severity in ("error", "warning")}))
    return RowResult(r.score, r.rule.label if r.rule else None, None, codes)


Key = tuple[str, str, str, str, str, tuple[str, ...], tuple[str, ...]]


@attrs.frozen(slots=True)
class Judged:
    key: Key
    kind: tuple[str, str]
    old: RowResult
    new: RowResult


def judge(old: Policy, new: Policy, value: Input) -> Judged | None:
    section, case = value
    if isinstance(case, BudgetCase):
        o, n = run_budget(old, case), run_budget(new, case)
        kind = _budget_class(case)
    else:
        o, n = run_case(old, case), run_case(new, case)
        tc = _target_class(case)
        oc = _outcome_class(case, o.tier or n.tier)
        kind = (f"{tc[0]}·{oc[0]}", f"{tc[1]} · {oc[1]}")
    if o.score is not None and n.score is not None:
        if o.score == n.score:
            if o.findings == n.findings:
                return None
            direction = "findings"
        else:
            direction = "up" if n.score > o.score else "down"
    elif o.score is None and n.score is None:
        if o.findings == n.findings:
            return None
        direction = "findings"
    else:
        direction = "scored" if o.score is None else "unscored"
    added = tuple(sorted(set(n.findings) - set(o.findings)))
    removed = tuple(sorted(set(o.findings) - set(n.findings)))
    if direction != "findings":
        added = removed = ()
    key: Key = (section, o.rule or "", n.rule or "", direction, kind[0], added, removed)
    return Judged(key, kind, o, n)


def example_of(value: Input) -> dict[str, Any]:
    _section, case = value
    if isinstance(case, BudgetCase):
        return {"budgets": [case.to_dict()]}
    return {"indicators": [case.to_dict()]}


def size(value: Input) -> tuple[int, str]:
    text = json.dumps(example_of(value), ensure_ascii=False, sort_keys=True)
    return (len(text), text)


_NUMERIC_STRATA: tuple[tuple[str, str], ...] = (
    ("comparison", ">="),
    ("comparison", "<="),
    ("comparison", "="),
    ("comparison", ">"),
    ("comparison", "<"),
    ("quantity", ""),
    ("range", ""),
    ("zero", "<="),
    ("zero", "="),
)


def inputs(old: Policy, new: Policy) -> SearchStrategy[Input]:
    """Inputs spread evenly over the classes a policy tells apart: each comparator (and zero
    targets), bare quantities and ranges with actuals below, at, above and far above them, or
    written in words, or blank; qualitative goals and deadlines with every tier word of both
    policies and claimed scores on their tier edges; budget rows at the usual rate thresholds."""
    words = sorted(set(policy_words(old)) | set(policy_words(new)), key=lambda w: (len(w), w))
    word_actuals = st.sampled_from(words).map(lambda w: Outcome(w, "done"))
    claims_old, claims_new = policy_claims(old), policy_claims(new)

    def claim(weight: Decimal) -> SearchStrategy[Decimal | None]:
        return st.one_of(claims_old(weight), claims_new(weight))

    positive = js.numbers(1, 10000)

    def numeric(stratum: tuple[str, str]) -> SearchStrategy[Case]:
        kind, op = stratum
        if kind == "zero":
            targets = js.targets(kinds=("comparison",), ops=(op,), values=st.just(Decimal(0)))  # type: ignore[arg-type]
        else:
            targets = js.targets(kinds=(kind,), ops=(op,) if op else (">=",), values=positive)  # type: ignore[arg-type]

        def actual(t: Any) -> SearchStrategy[Any]:
            region = st.sampled_from((*js.REGIONS, "words", "blank"))
            return region.flatmap(
                lambda r: (
                    word_actuals
                    if r == "words"
                    else st.just(Empty())
                    if r == "blank"
                    else js.actual_in(t, r)
                )
            )

        return js.cases(targets, actual=actual, claimed=False)

    def wordy(kind: str) -> SearchStrategy[Case]:
        def actual(t: Any) -> SearchStrategy[Any]:
            return st.one_of(word_actuals, js.actuals(t), st.just(Empty()))

        return js.cases(js.targets(kinds=(kind,)), actual=actual, claim=claim)

    strata: list[SearchStrategy[Case]] = [numeric(s) for s in _NUMERIC_STRATA]
    strata += [wordy("qualitative"), wordy("deadline"), wordy("empty")]
    indicators = st.one_of(strata).map(lambda c: ("indicator", c))
    weights = sorted({old.budget_weight, new.budget_weight})
    budgets = (
        st.one_of(st.sampled_from(weights), js.weights())
        .flatmap(lambda w: js.budget_cases(w))
        .map(lambda b: ("budget", b))
    )
    return st.one_of(indicators, budgets)


# ----------------------------------------------------------------------------- simplifying

_ROUND_NUMBERS = tuple(Decimal(x) for x in ("1", "10", "100", "2", "5"))


def _scaled(value: Decimal, factor: Decimal) -> Decimal | None:
    out = js.tidy(value * factor)
    if out * 1 != value * factor or len(out.as_tuple().digits) > 12:
        return None
    return out


def _roundings(value: Decimal) -> list[Decimal]:
    out = []
    for places in (0, 1, 2):
        r = js.tidy(value.quantize(Decimal(1).scaleb(-places)))
        if r != value and r not in out:
            out.append(r)
    return out


def _reweighted(case: Case, weight: Decimal) -> Case:
    """The same row with another weight; a claimed score keeps its share of the weight, so a
    simplified example never claims more than the row is worth."""
    claimed = case.claimed
    if claimed is not None and case.weight:
        claimed = js.tidy(claimed * weight / case.weight)
    return attrs.evolve(case, weight=weight, claimed=claimed)


def _case_candidates(case: Case) -> list[Case]:
    out: list[Case] = []
    if case.reason:
        out.append(attrs.evolve(case, reason=""))
    if case.claimed is not None:
        out.append(attrs.evolve(case, claimed=None))
        out += [attrs.evolve(case, claimed=c) for c in _roundings(case.claimed)]
    weights = [w for w in (Decimal(1), Decimal(10)) if w != case.weight]
    weights += [w for w in _roundings(case.weight) if w > 0]
    out += [_reweighted(case, w) for w in weights]
    t, a = case.target, case.actual
    q = t.quantity
    if isinstance(t, Comparison | Amount) and q is not None and q.value != 0:
        for nice in _ROUND_NUMBERS:
            factor = nice / q.value
            aq = a.quantity
            new_a = None
            if isinstance(a, Amount) and aq is not None:
                v = _scaled(aq.value, factor)
                if v is None:
                    continue
                new_a = attrs.evolve(a, amount=attrs.evolve(aq, value=v))
            new_t = attrs.evolve(t, amount=attrs.evolve(q, value=nice))
            out.append(attrs.evolve(case, target=new_t, actual=new_a or a))
    if isinstance(a, Amount):
        out += [
            attrs.evolve(case, actual=attrs.evolve(a, amount=attrs.evolve(a.amount, value=v)))
            for v in _roundings(a.amount.value)
        ]
    return out


def _budget_candidates(case: BudgetCase) -> list[BudgetCase]:
    out: list[BudgetCase] = []
    if case.annual != 0:
        for nice in _ROUND_NUMBERS:
            e = _scaled(case.executed, nice / case.annual)
            if e is not None:
                out.append(attrs.evolve(case, annual=nice, initial=nice, executed=e))
    out += [attrs.evolve(case, executed=e) for e in _roundings(case.executed)]
    out += [attrs.evolve(case, weight=w) for w in (Decimal(1), Decimal(10)) if w != case.weight]
    return out


def simplify(value: Input, keep: Callable[[Input], bool], rounds: int = 60) -> Input:
    """Greedy simplification: take any simpler variant that stays in the same group."""
    current = value
    for _ in range(rounds):
        section, case = current
        cands: list[Input] = (
            [(section, c) for c in _budget_candidates(case)]
            if isinstance(case, BudgetCase)
            else [(section, c) for c in _case_candidates(case)]
        )
        current_size = size(current)
        better = next(
            (c for c in sorted(cands, key=size) if size(c) < current_size and keep(c)), None
        )
        if better is None:
            return current
        current = better
    return current
