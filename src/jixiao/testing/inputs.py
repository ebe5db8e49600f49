"""Strategies drawn from the policy under test: its tier words, its claimed-score edges, the
budget weights it uses. Shared by the properties and the outcome diff."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    Actual,
    Empty,
    Outcome,
    Target,
)
from jixiao.testing import strategies as js

__all__ = [
    "ALL_KINDS",
    "any_actual",
    "budget_weights",
    "numeric_targets",
    "policy_claims",
    "policy_words",
    "top_words",
]


def policy_words(policy: Policy) -> tuple[str, ...]:
    """Every word of the policy's tier tables, and the usual completion words, shortest first."""
    words = {w for table in policy.tiers.values() for w in table.words}
    words.update(w for w, _ in js.OUTCOME_WORDS)
    return tuple(sorted(words, key=lambda w: (len(w), w)))


def any_actual(policy: Policy) -> Callable[[Target], SearchStrategy[Actual]]:
    """Actuals that fit the target, and sometimes a blank cell or a word of the policy's tiers."""
    words = st.sampled_from(policy_words(policy)).map(lambda w: Outcome(w, "done"))

    def actual(target: Target) -> SearchStrategy[Actual]:
        return st.one_of(js.actuals(target), words, st.just(Empty()))

    return actual


def policy_claims(policy: Policy) -> Callable[[Decimal], SearchStrategy[Decimal | None]]:
    """Claimed scores that also sit on the edges and default points of the policy's tiers."""
    shares = set(js.CLAIM_SHARES)
    for table in policy.tiers.values():
        for t in table.tiers:
            shares.update(x for x in (t.band.low, t.band.high, t.default) if x is not None)
    ordered = tuple(sorted((x for x in shares if 0 <= x <= 1), reverse=True))
    return lambda weight: js.claimed_scores(weight, ordered)


ALL_KINDS = ("comparison", "quantity", "range", "qualitative", "deadline", "empty")


def numeric_targets() -> SearchStrategy[Target]:
    return js.targets(kinds=js.NUMERIC_KINDS)


def top_words(policy: Policy) -> tuple[str, ...]:
    words: set[str] = set()
    for table in policy.tiers.values():
        top = table.top.name
        words.update(w for w, t in table.words.items() if t == top)
    return tuple(sorted(words, key=lambda w: (len(w), w)))


def budget_weights(policy: Policy) -> list[Decimal]:
    return sorted({policy.budget_weight, Decimal(1), Decimal(5)})
