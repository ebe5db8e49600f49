"""Issue 9, the cell-reading half: each row of the issue's table scored end to end through
``jixiao.score_form`` (central policy, weight 10, claimed 10), as a reviewer expects."""

from __future__ import annotations

from decimal import Decimal

import pytest

import jixiao
from jixiao.evaluate import IndicatorResult


def _row(target: str, actual: str, claimed: str | None = "10") -> IndicatorResult:
    form = {
        "project": "issue 9",
        "year": 2023,
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "培训人数",
                "target": target,
                "actual": actual,
                "weight": 10,
                "score": claimed,
                "reason": "因疫情影响部分学员未能参训，下一步将加强组织",
            }
        ],
    }
    return jixiao.score_form(form, "central").indicators[0]


def _codes(r: IndicatorResult) -> dict[str, str]:
    return {f.code: f.severity for f in r.findings}


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("≥45（人）", "40", "8.89"),
        ("≥45(人)", "40", "8.89"),
        ("45（人）以上", "40人", "8.89"),
        ("≥90%（含90%）", "85%", "9.44"),
        ("90%（含）以上", "85%", "9.44"),
        ("不低于90%（含）", "85%", "9.44"),
        ("≥45⼈", "40⼈", "8.89"),
    ],
)
def test_target_shapes_score_like_the_plain_target(target: str, actual: str, expected: str) -> None:
    r = _row(target, actual)
    assert r.score == Decimal(expected)
    assert "UNREADABLE_CELL" not in _codes(r)
    assert _codes(r)["SCORE_MISMATCH"] == "error"


def test_next_year_completion_is_late() -> None:
    r = _row("2023年12月底前完成", "次年1月完成")
    assert r.tier == "部分达成" and r.score == Decimal("7.00")
    assert "SCORE_MISMATCH" in _codes(r)
    on_time = _row("2023年12月底前完成", "2023年11月完成")
    assert on_time.tier == "达成" and on_time.score == Decimal("10.00")


def test_negative_target() -> None:
    assert _row("≥-5%", "-3%").score == Decimal("10.00")
    unmet = _row("≥-5%", "-8%")
    assert unmet.score is None
    assert _codes(unmet)["NOT_SCORED"] == "warning"


def test_garbled_target_number_is_an_unreadable_cell() -> None:
    r = _row("≥7,00人", "700人")
    assert r.score is None
    assert _codes(r)["UNREADABLE_CELL"] == "error"
