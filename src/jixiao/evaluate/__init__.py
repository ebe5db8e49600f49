"""Applying a compiled policy to indicators, budgets and whole forms.

The evaluator is separate from the syntax trees it reads: it dispatches on the node kinds of the
target language and runs the compiled rules of a :class:`~jixiao.policy.model.Policy`. It never
raises for a bad form: a cell that cannot be read, a unit mismatch or a rule that fails becomes a
finding on that row, which is then left unscored (its claimed score is carried into the total and
flagged). Explanations and the arithmetic trace are built only when asked for.

Modules: :mod:`.findings` (findings raised through the catalog, steps, number formats),
:mod:`.outcome` (what scoring decided for a row, the rule context), :mod:`.explain`
(explanations and arithmetic steps), :mod:`.results` (result objects), :mod:`.indicators` (one
row), :mod:`.memo` (the shared-outcome memo), :mod:`.reading` (how the actual was read),
:mod:`.tiers` (qualitative tiers), :mod:`.checks` (claim and reason checks), :mod:`.budget` (the
execution rate) and :mod:`.forms` (whole forms and streams of rows).
"""

from __future__ import annotations

from jixiao.evaluate.budget import score_budget
from jixiao.evaluate.examples import ExampleOutcome, run_examples
from jixiao.evaluate.findings import BUILTIN_CODES, SEVERITIES, Finding, Step
from jixiao.evaluate.forms import score_form, score_rows
from jixiao.evaluate.indicators import score_indicator, score_indicator_uncached
from jixiao.evaluate.memo import (
    MEMO_BYTES,
    MEMO_SIZE,
    memo_clear,
    memo_info,
    set_memo_size,
)
from jixiao.evaluate.results import BudgetResult, FormResult, IndicatorResult, SectionResult

__all__ = [
    "BUILTIN_CODES",
    "MEMO_BYTES",
    "MEMO_SIZE",
    "SEVERITIES",
    "BudgetResult",
    "ExampleOutcome",
    "Finding",
    "FormResult",
    "IndicatorResult",
    "SectionResult",
    "Step",
    "memo_clear",
    "memo_info",
    "run_examples",
    "score_budget",
    "score_form",
    "score_indicator",
    "score_indicator_uncached",
    "score_rows",
    "set_memo_size",
]
