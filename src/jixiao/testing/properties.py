"""Properties every scoring policy should have, checked by generating inputs with hypothesis.

:func:`check_policy` runs each property as a hypothesis search over generated indicators, budgets
and forms, and reports every property the policy breaks with the counterexample hypothesis shrank
it to. Runs are deterministic: derandomized unless a seed is given, and never read or write the
example database.

This module is the API; the work is split by job: :mod:`~jixiao.testing.results` (what a run
reports), :mod:`~jixiao.testing.runner` (scoring a generated row, the search),
:mod:`~jixiao.testing.shrinking` (making a failing input smaller),
:mod:`~jixiao.testing.inputs` (strategies drawn from the policy under test) and one module per
family of properties in :mod:`jixiao.testing.checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from jixiao.errors import UsageError
from jixiao.i18n import Msg
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy
from jixiao.policy.names import suggest
from jixiao.testing.checks import forms, grades, monotone, rows, tiers, units
from jixiao.testing.results import (
    PROPERTIES,
    PolicyReport,
    Violation,
    describe_property,
)
from jixiao.testing.runner import Problem, SearchConfig

__all__ = [
    "PROPERTIES",
    "PolicyReport",
    "Violation",
    "assert_policy_ok",
    "check_policy",
    "describe_property",
]

_CHECKS: dict[str, Callable[[Policy, SearchConfig], Problem | None]] = {
    "score_in_bounds": rows.p_score_in_bounds,
    "met_full_marks": rows.p_met_full_marks,
    "monotone": monotone.p_monotone,
    "unit_invariance": units.p_unit_invariance,
    "row_order": forms.p_row_order,
    "total_bounds": forms.p_total_bounds,
    "reason_required": rows.p_reason_required,
    "tier_bands": tiers.p_tier_bands,
    "budget_monotone": monotone.p_budget_monotone,
    "tier_words": tiers.p_tier_words,
    "row_within_weight": forms.p_row_within_weight,
    "grade_edges": grades.p_grade_edges,
    "rounding": grades.p_rounding,
}


def _names(names: Iterable[str], what: str) -> list[str]:
    out = []
    for name in names:
        if name not in PROPERTIES:
            raise UsageError(
                Msg(f"未知的性质「{name}」（{what}）", f"unknown property {name!r} in {what}"),
                hint=suggest(name, PROPERTIES),
            )
        out.append(name)
    return out


def _load(policy: Policy | str | Path) -> Policy:
    return load_policy(policy)


def check_policy(
    policy: Policy | str | Path,
    *,
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    max_examples: int = 200,
    seed: int | None = None,
) -> PolicyReport:
    """Check the properties of a policy (a :class:`jixiao.Policy`, a shipped name or a path).

    Each property is a hypothesis search of up to *max_examples* inputs; a broken one is
    reported with its shrunk counterexample. *skip* switches properties off by name; *only*
    runs just the ones named. Without a *seed* the run is derandomized (the same report every
    time); with one, hypothesis explores differently for each seed.

    >>> report = check_policy("central", max_examples=20)   # doctest: +SKIP
    >>> report.ok, report.checked[:2]                       # doctest: +SKIP
    (True, ('score_in_bounds', 'met_full_marks'))
    """
    pol = _load(policy)
    skipped = set(_names(skip, "skip"))
    wanted = _names(only, "only") if only is not None else list(PROPERTIES)
    if max_examples < 1:
        raise UsageError("max_examples 至少为1", en="max_examples must be at least 1")
    cfg = SearchConfig(max_examples, seed)
    checked: list[str] = []
    violations: list[Violation] = []
    for name in PROPERTIES:
        if name not in wanted or name in skipped:
            continue
        checked.append(name)
        problem = _CHECKS[name](pol, cfg)
        if problem is not None:
            violations.append(
                Violation(
                    name, problem.zh, problem.en, problem.example, problem.outcome, problem.rule
                )
            )
    return PolicyReport(
        policy_name=pol.name,
        policy_path=pol.path,
        checked=tuple(checked),
        violations=tuple(violations),
        skipped=tuple(n for n in PROPERTIES if n in skipped),
        max_examples=max_examples,
        seed=seed,
    )


def assert_policy_ok(
    policy: Policy | str | Path,
    *,
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    max_examples: int = 200,
    seed: int | None = None,
    lang: str = "zh",
) -> PolicyReport:
    """Check a policy's properties and raise :class:`AssertionError` with the rendered report if
    any is broken. The three-line test of a rule file::

        from jixiao.testing import assert_policy_ok
        def test_my_policy():
            assert_policy_ok("rules/my.policy")
    """
    report = check_policy(policy, skip=skip, only=only, max_examples=max_examples, seed=seed)
    if not report.ok:
        raise AssertionError("\n" + report.render(lang))
    return report
