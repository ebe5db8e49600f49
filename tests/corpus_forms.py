"""The real published forms of ../shared/corpus as Form objects, for tests.

The corpus lives beside the checkout (``<checkout>/../shared/corpus``). When it is absent the
tests that need it are skipped with a clear reason, never failed.

Each indicator's ``where`` is ``corpus/NNN#i`` (i counts from 1 in the form's order) and each
form's ``source`` is ``corpus/NNN``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.forms import Budget, Form, Indicator, to_decimal

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SKIP_REASON = f"the shared corpus is not beside the checkout (looked in {CORPUS})"

# budget.jsonl key → Budget.from_dict key
_BUDGET_KEYS = {
    "initial_budget": "initial",
    "annual_budget_A": "annual",
    "executed_B": "executed",
    "weight": "weight",
    "rate": "rate",
    "score": "score",
}


def corpus_available() -> bool:
    return (CORPUS / "indicators.jsonl").is_file()


def require_corpus() -> Path:
    """The corpus directory, or skip the calling test."""
    if not corpus_available():
        pytest.skip(SKIP_REASON)
    return CORPUS


def _jsonl(name: str) -> list[dict[str, Any]]:
    path = require_corpus() / name
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_index() -> list[dict[str, Any]]:
    return _jsonl("forms_index.jsonl")


def indicator_rows(form_id: str) -> list[dict[str, Any]]:
    return [row for row in _jsonl("indicators.jsonl") if row["form"] == form_id]


def budget_row(form_id: str) -> dict[str, Any] | None:
    for row in _jsonl("budget.jsonl"):
        if row["form"] == form_id:
            return row
    return None


def build_form(form_id: str) -> Form:
    """One corpus form as a Form."""
    source = f"corpus/{form_id}"
    indicators = tuple(
        Indicator.from_dict(row, where=f"{source}#{i}", source=source)
        for i, row in enumerate(indicator_rows(form_id), start=1)
    )
    raw = budget_row(form_id)
    budget = None
    total = None
    if raw is not None:
        data = {new: raw.get(old) for old, new in _BUDGET_KEYS.items()}
        data["reason"] = ""
        budget = Budget.from_dict(data, where=f"{source}#budget", source=source)
        total = to_decimal(raw.get("total_score"), where=f"{source}#total", source=source)
    meta = next((m for m in corpus_index() if m["form"] == form_id), {})
    return Form(
        indicators=indicators,
        year=meta.get("year"),
        department=str(meta.get("issuer") or ""),
        budget=budget,
        total=total,
        source=source,
        total_where=f"{source}#total",
    )


@functools.cache
def _all() -> tuple[Form, ...]:
    return tuple(build_form(meta["form"]) for meta in corpus_index())


def corpus_forms() -> tuple[Form, ...]:
    """Every corpus form, in the index's order (skips the caller when the corpus is absent)."""
    require_corpus()
    return _all()
