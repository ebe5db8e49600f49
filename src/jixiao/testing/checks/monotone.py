"""Monotonicity: more achievement (a higher execution rate) never lowers a score."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    Amount,
    Comparison,
    Range,
    Target,
)
from jixiao.testing import seeds as grid
from jixiao.testing import strategies as js
from jixiao.testing.cases import BudgetCase, Case
from jixiao.testing.inputs import (
    breakpoints,
    budget_weights,
    numeric_targets,
)
from jixiao.testing.runner import (
    Problem,
    SearchConfig,
    budget_example,
    rows_example,
    run_budget,
    run_case,
    search,
    shown,
)

__all__ = ["p_budget_monotone", "p_monotone"]


def _direction(target: Target) -> tuple[Decimal, Decimal] | None:
    """The interval in which a numeric target is met: below it more is better, above it less."""
    if isinstance(target, Range):
        return (target.low, target.high)
    if isinstance(target, Comparison):
        if target.op in (">=", ">"):
            return (target.value, Decimal("Infinity"))
        if target.op in ("<=", "<"):
            return (Decimal("-Infinity"), target.value)
        return (target.value, target.value)
    if isinstance(target, Amount):
        return (target.value, Decimal("Infinity"))
    return None


def _pair_cases(target: Target) -> SearchStrategy[tuple[Case, Case]]:
    return st.tuples(js.actual_pairs(target), js.weights()).map(
        lambda p: (Case(target, p[0][0], p[1]), Case(target, p[0][1], p[1]))
    )


def p_monotone(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(pair: tuple[Case, Case]) -> Problem | None:
        low_case, high_case = pair
        band = _direction(low_case.target)
        if band is None:
            return None
        a = low_case.actual.quantity
        b = high_case.actual.quantity
        if a is None or b is None:
            return None
        lo, hi = band
        ra, rb = run_case(policy, low_case), run_case(policy, high_case)
        if ra.score is None or rb.score is None:
            return None
        if b.value <= hi and ra.score > rb.score:
            worse, better, bad = high_case, low_case, rb
            kind = ("完成更多", "more")
        elif a.value >= lo and rb.score > ra.score:
            worse, better, bad = low_case, high_case, ra
            kind = ("更少", "less")
        else:
            return None
        rw, rbt = (rb, ra) if worse is high_case else (ra, rb)
        zh = (
            f"目标{worse.target_cell}：实际{better.actual_cell}得{shown(rbt.score)}分，"
            f"实际{worse.actual_cell}（{kind[0]}）反而只得{shown(rw.score)}分"
        )
        en = (
            f"target {worse.target_cell}: the actual {better.actual_cell} scores {shown(rbt.score)} but "
            f"{worse.actual_cell} ({kind[1]}) only {shown(rw.score)}"
        )
        ex, out = rows_example([low_case, high_case], [ra, rb])
        return Problem(zh, en, ex, out, bad.rule, kind[1])

    strategy = numeric_targets().flatmap(_pair_cases)
    return search(strategy, check, cfg, grid.monotone_seeds(grid.policy_ratios([policy])))


def p_budget_monotone(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def pairs(case: BudgetCase) -> SearchStrategy[tuple[BudgetCase, BudgetCase]]:
        return (
            st.tuples(js.rates(), js.rates())
            .filter(lambda ab: ab[0] != ab[1])
            .map(
                lambda ab: (
                    attrs.evolve(case, executed=js.tidy(case.annual * min(ab))),
                    attrs.evolve(case, executed=js.tidy(case.annual * max(ab))),
                )
            )
        )

    def check(pair: tuple[BudgetCase, BudgetCase]) -> Problem | None:
        low, high = pair
        r1, r2 = run_budget(policy, low), run_budget(policy, high)
        if r1.score is None or r2.score is None:
            kind = "unscored"
            bad = r1 if r1.score is None else r2
            zh = "预算执行没有得分：" + (bad.error or "；".join(bad.messages) or "无规则适用")
            en = "the budget execution is not scored: " + (
                bad.error or ", ".join(bad.codes) or "no rule"
            )
        elif r1.score > r2.score:
            kind = "decreasing"
            zh = (
                f"执行率{shown(r1.rate)}%得{shown(r1.score)}分，执行率升至{shown(r2.rate)}%反而只得"
                f"{shown(r2.score)}分"
            )
            en = (
                f"a rate of {shown(r1.rate)}% scores {shown(r1.score)} but a higher rate of "
                f"{shown(r2.rate)}% only {shown(r2.score)}"
            )
            bad = r2
        else:
            return None
        ex, out = budget_example([low, high], [r1, r2])
        return Problem(zh, en, ex, out, bad.rule, kind)

    weights = st.one_of(st.just(policy.budget_weight), js.weights())
    strategy = weights.flatmap(lambda w: js.budget_cases(w, zero_budget=False)).flatmap(pairs)
    return search(
        strategy, check, cfg, grid.budget_pairs(budget_weights(policy), breakpoints(policy))
    )
