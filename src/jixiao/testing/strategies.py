"""Hypothesis strategies for the inputs of a 项目支出绩效自评表.

Every strategy shrinks towards the simplest input a person would write: a ``≥`` target counted in
人, small whole numbers, one indicator row, weight 1. Numbers are :class:`~decimal.Decimal`.

The strategies live in :mod:`~jixiao.testing.values` (numbers, units, targets, actuals),
:mod:`~jixiao.testing.texts` (how cells are written) and :mod:`~jixiao.testing.rows` (rows,
budgets, whole forms); this module gathers them under one name.

>>> from hypothesis import given
>>> from jixiao.testing import strategies as js
>>> @given(js.targets())
... def test_render_round_trip(target):
...     assert jixiao.parse_target(target.render()) == target   # doctest: +SKIP
"""

from __future__ import annotations

from jixiao.testing.rows import (
    CLAIM_SHARES,
    DEFAULT_SECTIONS,
    apportion,
    budget_cases,
    budgets,
    cases,
    claimed_scores,
    form_cases,
    forms,
    indicators,
    rates,
    weights,
)
from jixiao.testing.texts import (
    chinese_numerals,
    number_texts,
    target_texts,
)
from jixiao.testing.values import (
    LARGE_AMOUNTS,
    NUMERIC_KINDS,
    OUTCOME_WORDS,
    QUALITATIVE_GOALS,
    REGIONS,
    actual_in,
    actual_pairs,
    actuals,
    family,
    large_amounts,
    met_actuals,
    numbers,
    quantities,
    ratios,
    registered_unit,
    rescale,
    targets,
    tidy,
    units,
)

__all__ = [
    "CLAIM_SHARES",
    "DEFAULT_SECTIONS",
    "LARGE_AMOUNTS",
    "NUMERIC_KINDS",
    "OUTCOME_WORDS",
    "QUALITATIVE_GOALS",
    "REGIONS",
    "actual_in",
    "actual_pairs",
    "actuals",
    "apportion",
    "budget_cases",
    "budgets",
    "cases",
    "chinese_numerals",
    "claimed_scores",
    "family",
    "form_cases",
    "forms",
    "indicators",
    "large_amounts",
    "met_actuals",
    "number_texts",
    "numbers",
    "quantities",
    "rates",
    "ratios",
    "registered_unit",
    "rescale",
    "target_texts",
    "targets",
    "tidy",
    "units",
    "weights",
]
