"""Unit invariance: the unit a cell is written in (元/万元, %/‰) changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    Actual,
    Amount,
    Comparison,
    Quantity,
    Range,
    Target,
)
from jixiao.testing import strategies as js
from jixiao.testing.cases import Case
from jixiao.testing.runner import (
    Problem,
    SearchConfig,
    rows_example,
    run_case,
    search,
    shown,
)
from jixiao.units import known_symbols

__all__ = ["p_unit_invariance", "unit_seeds"]

# money first: 元 / 万元 is the rewriting that matters most on real forms
_FAMILY_UNITS = st.one_of(
    js.units("money"),
    st.sampled_from([js.registered_unit(w) for w in ("%", "‰", "米", "千克", "亩", "天")] + [None]),
)


def _rewrite(case: Case, tu: Any, au: Any) -> Case | None:
    """*case* with its target written in unit *tu* and its actual in unit *au*, or None."""
    t, a = case.target, case.actual
    new_t: Target
    if isinstance(t, Comparison | Amount):
        q = js.rescale(t.amount, tu)
        if q is None:
            return None
        new_t = attrs.evolve(t, amount=q)
    elif isinstance(t, Range):
        lo = js.rescale(Quantity(t.low, t.unit), tu)
        hi = js.rescale(Quantity(t.high, t.unit), tu)
        if lo is None or hi is None:
            return None
        new_t = attrs.evolve(t, low=lo.value, high=hi.value, unit=tu)
    else:
        return None
    if not isinstance(a, Amount):
        return None
    qa = js.rescale(a.amount, au)
    if qa is None:
        return None
    return attrs.evolve(case, target=new_t, actual=attrs.evolve(a, amount=qa))


def _implied(case: Case) -> Case | None:
    """*case* with the actual's unit left out, when it is the target's own unit."""
    a, q = case.actual, case.target.quantity
    unit = q.unit if q is not None else getattr(case.target, "unit", None)
    if not isinstance(a, Amount) or unit is None or a.unit != unit:
        return None
    if unit.symbol == "%" and 0 < a.value <= 1:
        # a bare number in (0, 1] under a percent target is read as a fraction (or is
        # ambiguous): by design not the same cell as the percent (docs/targets.md)
        return None
    return attrs.evolve(case, actual=attrs.evolve(a, amount=Quantity(a.value, None)))


def _unit_pairs() -> SearchStrategy[tuple[Case, Case]]:
    def rewrites(case: Case) -> SearchStrategy[tuple[Case, Case]]:
        q = case.target.quantity
        fam = js.family(q.unit if q is not None else None)

        def pick(choice: tuple[Any, Any]) -> SearchStrategy[tuple[Case, Case]]:
            tu, au = choice
            if (tu is None) != (au is None):
                au = tu  # a % target and a bare-number actual are not the same cell language
            other = _rewrite(case, tu, au)
            if other is None or other == case:
                return st.nothing()
            return st.just((case, other))

        # the target rewritten (the actual too, or not), or only the actual rewritten, or the
        # actual's unit left out because the target's implies it (≥90% / 95)
        rewrites = st.one_of(
            st.tuples(st.sampled_from(fam[1:] or fam), st.sampled_from(fam)),
            st.tuples(st.just(fam[0]), st.sampled_from(fam[1:] or fam)),
        ).flatmap(pick)
        implied = _implied(case)
        return rewrites if implied is None else st.one_of(rewrites, st.just((case, implied)))

    def actual(target: Target) -> SearchStrategy[Actual]:
        return st.sampled_from(js.REGIONS).flatmap(lambda r: js.actual_in(target, r))

    targets = js.targets(kinds=js.NUMERIC_KINDS, unit=_FAMILY_UNITS)
    base = js.cases(targets, actual=actual, claimed=False)
    return base.flatmap(rewrites)


def p_unit_invariance(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(pair: tuple[Case, Case]) -> Problem | None:
        one, other = pair
        r1, r2 = run_case(policy, one), run_case(policy, other)
        if (r1.score, r1.met) == (r2.score, r2.met) and ("UNIT_MISMATCH" in r1.codes) == (
            "UNIT_MISMATCH" in r2.codes
        ):
            return None
        zh = (
            f"写作「{one.target_cell} / {one.actual_cell}」得{shown(r1.score)}分，"
            f"改写为「{other.target_cell} / {other.actual_cell}」得{shown(r2.score)}分"
        )
        en = (
            f"written {one.target_cell} / {one.actual_cell} it scores {shown(r1.score)}; rewritten "
            f"as {other.target_cell} / {other.actual_cell} it scores {shown(r2.score)}"
        )
        ex, out = rows_example([one, other], [r1, r2])
        rule = " / ".join(dict.fromkeys(r for r in (r1.rule, r2.rule) if r)) or None
        return Problem(zh, en, ex, out, rule)

    return search(_unit_pairs(), check, cfg, unit_seeds())


def unit_seeds() -> list[tuple[Case, Case]]:
    """Every unit of the registry, deterministically: money and percentage targets of each
    comparator, and a ``≥`` and a ``≤`` target in every other unit, below, at and above the
    target, rewritten in every unit of their family (公里 → 米, 万元 → 元 …); a unit with no
    family has its actual written without the unit its target implies (≥45人 / 40)."""
    out = []
    for symbol in known_symbols():
        u = js.registered_unit(symbol)
        fam = js.family(u)
        ops: tuple[str, ...] = (
            (">=", ">", "=", "<=", "<") if symbol in ("万元", "%") else (">=", "<=")
        )
        for op in ops:
            target = Comparison(op, Quantity(Decimal(10), u))  # type: ignore[arg-type]
            for ratio in ("0.5", "1", "1.5"):
                actual = Amount(Quantity(js.tidy(Decimal(10) * Decimal(ratio)), u))
                case = Case(target, actual, Decimal(10))
                implied = _implied(case)
                if len(fam) == 1 and implied is not None:
                    out.append((case, implied))
                for tu in fam:
                    for au in fam:
                        if (tu is None) != (au is None) or (tu, au) == (u, u):
                            continue
                        other = _rewrite(case, tu, au)
                        if other is not None:
                            out.append((case, other))
    return out
