"""Row properties: every row scored within its weight, a met target at full marks, a reason
required below full marks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    Actual,
    Deadline,
    Outcome,
    Qualitative,
    Target,
)
from jixiao.testing import seeds as grid
from jixiao.testing import strategies as js
from jixiao.testing.cases import BudgetCase, Case
from jixiao.testing.inputs import (
    ALL_KINDS,
    any_actual,
    breakpoints,
    budget_weights,
    policy_claims,
    row_labels,
    top_words,
)
from jixiao.testing.runner import (
    Problem,
    RowOutcome,
    SearchConfig,
    budget_example,
    rows_example,
    run_budget,
    run_case,
    search,
    shown,
)
from jixiao.testing.values import FILLED_KINDS

__all__ = ["p_met_full_marks", "p_reason_required", "p_score_in_bounds"]


def p_score_in_bounds(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(case: Case) -> Problem | None:
        row = run_case(policy, case)
        return _bounds_problem(case.weight, row, lambda: rows_example([case], [row]))

    cases = js.cases(
        js.targets(kinds=ALL_KINDS),
        actual=any_actual(policy),
        claim=policy_claims(policy, over=True),
        labels=row_labels(policy),
    )
    # claims above the weight first: a rule that trusts `claimed` is reported as such, even
    # when it also fails on rows with no claim
    for case in grid.over_claim_seeds([policy]):
        problem = check(case)
        # reported here only when the claim is to blame: without it the row is not above
        if problem is not None and problem.kind == "above":
            unclaimed = check(attrs.evolve(case, claimed=None))
            if unclaimed is None or unclaimed.kind != "above":
                return problem
    problem = search(cases, check, cfg, grid.indicator_seeds([policy]))
    if problem is not None:
        return problem

    def check_budget(case: BudgetCase) -> Problem | None:
        row = run_budget(policy, case)
        return _bounds_problem(case.weight, row, lambda: budget_example([case], [row]))

    budgets = st.one_of(st.just(policy.budget_weight), js.weights()).flatmap(
        lambda w: js.budget_cases(w)
    )
    seeds = grid.budget_seeds(budget_weights(policy), breakpoints(policy))
    return search(budgets, check_budget, cfg, seeds)


def _bounds_problem(
    weight: Decimal,
    row: RowOutcome,
    example: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
) -> Problem | None:
    if row.error is not None:
        kind = "crash"
        zh = f"评分时抛出异常：{row.error}"
        en = f"scoring raised {row.error}"
    elif "POLICY_ERROR" in row.codes:
        kind = "policy_error"
        msg = row.first("POLICY_ERROR")
        zh, en = f"规则无法应用：{msg}", f"a rule failed on this input: {msg}"
    elif "NO_RULE" in row.codes:
        kind = "no_rule"
        zh, en = "没有任何规则适用于这一行", "no rule of the policy applies to this row"
    elif row.score is not None and row.score > weight:
        kind = "above"
        zh = f"得{shown(row.score)}分，超过分值{shown(weight)}分"
        en = f"scores {shown(row.score)}, above the weight {shown(weight)}"
    elif row.score is not None and row.score < 0:
        kind = "negative"
        zh, en = f"得分为负：{shown(row.score)}", f"a negative score: {shown(row.score)}"
    else:
        return None
    ex, out = example()
    return Problem(zh, en, ex, out, row.rule, kind)


def _met_actual(policy: Policy) -> Callable[[Target], SearchStrategy[Actual] | None]:
    words = top_words(policy)

    def actual(target: Target) -> SearchStrategy[Actual] | None:
        met = js.met_actuals(target)
        if met is not None:
            return met
        if isinstance(target, Deadline) and target.month is not None:
            month = target.month
            return st.builds(
                Deadline,
                year=st.just(target.year),
                month=st.integers(1, month),
                written_day=st.integers(1, 28),
                relation=st.just("at"),
            )
        if isinstance(target, Qualitative) and words:
            return st.sampled_from(words).map(lambda w: Outcome(w, "done"))
        return None

    return actual


def p_met_full_marks(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(case: Case) -> Problem | None:
        row = run_case(policy, case)
        if row.score is None or row.score == case.weight:
            return None
        met = f"实际{case.actual_cell}已达到目标{case.target_cell}"
        met_en = f"the actual {case.actual_cell} meets the target {case.target_cell}"
        score, weight = shown(row.score), shown(case.weight)
        if row.score > case.weight:
            zh = f"{met}，却得{score}分，超过满分{weight}分"
            en = f"{met_en} but scores {score}, above the full marks of {weight}"
        else:
            zh = f"{met}，却只得{score}分（满分{weight}分）"
            en = f"{met_en} but scores only {score} of {weight}"
        ex, out = rows_example([case], [row])
        return Problem(zh, en, ex, out, row.rule)

    strategy = js.cases(
        js.targets(kinds=FILLED_KINDS),
        actual=_met_actual(policy),
        claimed=False,
        labels=row_labels(policy),
    )
    return search(strategy, check, cfg, grid.met_seeds([policy]))


def p_reason_required(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(case: Case) -> Problem | None:
        row = run_case(policy, case)
        if row.score is None or row.score >= case.weight or "REASON_MISSING" in row.codes:
            return None
        zh = (
            f"得{shown(row.score)}分（满分{shown(case.weight)}分），偏差原因为空，"
            "却没有 REASON_MISSING 发现"
        )
        en = (
            f"scores {shown(row.score)} of {shown(case.weight)} with a blank reason, yet no "
            "REASON_MISSING finding"
        )
        ex, out = rows_example([case], [row])
        return Problem(zh, en, ex, out, row.rule)

    strategy = js.cases(
        js.targets(kinds=FILLED_KINDS),
        actual=any_actual(policy),
        claim=policy_claims(policy),
        reason=st.just(""),
        labels=row_labels(policy),
    )
    return search(strategy, check, cfg, grid.indicator_seeds([policy]))
