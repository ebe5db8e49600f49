"""Auditing the real published forms of ../shared/corpus: every form scores, and the claims the
published forms get wrong are caught."""

from __future__ import annotations

from decimal import Decimal

import pytest

import jixiao
from corpus_forms import build_form, corpus_index, require_corpus


def _ids() -> list[str]:
    try:
        return [entry["form"] for entry in corpus_index()]
    except pytest.skip.Exception:
        return []


@pytest.fixture(scope="module", autouse=True)
def _corpus() -> None:
    require_corpus()


@pytest.mark.parametrize("form_id", _ids() or ["001"])
@pytest.mark.parametrize("policy", ["central", "hubei", "sichuan"])
def test_every_corpus_form_scores_without_raising(form_id: str, policy: str) -> None:
    result = jixiao.score_form(build_form(form_id), policy)
    assert result.total >= 0
    for row in result.indicators:
        if row.score is not None and row.weight is not None:
            assert Decimal(0) <= row.score <= row.weight, (form_id, row.name)
        else:
            assert row.findings, (form_id, row.name)  # an unscored row always says why
    result.to_dict("zh")
    result.to_dict("en")


def _row(form_id: str, target: str) -> jixiao.IndicatorResult:
    result = jixiao.score_form(build_form(form_id))
    return next(
        r for r in result.indicators if r.target is not None and r.target.render() == target
    )


def test_full_marks_claimed_for_a_missed_reverse_target_is_caught() -> None:
    row = _row("011", "≤5300元/户")
    assert row.claimed == 10 and row.score == Decimal("9.09")
    found = {f.code: f for f in row.findings}
    assert "SCORE_MISMATCH" in found and "REASON_MISSING" in found
    assert "9.09" in found["SCORE_MISMATCH"].zh and "5830元/户" in found["SCORE_MISMATCH"].zh


def test_missed_positive_target_claimed_in_full_is_caught() -> None:
    row = _row("011", "≥4754人")
    assert row.score == Decimal("4.84")
    assert "SCORE_MISMATCH" in {f.code for f in row.findings}


def test_damaged_cells_are_unreadable_findings() -> None:
    result = jixiao.score_form(build_form("007"))
    unreadable = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert unreadable and all("^" in f.zh for f in unreadable)


def test_a_clean_form_has_no_errors() -> None:
    result = jixiao.score_form(build_form("039"))
    assert result.total == Decimal("98.62") == result.claimed_total
    assert result.count("error") == 0


def test_blank_total_row_rebuilt_or_flagged() -> None:
    # form 001 prints "0 0 0 10 0 0" on its 年度资金总额 row
    result = jixiao.score_form(build_form("001"))
    codes = {f.code for f in result.budget.findings}
    assert {"RATE_MISPRINTED", "SCORE_MISMATCH"} <= codes
