"""Running a property: scoring one generated row, the problem a check reports, and the search
that runs a check under hypothesis and then over the fixed seed grid."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy

from jixiao.evaluate import score_budget, score_indicator
from jixiao.policy.model import Policy
from jixiao.testing.cases import BudgetCase, Case
from jixiao.testing.results import Problem
from jixiao.testing.shrinking import reduce_failing

__all__ = [
    "Problem",
    "RowOutcome",
    "SearchConfig",
    "budget_example",
    "plain",
    "rows_example",
    "run_budget",
    "run_case",
    "search",
    "shown",
]

T = TypeVar("T")


@attrs.frozen(slots=True)
class RowOutcome:
    """What the policy made of one indicator or budget row."""

    score: Decimal | None
    met: bool | None = None
    rule: str | None = None
    tier: str | None = None
    codes: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    error: str | None = None
    rate: Decimal | None = None
    basis: str = ""
    rule_tiers: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": plain(self.score), "rule": self.rule}
        if self.met is not None:
            out["met"] = self.met
        if self.tier is not None:
            out["tier"] = self.tier
        if self.rate is not None:
            out["rate"] = plain(self.rate)
        out["findings"] = list(self.codes)
        if self.error is not None:
            out["error"] = self.error
        return out

    def first(self, code: str) -> str:
        for c, m in zip(self.codes, self.messages, strict=True):
            if c == code:
                return m
        return ""


def run_case(policy: Policy, case: Case) -> RowOutcome:
    try:
        r = score_indicator(policy, case.to_indicator())
    except Exception as err:  # a crash is itself a finding about the policy or the evaluator
        return RowOutcome(None, error=f"{type(err).__name__}: {err}")
    return RowOutcome(
        r.score,
        r.met,
        r.rule.label if r.rule is not None else None,
        r.tier,
        tuple(f.code for f in r.findings),
        tuple(f.zh for f in r.findings),
        basis=r.basis,
        rule_tiers=r.rule.tiers if r.rule is not None else None,
    )


def run_budget(policy: Policy, case: BudgetCase) -> RowOutcome:
    try:
        r = score_budget(policy, case.to_budget())
    except Exception as err:
        return RowOutcome(None, error=f"{type(err).__name__}: {err}")
    return RowOutcome(
        r.score,
        None,
        r.rule.label if r.rule is not None else None,
        codes=tuple(f.code for f in r.findings),
        messages=tuple(f.zh for f in r.findings),
        rate=r.rate,
    )


class _Found(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.en)
        self.problem = problem


_FOUND_KINDS: dict[str, type[_Found]] = {}


def _found(problem: Problem) -> _Found:
    """An exception whose class names the kind of problem: hypothesis treats each class as a
    distinct bug and shrinks it on its own, so a shrunk example never drifts to another kind."""
    cls = _FOUND_KINDS.get(problem.kind)
    if cls is None:
        cls = type(f"_Found_{len(_FOUND_KINDS)}", (_Found,), {})
        _FOUND_KINDS[problem.kind] = cls
    return cls(problem)


@attrs.frozen(slots=True)
class SearchConfig:
    max_examples: int
    seed: int | None


def search(
    strategy: SearchStrategy[T],
    check: Callable[[T], Problem | None],
    cfg: SearchConfig,
    seeds: Iterable[T] = (),
    smaller: Callable[[T], Iterable[T]] | None = None,
) -> Problem | None:
    """Run *check* on generated values; return the shrunk problem of the first failure, if any.

    When hypothesis finds nothing, the fixed *seeds* (see :mod:`jixiao.testing.seeds`) are
    tried too, so that a small example budget never misses a whole class of input. A failing
    seed is made smaller with *smaller* (simpler variants of a value) while it keeps failing
    the same way.
    """

    @settings(
        max_examples=cfg.max_examples,
        derandomize=cfg.seed is None,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )
    @given(strategy)
    def run(value: T) -> None:
        problem = check(value)
        if problem is not None:
            error = _found(problem)
            raise error

    runner: Callable[[], None] = run
    if cfg.seed is not None:
        runner = hypothesis_seed(cfg.seed)(run)
    try:
        runner()
    except _Found as found:
        return found.problem
    except Unsatisfiable:
        pass
    for value in seeds:
        problem = check(value)
        if problem is not None:
            return reduce_failing(value, problem, check, smaller)
    return None


def rows_example(
    cases: Sequence[Case], rows: Sequence[RowOutcome]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"indicators": [c.to_dict() for c in cases]},
        {"results": [r.to_dict() for r in rows]},
    )


def budget_example(
    cases: Sequence[BudgetCase], rows: Sequence[RowOutcome]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"budgets": [c.to_dict() for c in cases]},
        {"results": [r.to_dict() for r in rows]},
    )


def plain(value: Decimal | None) -> str | None:
    return format(value, "f") if value is not None else None


def shown(value: Decimal | None) -> str:
    """A score or number as the evaluator gave it (``8.89``, ``10.00``), ``—`` for none."""
    return format(value, "f") if value is not None else "—"
