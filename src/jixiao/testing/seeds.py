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

import attrs

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
from jixiao.testing.inputs import breakpoint_ratios, label_seeds, labelled
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
    "over_claim_seeds",
    "policy_ratios",
]

_TEN = Decimal(10)
# below, at, just past (1.01×), above, around twice (1.95–2.05×) and far beyond the target
_RATIOS = tuple(
    Decimal(x)
    for x in ("0", "0.5", "0.9", "1", "1.01", "1.1", "1.2", "1.95", "2", "2.05", "10", "100")
)
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
    # large amounts, as budgets of big projects are written
    out.append(Comparison(">=", _q(250000000, "元")))
    out.append(Comparison("<=", _q("8000000.5", "元")))
    return out


def _numeric_actuals(target: Target, extra: Sequence[Decimal] = ()) -> list[Actual]:
    if isinstance(target, Range):
        values = [Decimal(v) for v in (0, 5, 10, 15, 20, 22, 40)]
        return [_amount(v, "人") for v in values]
    q = target.quantity
    assert q is not None
    unit = q.unit.symbol if q.unit is not None else None
    if q.value == 0:
        return [_amount(Decimal(0), unit), _amount(Decimal(1), unit)]
    ratios = sorted(set(_RATIOS) | set(extra))
    return [_amount(q.value * r, unit) for r in ratios]


def numeric_seeds(weight: Decimal = _TEN, ratios: Sequence[Decimal] = ()) -> list[Case]:
    """Every numeric target class with actuals below, at, just past, around twice and far
    beyond it, and at each of *ratios* (the policy's own breakpoints) times the target."""
    return [Case(t, a, weight) for t in numeric_targets() for a in _numeric_actuals(t, ratios)]


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


def policy_ratios(policies: Sequence[Policy]) -> list[Decimal]:
    """The breakpoints every one of *policies* declares, with one hundredth either side."""
    return sorted({r for p in policies for r in breakpoint_ratios(p)})


def indicator_seeds(policies: Sequence[Policy]) -> list[Case]:
    """The whole grid of indicator rows (weight 10), probing the policies' own breakpoints, and
    the same rows under each section, 二级指标 and name the policies' rules mention."""
    base = numeric_seeds(ratios=policy_ratios(policies)) + word_seeds(policies)
    labels = [lab for p in policies for lab in label_seeds(p)]
    return base + labelled(_label_base(policies), labels)


def _label_base(policies: Sequence[Policy]) -> list[Case]:
    """The rows each label is tried on: every numeric target class below, at and above its
    target, and each tier word of the policies with no claim."""
    rows = [
        Case(t, _amount(t.quantity.value * Decimal(r), _symbol(t)), _TEN)
        for t in numeric_targets()
        if t.quantity is not None and not isinstance(t, Range)
        for r in ("0.5", "1", "1.5")
    ]
    goal = Qualitative(QUALITATIVE_GOALS[0], declared=True)
    rows += [Case(goal, Outcome(w, "done"), _TEN) for w in _tier_words(policies)]
    return rows


def over_claim_seeds(policies: Sequence[Policy]) -> list[Case]:
    """The rows each label is tried on, met and unmet, claiming 150% and 200% of the weight."""
    return [
        attrs.evolve(c, claimed=tidy(c.weight * Decimal(f)))
        for c in _label_base(policies)
        for f in ("1.5", "2")
    ]


def _symbol(target: Target) -> str | None:
    q = target.quantity
    return q.unit.symbol if q is not None and q.unit is not None else None


def met_seeds(policies: Sequence[Policy]) -> list[Case]:
    """Rows whose target is met by its plain meaning, or answered with a top-tier word."""
    out = []
    labels = [lab for p in policies for lab in label_seeds(p)]
    base = numeric_seeds(ratios=policy_ratios(policies))
    for case in base + labelled(_label_base(policies)[:-1], labels):
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


def monotone_seeds(ratios: Sequence[Decimal] = ()) -> list[tuple[Case, Case]]:
    """Neighbouring actuals of every numeric target class, the smaller one first."""
    out = []
    for t in numeric_targets():
        actuals = _numeric_actuals(t, ratios)
        for a, b in itertools.pairwise(actuals):
            out.append((Case(t, a, _TEN), Case(t, b, _TEN)))
    return out


def _rates(extra: Sequence[Decimal]) -> list[Decimal]:
    return sorted(set(_RATES_ALL) | {r for r in extra if r <= 2})


def budget_seeds(weights: Iterable[Decimal], rates: Sequence[Decimal] = ()) -> list[BudgetCase]:
    """Budget rows at the usual rate thresholds and just below them, and at *rates* (the
    policy's own breakpoints), for each weight; and a large budget (2.5亿元 written in 元)."""
    weights = list(weights)
    out = [BudgetCase(Decimal(0), Decimal(0), w, Decimal(0)) for w in weights]
    for w in weights:
        for r in _rates(rates):
            out.append(BudgetCase(Decimal(100), tidy(100 * r), w, Decimal(100)))
        big = Decimal(250000000)
        out.append(BudgetCase(big, tidy(big * Decimal("0.8765")), w, big))
    return out


def budget_pairs(
    weights: Iterable[Decimal], rates: Sequence[Decimal] = ()
) -> list[tuple[BudgetCase, BudgetCase]]:
    """Neighbouring rates for each weight, the lower one first."""
    out = []
    for w in weights:
        for r1, r2 in itertools.pairwise(_rates(rates)):
            out.append(
                (
                    BudgetCase(Decimal(100), tidy(100 * r1), w, Decimal(100)),
                    BudgetCase(Decimal(100), tidy(100 * r2), w, Decimal(100)),
                )
            )
    return out


def form_seeds(policy: Policy, labels: Sequence[tuple[str, str, str]] = ()) -> list[FormCase]:
    """A form of every numeric class and a form mixing tier words, weights adding up to 100;
    with *labels*, also forms whose rows carry each ``(level1, level2, name)`` in turn, with
    actuals below, at and above their targets, and claims up to twice the weight."""
    sections = list(policy.section_weights) or ["产出指标"]
    bw = policy.budget_weight
    groups: list[list[tuple[Case, tuple[str, str, str] | None]]] = [
        [(c, None) for c in numeric_seeds()[::3]],
        [(c, None) for c in word_seeds([policy])[::7]],
    ]
    if labels:
        base = _label_base([policy])
        claims = (None, Decimal(10), Decimal(15), Decimal(20))
        rows: list[tuple[Case, tuple[str, str, str] | None]] = [
            (attrs.evolve(base[j], claimed=claims[(i + j) % len(claims)]), lab)
            for i, lab in enumerate(labels)
            for j in range(i % 2, len(base), 2)
        ]
        groups += [rows[i : i + 10] for i in range(0, len(rows), 10)]
    out = []
    for group in groups:
        group = group[:10]
        weights = apportion([1] * len(group), Decimal(100) - bw)
        cases = []
        for i, ((c, lab), w) in enumerate(zip(group, weights, strict=True)):
            level1, level2, name = lab or (sections[i % len(sections)], "", f"指标{i + 1}")
            claimed = None if c.claimed is None else tidy(c.claimed * w / c.weight)
            cases.append(Case(c.target, c.actual, w, claimed, "", level1, level2, name))
        out.append(FormCase(BudgetCase(Decimal(100), Decimal(90), bw, Decimal(100)), tuple(cases)))
    return out
