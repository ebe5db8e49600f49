"""Strategies drawn from the policy under test: its tier words, its claimed-score edges, the
budget weights it uses. Shared by the properties and the outcome diff."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.policy.model import Policy
from jixiao.targets.ast import (
    TARGET_KINDS,
    Actual,
    Empty,
    Outcome,
    Target,
)
from jixiao.testing import strategies as js
from jixiao.testing import vocabulary
from jixiao.testing.cases import Case

__all__ = [
    "ALL_KINDS",
    "OVER_CLAIMS",
    "any_actual",
    "breakpoint_ratios",
    "breakpoints",
    "budget_weights",
    "label_seeds",
    "labelled",
    "numeric_targets",
    "policy_claims",
    "policy_labels",
    "policy_words",
    "row_labels",
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


#: Claims above the weight a careless officer writes (110%, 150%, twice the weight).
OVER_CLAIMS = tuple(Decimal(x) for x in ("1.1", "1.5", "2"))


def policy_claims(
    policy: Policy, *, over: bool = False
) -> Callable[[Decimal], SearchStrategy[Decimal | None]]:
    """Claimed scores that also sit on the edges and default points of the policy's tiers;
    with *over*, sometimes above the weight (:data:`OVER_CLAIMS`), so that a rule that trusts
    ``claimed`` is tested with the claims it must not trust."""
    shares = set(js.CLAIM_SHARES)
    for table in policy.tiers.values():
        for t in table.tiers:
            shares.update(x for x in (t.band.low, t.band.high, t.default) if x is not None)
    ordered = tuple(sorted((x for x in shares if 0 <= x <= 1), reverse=True))
    if not over:
        return lambda weight: js.claimed_scores(weight, ordered)
    return lambda weight: st.one_of(
        js.claimed_scores(weight, ordered),
        st.sampled_from(OVER_CLAIMS).map(lambda f: js.tidy(weight * f)),
    )


ALL_KINDS = TARGET_KINDS


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


_LABEL_FIELDS = re.compile(r"\b(?:level1|level2|name|section)\b|一级指标|二级指标|指标名称")
_LITERAL = re.compile(r'"([^"\n]{1,20})"')
_WORDY = re.compile(r"[^\W\d_]")  # a label has a letter or a Chinese character: not "<=" or "1"


def policy_labels(policy: Policy) -> tuple[str, ...]:
    """The string literals of the policy's lines that mention ``level1``, ``level2``, ``name`` or a
    section (``when level2 == "成本指标"``, ``name contains "满意度"``), read from the rule
    files' own text, so a rule keyed on them is reached whatever construct it is written in."""
    found: dict[str, None] = {}
    for _display, text in policy.chain:
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            if _LABEL_FIELDS.search(code):
                found.update((m, None) for m in _LITERAL.findall(code) if _WORDY.search(m))
    return tuple(found)


def row_labels(policy: Policy) -> SearchStrategy[tuple[str, str, str]]:
    """``(level1, level2, name)`` of a row: first the plain ``产出指标 / — / 指标1`` (what a
    failing row shrinks to), then the policy's sections with the 二级指标 and names of the
    published forms (:mod:`~jixiao.testing.vocabulary`) and every label the policy's rules
    mention, in any of the three places."""
    sections = tuple(policy.section_weights) or ("产出指标",)
    own = policy_labels(policy)
    level1s = tuple(dict.fromkeys((*sections, *vocabulary.LEVEL2, *own)))

    def level2_of(level1: str) -> SearchStrategy[str]:
        words = ("", *vocabulary.LEVEL2.get(level1, ()), *own)
        return st.sampled_from(tuple(dict.fromkeys(words)))

    def names_of(level2: str) -> SearchStrategy[str]:
        words = ("指标1", *vocabulary.NAMES.get(level2, ()), *own)
        return st.sampled_from(tuple(dict.fromkeys(words)))

    varied = st.sampled_from(level1s).flatmap(
        lambda l1: level2_of(l1).flatmap(lambda l2: names_of(l2).map(lambda n: (l1, l2, n)))
    )
    return st.one_of(st.just((sections[0], "", "指标1")), varied)


def label_seeds(policy: Policy) -> list[tuple[str, str, str]]:
    """One ``(level1, level2, name)`` for each label the policy mentions, in each of the three
    places, and each section with its most frequent 二级指标: rows the fixed grid varies over."""
    sections = tuple(policy.section_weights) or ("产出指标",)
    out: list[tuple[str, str, str]] = []
    for s in sections:
        level2 = vocabulary.LEVEL2.get(s, ("",))
        names = vocabulary.NAMES.get(level2[0], ("指标1",))
        out.append((s, level2[0], names[0]))
    for word in policy_labels(policy):
        out += [(word, "", "指标1"), (sections[0], word, "指标1"), (sections[0], "", word)]
    return out


_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(%?)")


def breakpoints(policy: Policy) -> tuple[Decimal, ...]:
    """Every ratio the policy itself declares, read from the compiled policy: its ``let``
    numbers, the numbers of its rules' ``met`` and ``score`` expressions and of its budget
    rules (``120%`` → 1.2), and the edges of its tier and grade bands (grades as a share of
    100). Actuals and rates probe each of them, and one hundredth either side."""
    found: set[Decimal] = set()
    for value in policy.params.values():
        if isinstance(value, Decimal):
            found.add(value)
    for rule in (*policy.rules, *policy.budget_rules):
        for text in (rule.met_text, rule.score_text):
            for digits, pct in _NUMBER.findall(text or ""):
                found.add(Decimal(digits) / (100 if pct else 1))
    for table in policy.tiers.values():
        for tier in table.tiers:
            found.update(x for x in (tier.band.low, tier.band.high) if x is not None)
    for _name, band in policy.grades:
        found.update(x / 100 for x in (band.low, band.high) if x is not None)
    return tuple(sorted(x for x in found if Decimal(0) < x <= Decimal(1000)))


def breakpoint_ratios(policy: Policy) -> tuple[Decimal, ...]:
    """:func:`breakpoints` and one hundredth (of the ratio) either side, as ratios actual/target."""
    step = Decimal("0.01")
    out = {r + d for r in breakpoints(policy) for d in (-step, Decimal(0), step)}
    return tuple(sorted(x for x in out if x >= 0))


def labelled(
    cases: list[Case], labels: list[tuple[str, str, str]], per_label: int = 12
) -> list[Case]:
    """The first *per_label* of *cases* again under each ``(level1, level2, name)``."""
    return [
        attrs.evolve(c, level1=l1, level2=l2, name=n)
        for l1, l2, n in labels
        for c in cases[:per_label]
    ]
