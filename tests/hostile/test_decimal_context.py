"""Scoring runs in jixiao's own decimal context, whatever the caller's (issue 11)."""

from __future__ import annotations

import decimal
import threading
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from jixiao.evaluate import memo_clear, memo_info, score_indicator
from jixiao.policy import load_policy
from jixiao.report.json_out import to_json
from jixiao.report.markdown import markdown_report

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed.json"


def _everything() -> tuple[Decimal, str, str]:
    form = jixiao.read_form(SEED)
    result = jixiao.score_form(form)
    explained = "".join(r.explanation("en") for r in result.indicators)
    steps = repr([r.steps() for r in result.indicators])
    return result.total, to_json(result) + explained + steps, markdown_report(result)


@pytest.mark.parametrize(
    "change",
    [
        {"prec": 3},
        {"prec": 1},
        {"rounding": decimal.ROUND_DOWN},
        {"traps": [decimal.Inexact, decimal.Rounded, decimal.InvalidOperation]},
        {"traps": []},
        {"Emax": 3, "Emin": -3},
    ],
)
def test_caller_context_changes_nothing(change: dict[str, object]) -> None:
    memo_clear(load_policy("central"))
    expected = _everything()
    memo_clear(load_policy("central"))
    with decimal.localcontext(**change) as caller:  # type: ignore[arg-type]
        got = _everything()
        assert decimal.getcontext() is caller  # the caller's context is back afterwards
    assert got[0] == Decimal("95.71")
    assert got == expected


def test_untrapped_invalid_operation_still_rejects_bad_numbers() -> None:
    # Decimal("abc") gives NaN when InvalidOperation is not trapped: jixiao must still refuse it
    with decimal.localcontext(traps=[]):
        form = jixiao.Form.from_dict(
            {"indicators": [{"target": "≥1", "actual": "1", "weight": "abc"}]}
        )
        result = jixiao.score_form(form)
    assert form.indicators[0].weight is None
    assert form.indicators[0].unreadable == (("weight", "abc"),)
    assert "UNREADABLE_CELL" in [f.code for f in result.findings]


def test_a_thread_with_low_precision_does_not_reach_others() -> None:
    policy = load_policy("central")
    memo_clear(policy)
    row = {"target": "≥45人", "actual": "40人", "weight": 10, "score": 9}
    reference = score_indicator(policy, row).score
    memo_clear(policy)
    results: dict[str, Decimal | None] = {}
    barrier = threading.Barrier(2)

    def low() -> None:
        decimal.getcontext().prec = 2
        decimal.getcontext().rounding = decimal.ROUND_UP
        barrier.wait()
        results["low"] = score_indicator(policy, row).score

    def normal() -> None:
        barrier.wait()
        results["normal"] = score_indicator(policy, row).score

    threads = [threading.Thread(target=low), threading.Thread(target=normal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"low": reference, "normal": reference}
    assert reference == Decimal("8.89")


def test_score_rows_gives_back_the_callers_context_between_rows() -> None:
    rows = [{"target": "≥45人", "actual": "40人", "weight": 10}] * 3
    with decimal.localcontext(prec=5) as caller:
        for r in jixiao.score_rows(rows):
            assert decimal.getcontext() is caller
            assert r.score == Decimal("8.89")


def test_caches_are_bounded_in_bytes() -> None:
    """20k-character cells do not pile up: the parse caches are charged by bytes, the scoring
    memo keeps short texts only."""
    from jixiao.limits import CACHED_CHARS
    from jixiao.targets import parser

    parser.cache_clear()
    for i in range(40):
        text = f"≥{i}人，" + "说明" * 10_000
        jixiao.parse_target(text)
        jixiao.parse_actual(text, jixiao.parse_target("≥45人"))
    for info in parser.cache_info().values():
        assert info.bytes <= info.maxbytes
    policy = load_policy("central")
    memo_clear(policy)
    long_text = "≥45人，" + "说明" * CACHED_CHARS
    row = {"target": long_text, "actual": "45人", "weight": 10}
    first = score_indicator(policy, row)
    assert memo_info(policy).currsize == 0
    assert score_indicator(policy, dict(row)).score == first.score
