"""Rows, budgets and whole forms whose weights add up to 100. Re-exported by
:mod:`jixiao.testing.strategies`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.errors import UsageError
from jixiao.forms.model import Budget, Form, Indicator
from jixiao.targets.ast import (
    Actual,
    Target,
)
from jixiao.testing.cases import BudgetCase, Case, FormCase
from jixiao.testing.values import actuals, numbers, targets, tidy

__all__ = [
    "CLAIM_SHARES",
    "DEFAULT_SECTIONS",
    "apportion",
    "budget_cases",
    "budgets",
    "cases",
    "claimed_scores",
    "form_cases",
    "forms",
    "indicators",
    "rates",
    "weights",
]

#: The central sections (一级指标) and the budget weight, for forms built without a policy.
DEFAULT_SECTIONS: tuple[tuple[str, Decimal], ...] = (
    ("产出指标", Decimal(50)),
    ("效益指标", Decimal(30)),
    ("满意度指标", Decimal(10)),
)
_DEFAULT_BUDGET_WEIGHT = Decimal(10)


# ----------------------------------------------------------------------------- rows


def weights(max_value: int = 30) -> SearchStrategy[Decimal]:
    """分值 of a row: whole points, sometimes halves; shrinks to 1."""
    return st.one_of(
        st.integers(1, 10).map(Decimal),
        st.integers(1, max_value).map(Decimal),
        st.integers(1, 2 * max_value).map(lambda n: tidy(Decimal(n) / 2)),
    )


#: Shares of the weight a claimed score is drawn from first (100%, 90% … 0).
CLAIM_SHARES = tuple(Decimal(x) for x in ("1", "0.9", "0.8", "0.7", "0.6", "0.5", "0.3", "0"))


def claimed_scores(
    weight: Decimal, shares: Sequence[Decimal] = CLAIM_SHARES
) -> SearchStrategy[Decimal | None]:
    """A claimed 得分 for a row of *weight*: none, a simple share of the weight (100%, 80% …,
    the edges of the usual tier bands), or any score in [0, weight] to 2 places."""
    return st.one_of(
        st.none(),
        st.sampled_from(tuple(shares)).map(lambda f: tidy((weight * f).quantize(Decimal("0.01")))),
        numbers(0, weight, places=2),
    )


_REASONS = ("", "因项目实施进度调整，部分任务未完成；下一步将加强进度管理")


def cases(
    target: SearchStrategy[Target] | None = None,
    *,
    actual: Callable[[Target], SearchStrategy[Actual] | None] | None = None,
    weight: SearchStrategy[Decimal] | None = None,
    claimed: bool = True,
    claim: Callable[[Decimal], SearchStrategy[Decimal | None]] | None = None,
    reason: SearchStrategy[str] | None = None,
    sections: Sequence[str] = ("产出指标",),
    labels: SearchStrategy[tuple[str, str, str]] | None = None,
) -> SearchStrategy[Case]:
    """Indicator rows as :class:`~jixiao.testing.cases.Case` (target and actual kept as trees).

    *actual* maps a target to a strategy of actuals (default :func:`actuals`); a target for which
    it returns None is skipped. *claimed* adds a claimed 得分 within [0, weight] (or none),
    drawn from *claim* (default :func:`claimed_scores`). *labels* draws each row's
    ``(level1, level2, name)``; without it a row is named 指标1 in one of *sections*.
    """
    target_s = target if target is not None else targets()
    actual_of = actual if actual is not None else actuals
    weight_s = weight if weight is not None else weights()
    reason_s = reason if reason is not None else st.sampled_from(_REASONS)
    claim_of = claim if claim is not None else claimed_scores
    label_s = (
        labels
        if labels is not None
        else st.sampled_from(tuple(sections)).map(lambda s: (s, "", "指标1"))
    )

    def build(t: Target) -> SearchStrategy[Case]:
        a = actual_of(t)
        if a is None:
            return st.nothing()
        base = st.builds(
            lambda act, w, r, lab: Case(t, act, w, None, r, lab[0], lab[1], lab[2]),
            a,
            weight_s,
            reason_s,
            label_s,
        )
        if not claimed:
            return base
        return base.flatmap(
            lambda case: claim_of(case.weight).map(lambda c: attrs.evolve(case, claimed=c))
        )

    return target_s.flatmap(build)


def indicators(
    target: SearchStrategy[Target] | None = None,
    *,
    weight: SearchStrategy[Decimal] | None = None,
    claimed: bool = True,
) -> SearchStrategy[Indicator]:
    """Indicator rows (:class:`jixiao.Indicator`) with cells written canonically."""
    return cases(target, weight=weight, claimed=claimed).map(lambda c: c.to_indicator())


# ----------------------------------------------------------------------------- budgets


_RATE_POINTS = tuple(
    Decimal(x) for x in ("1", "0.9", "0.8", "0.6", "0.5", "0", "0.9999", "0.7999", "0.5999", "1.2")
)


def rates() -> SearchStrategy[Decimal]:
    """Execution rates B/A as fractions: the usual thresholds (100%, 90%, 80%, 60% and just below
    them), and any rate up to 130% to 4 places; shrinks to 100%."""
    return st.one_of(st.sampled_from(_RATE_POINTS), numbers(0, "1.3", places=4))


def budget_cases(
    weight: Decimal | int = 10,
    *,
    zero_budget: bool = True,
    claimed: bool = False,
    rate: SearchStrategy[Decimal] | None = None,
) -> SearchStrategy[BudgetCase]:
    """项目资金 rows: 全年预算数 (annual), 全年执行数 (executed = annual × a rate from *rate*,
    default :func:`rates`), the weight, and a claimed score when *claimed*."""
    w = Decimal(weight)
    rate_s = rate if rate is not None else rates()
    claim: SearchStrategy[Decimal | None] = claimed_scores(w) if claimed else st.none()
    annual = numbers(1, 100000, places=3)
    if zero_budget:
        annual = st.one_of(annual, st.just(Decimal(0)))
    return st.builds(
        lambda a, r, c: BudgetCase(annual=a, executed=tidy(a * r), weight=w, initial=a, claimed=c),
        annual,
        rate_s,
        claim,
    )


def budgets(weight: Decimal | int = 10, *, zero_budget: bool = True) -> SearchStrategy[Budget]:
    """Budget rows (:class:`jixiao.Budget`)."""
    return budget_cases(weight, zero_budget=zero_budget).map(lambda b: b.to_budget())


# ----------------------------------------------------------------------------- forms


def apportion(shares: Sequence[int], total: Decimal) -> list[Decimal]:
    """Whole-point weights, each at least 1, adding up to *total*, in proportion to *shares*.

    >>> apportion([1, 1, 2], Decimal(90))
    [Decimal('23'), Decimal('23'), Decimal('44')]
    """
    n = len(shares)
    units = int(total)
    if units != total or units < n:
        raise UsageError(
            "总分值须为整数，且每行至少1分",
            en="the total must be a whole number of points, at least one per row",
        )
    rest = units - n
    whole = sum(shares)
    quotas = [Decimal(rest * s) / whole for s in shares]
    floors = [int(q) for q in quotas]
    left = rest - sum(floors)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(1 + f) for f in floors]


def form_cases(
    *,
    sections: Sequence[tuple[str, Decimal]] | None = None,
    budget_weight: Decimal | int | None = None,
    policy: Any = None,
    max_rows: int = 6,
    target: SearchStrategy[Target] | None = None,
    claimed: bool = False,
    labels: SearchStrategy[tuple[str, str, str]] | None = None,
    claim: Callable[[Decimal], SearchStrategy[Decimal | None]] | None = None,
) -> SearchStrategy[FormCase]:
    """Whole forms whose weights add up to 100: the budget weight plus every row's weight.

    Sections and the budget weight come from *policy* (a :class:`jixiao.Policy`) when given,
    else from the central defaults. Rows are spread over the sections at random, or draw their
    ``(level1, level2, name)`` from *labels*; a failing form shrinks to a single row. *claim*
    draws a claimed score for a row of weight 1 (a share of the row's weight).
    """
    if policy is not None:
        sections = sections or tuple(policy.section_weights.items())
        budget_weight = budget_weight if budget_weight is not None else policy.budget_weight
    names = tuple(n for n, _ in (sections or DEFAULT_SECTIONS)) or ("产出指标",)
    bw = Decimal(budget_weight if budget_weight is not None else _DEFAULT_BUDGET_WEIGHT)
    rest = Decimal(100) - bw

    def build(budget: BudgetCase, rows: list[tuple[Case, int]]) -> FormCase:
        ws = apportion([s for _, s in rows], rest)
        out = []
        for i, ((case, _), w) in enumerate(zip(rows, ws, strict=True)):
            # rows are drawn with weight 1, so a claim is a share of the weight
            claim = None if case.claimed is None else tidy(case.claimed * w)
            name = f"指标{i + 1}" if case.name == "指标1" else case.name
            out.append(attrs.evolve(case, weight=w, claimed=claim, name=name))
        return FormCase(budget, tuple(out))

    row = st.tuples(
        cases(
            target,
            weight=st.just(Decimal(1)),
            claimed=claimed,
            claim=claim,
            sections=names,
            labels=labels,
        ),
        st.integers(1, 5),
    )
    # the budget is drawn first: the shrinker then deletes rows at the end of the choice
    # sequence, which lets a failing form shrink to its one guilty row
    return st.builds(
        build,
        budget_cases(bw, zero_budget=False),
        st.lists(row, min_size=1, max_size=max_rows),
    )


def forms(
    *,
    policy: Any = None,
    max_rows: int = 6,
    claimed: bool = False,
) -> SearchStrategy[Form]:
    """Whole forms (:class:`jixiao.Form`) whose weights add up to 100 with the budget weight."""
    return form_cases(policy=policy, max_rows=max_rows, claimed=claimed).map(lambda f: f.to_form())
