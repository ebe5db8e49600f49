"""A fixed grid of simple inputs that every check also tries, whatever hypothesis generates.

Random generation with a small example budget (a CI profile, ``--max-examples 10``) can miss a
class of input altogether: a reverse indicator above its cap, a tier word with a claimed score on
a band edge. The grid visits each such class once with round numbers (targets of 10, weight 10),
so a property broken on a whole class of inputs is always caught, and the outcome diff always
sees every class. Hypothesis runs first, so its shrunk counterexample is preferred when it finds
one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    Actual,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    Target,
)
from jixiao.testing.cases import BudgetCase, Case, FormCase
from jixiao.testing.strategies import QUALITATIVE_GOALS, apportion, tidy
from jixiao.units import lookup_unit

__all__ = [
    "budget_pairs",
    "budget_seeds",
    "form_seeds",
    "indicator_seeds",
    "met_seeds",
    "monotone_seeds",
    "numeric_seeds",
]

_TEN = Decimal(10)
_RATIOS = tuple(Decimal(x) for x in ("0", "0.5", "0.9", "1", "1.1", "1.2", "2"))
_RATES = tuple(
    Decimal(x) for x in ("0", "0.5", "0.59", "0.6", "0.79", "0.8", "0.89", "0.9", "0.99")
)
_RATES_ALL = (*_RATES, Decimal(1), Decimal("1.05"), Decimal("1.2"))


def _q(value: Decimal | int | str, unit: str | None = "人") -> Quantity:
    return Quantity(Decimal(value), lookup_unit(unit) if unit else None)


def _amount(value: Decimal, unit: str | None = "人") -> Amount:
    return Amount(_q(tidy(value), unit))


def numeric_targets() -> list[Target]:
    """One target of each numeric class: every comparator, a bare quantity, a range, zero caps."""
    out: list[Target] = [Comparison(op, _q(10)) for op in (">=", ">", "=", "<=", "<")]
    out.append(Amount(_q(10)))
    out.append(Range(Decimal(10), Decimal(20), lookup_unit("人")))
    out += [Comparison(op, _q(0, "起")) for op in ("<=", "<", "=")]
    out.append(Comparison("<=", _q("64.253", "万元")))
    out.append(Comparison(">=", _q(90, "%")))
    return out


def _numeric_actuals(target: Target) -> list[Actual]:
    if isinstance(target, Range):
        values = [Decimal(v) for v in (0, 5, 10, 15, 20, 22, 40)]
        return [_amount(v, "人") for v in values]
    q = target.quantity
    assert q is not None
    unit = q.unit.symbol if q.unit is not None else None
    if q.value == 0:
        return [_amount(Decimal(0), unit), _amount(Decimal(1), unit)]
    return [_amount(q.value * r, unit) for r in _RATIOS]


def numeric_seeds(weight: Decimal = _TEN) -> list[Case]:
    """Every numeric target class with actuals below, at, above and far above it."""
    return [Case(t, a, weight) for t in numeric_targets() for a in _numeric_actuals(t)]


def _tier_words(policies: Iterable[Policy]) -> list[str]:
    """The shortest word of every tier of every table, in table order."""
    out: list[str] = []
    for policy in policies:
        for table in policy.tiers.values():
            for tier in table.tiers:
                words = sorted((w for w, t in table.words.items() if t == tier.name), key=len)
                if words and words[0] not in out:
                    out.append(words[0])
    return out


def _tier_claims(policies: Iterable[Policy], weight: Decimal) -> list[Decimal | None]:
    shares: set[Decimal] = {Decimal(1), Decimal("0.9")}
    for policy in policies:
        for table in policy.tiers.values():
            for tier in table.tiers:
                for x in (tier.band.low, tier.band.high, tier.default):
                    if x is not None and 0 <= x <= 1:
                        shares.add(x)
    claims: list[Decimal | None] = [None]
    claims += [tidy((weight * s).quantize(Decimal("0.01"))) for s in sorted(shares, reverse=True)]
    return claims


def word_seeds(policies: Sequence[Policy], weight: Decimal = _TEN) -> list[Case]:
    """Qualitative goals, deadlines and numeric targets answered in the tier words of the
    policies, with no claimed score and with claims on every tier edge and default point."""
    goal = Qualitative(QUALITATIVE_GOALS[0], declared=True)
    deadline = Deadline(month=12, end_of_month=True, relation="by")
    words = [Outcome(w, "done") for w in _tier_words(policies)]
    claims = _tier_claims(policies, weight)
    out = [Case(t, w, weight, c) for t in (goal, deadline) for w in words for c in claims]
    out += [Case(Comparison(">=", _q(10)), w, weight) for w in words]
    out += [
        Case(deadline, Deadline(month=11, written_day=15, relation="at"), weight),
        Case(
            Deadline(month=6, end_of_month=True, relation="by"),
            Deadline(month=8, written_day=15, relation="at"),
            weight,
        ),
        Case(goal, Qualitative("见附件说明"), weight),
        Case(Empty(), _amount(Decimal(10)), weight),
        Case(Comparison(">=", _q(10)), Empty(), weight),
    ]
    return out


def indicator_seeds(policies: Sequence[Policy]) -> list[Case]:
    """The whole grid of indicator rows (weight 10)."""
    return numeric_seeds() + word_seeds(policies)


def met_seeds(policies: Sequence[Policy]) -> list[Case]:
    """Rows whose target is met by its plain meaning, or answered with a top-tier word."""
    out = []
    for case in numeric_seeds():
        t, a = case.target, case.actual
        q = a.quantity
        if q is None:
            continue
        v = q.base
        if isinstance(t, Range):
            met = t.low_quantity.base <= v <= t.high_quantity.base
        elif isinstance(t, Comparison):
            b = t.amount.base
            met = {">=": v >= b, ">": v > b, "=": v == b, "<=": v <= b, "<": v < b}[t.op]
        elif isinstance(t, Amount):
            met = v >= t.amount.base
        else:  # pragma: no cover - numeric seeds only
            met = False
        if met:
            out.append(case)
    goal = Qualitative(QUALITATIVE_GOALS[0], declared=True)
    for policy in policies:
        for table in policy.tiers.values():
            top = sorted((w for w, t in table.words.items() if t == table.top.name), key=len)
            if top:
                out.append(Case(goal, Outcome(top[0], "done"), _TEN))
    return out


def monotone_seeds() -> list[tuple[Case, Case]]:
    """Neighbouring actuals of every numeric target class, the smaller one first."""
    out = []
    for t in numeric_targets():
        actuals = _numeric_actuals(t)
        for a, b in itertools.pairwise(actuals):
            out.append((Case(t, a, _TEN), Case(t, b, _TEN)))
    return out


def budget_seeds(weights: Iterable[Decimal]) -> list[BudgetCase]:
    """Budget rows at the usual rate thresholds and just below them, for each weight."""
    out = [BudgetCase(Decimal(0), Decimal(0), w, Decimal(0)) for w in weights]
    for w in weights:
        for r in _RATES_ALL:
            out.append(BudgetCase(Decimal(100), tidy(100 * r), w, Decimal(100)))
    return out


def budget_pairs(weights: Iterable[Decimal]) -> list[tuple[BudgetCase, BudgetCase]]:
    """Neighbouring rates for each weight, the lower one first."""
    out = []
    for w in weights:
        for r1, r2 in itertools.pairwise(_RATES_ALL):
            out.append(
                (
                    BudgetCase(Decimal(100), tidy(100 * r1), w, Decimal(100)),
                    BudgetCase(Decimal(100), tidy(100 * r2), w, Decimal(100)),
                )
            )
    return out


def form_seeds(policy: Policy) -> list[FormCase]:
    """A form of every numeric class and a form mixing tier words, weights adding up to 100."""
    sections = list(policy.section_weights) or ["产出指标"]
    bw = policy.budget_weight
    groups = [numeric_seeds()[::3], word_seeds([policy])[::7]]
    out = []
    for rows in groups:
        rows = rows[:10]
        weights = apportion([1] * len(rows), Decimal(100) - bw)
        cases = [
            Case(
                c.target,
                c.actual,
                w,
                None if c.claimed is None else tidy(c.claimed * w / c.weight),
                level1=sections[i % len(sections)],
                name=f"指标{i + 1}",
            )
            for i, (c, w) in enumerate(zip(rows, weights, strict=True))
        ]
        out.append(FormCase(BudgetCase(Decimal(100), Decimal(90), bw, Decimal(100)), tuple(cases)))
    return out
