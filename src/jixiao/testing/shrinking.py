"""Making a failing input smaller when hypothesis did not find it: a failing seed of the fixed
grid is reduced greedily, and a failing form loses rows while it keeps failing the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

import attrs

from jixiao.testing import strategies as js
from jixiao.testing.cases import FormCase
from jixiao.testing.results import Problem

__all__ = ["fewer_rows", "fewer_rows_ordered", "reduce_failing"]

T = TypeVar("T")


def reduce_failing(
    value: T,
    problem: Problem,
    check: Callable[[T], Problem | None],
    smaller: Callable[[T], Iterable[T]] | None,
) -> Problem:
    """Greedy reduction of a failing seed: take the first simpler variant that fails alike."""
    if smaller is None:
        return problem
    for _ in range(50):
        for candidate in smaller(value):
            again = check(candidate)
            if again is not None and again.kind == problem.kind:
                value, problem = candidate, again
                break
        else:
            return problem
    return problem


def fewer_rows(form: FormCase) -> Iterable[FormCase]:
    """*form* without one of its rows, weights spread again so that they add up to 100."""
    if len(form.rows) < 2:
        return
    for i in range(len(form.rows)):
        rows = form.rows[:i] + form.rows[i + 1 :]
        weights = js.apportion([1] * len(rows), Decimal(100) - form.budget.weight)
        yield attrs.evolve(
            form,
            rows=tuple(
                attrs.evolve(r, weight=w, claimed=None if r.claimed is None else min(r.claimed, w))
                for r, w in zip(rows, weights, strict=True)
            ),
        )


def fewer_rows_ordered(
    value: tuple[FormCase, tuple[int, ...]],
) -> Iterable[tuple[FormCase, tuple[int, ...]]]:
    form, order = value
    for i, smaller in enumerate(fewer_rows(form)):
        rest = [j - (j > i) for j in order if j != i]
        yield smaller, tuple(rest)
