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


@pytest.mark.parametrize(
    ("target", "actual", "expected", "note"),
    [
        ("≥45人", "40人（含补训3人）", "8.89", "（含补训3人）"),
        ("≥45人", "40人，部分学员因疫情未能参训", "8.89", "部分学员因疫情未能参训"),
        ("≥90%", "60%，因疫情影响", "6.67", "因疫情影响"),
        ("≥45人", "40人[其中3人补训]", "8.89", "其中3人补训"),
        ("≥10场", "12场（含线上4场）", "10.00", "含线上4场"),
    ],
)
def test_actual_with_a_note_is_scored_from_its_quantity(
    target: str, actual: str, expected: str, note: str
) -> None:
    r = _row(target, actual)
    assert r.score == Decimal(expected)
    assert _codes(r)["ACTUAL_NOTE"] == "info"
    assert note in r.explanation("zh") and note in r.explanation("en")
    assert "QUAL_TIER_FROM_SCORE" not in _codes(r)


def test_a_sentence_around_the_number() -> None:
    r = _row("≥95%", "满意度为92%")
    assert r.score == Decimal("9.68") and _codes(r)["SCORE_MISMATCH"] == "error"


def test_several_quantities_with_a_rule_are_scored_but_flagged() -> None:
    r = _row("≥45人", "计划50人，实际40人")
    assert r.score == Decimal("8.89")
    finding = next(f for f in r.findings if f.code == "ACTUAL_AMBIGUOUS")
    assert finding.severity == "warning"
    assert "50人" in finding.zh and "40人" in finding.zh
    assert finding.where.endswith("actual")


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("50人（实际40人）", "8.89"),  # was 10.00, verified: the bracket was a remark
        ("50人(实际到位40人)", "8.89"),
        ("50人【实到40人】", "8.89"),
        ("应到50人，实到40人", "8.89"),  # was unscored: neither said 实际
    ],
)
def test_a_second_figure_that_says_it_is_the_actual_is_the_one_scored(
    actual: str, expected: str
) -> None:
    r = _row("≥45人", actual)
    assert r.score == Decimal(expected) and not r.verified
    finding = next(f for f in r.findings if f.code == "ACTUAL_AMBIGUOUS")
    assert finding.severity == "warning" and "50人" in finding.zh and "40人" in finding.zh


@pytest.mark.parametrize(
    "actual", ["50人（其中实际到位40人）", "50人（实际）", "50人（含补训3人）"]
)
def test_a_bracket_about_part_of_it_or_with_no_figure_is_a_remark(actual: str) -> None:
    r = _row("≥45人", actual)
    assert r.score == Decimal("10.00") and "ACTUAL_AMBIGUOUS" not in _codes(r)


@pytest.mark.parametrize("actual", ["男20人女20人", "线上20人，线下25人", "2022年40人，2023年45人"])
def test_several_quantities_without_a_rule_are_not_scored(actual: str) -> None:
    r = _row("≥45人", actual)
    assert r.score is None
    assert _codes(r)["ACTUAL_AMBIGUOUS"] == "warning"
    assert _codes(r)["SCORE_UNVERIFIED"] == "warning"


def test_approximations_score_the_number_and_say_so() -> None:
    r = _row("≥45人", "约40人")
    assert r.score == Decimal("8.89") and _codes(r)["ACTUAL_APPROXIMATE"] == "info"
    assert "约数" in r.explanation("zh") and "approximate" in r.explanation("en")
    over = _row("≥45人", "40余人")
    assert over.score == Decimal("8.89") and _codes(over)["ACTUAL_APPROXIMATE"] == "info"


@pytest.mark.parametrize(
    ("target", "actual"), [("≥200人", "不到200人"), ("≤5%", "6%以上"), ("≤64.253万元", "60余万元")]
)
def test_a_bound_on_the_claims_side_is_a_warning(target: str, actual: str) -> None:
    r = _row(target, actual)
    assert _codes(r)["ACTUAL_BOUND_ONLY"] == "warning"


@pytest.mark.parametrize(
    ("actual", "op"),
    [("未达到45人", "<"), ("没有达到45人", "<"), ("没达到45人", "<"), ("未超过45人", "<=")],
)
def test_a_negated_comparator_word_bounds_the_actual_below(actual: str, op: str) -> None:
    """未达到45人 says fewer than 45: a bound on the claim's side (it was read as 达到 with a
    label 未, a lower bound scoring full marks, verified), never a number met."""
    node = jixiao.parse_actual(actual, jixiao.parse_target("≥45人"))
    assert node.op == op and node.label is None  # type: ignore[union-attr]
    r = _row("≥45人", actual)
    assert _codes(r)["ACTUAL_BOUND_ONLY"] == "warning" and not r.verified
    assert jixiao.parse_actual("未达到预期指标").kind == "outcome"  # words stay words


def test_fraction_under_a_percent_target() -> None:
    r = _row("≥90%", "0.95")
    assert r.score == Decimal("10.00")
    assert _codes(r) == {"FRACTION_AS_PERCENT": "info"}
    assert "0.95" in r.explanation("zh") and "95%" in r.explanation("zh")
    low = _row("≥90%", "0.85")
    assert low.score == Decimal("9.44")


@pytest.mark.parametrize(("target", "actual"), [("≥1%", "1"), ("≤5%", "0.03"), ("≥1%", "0.5")])
def test_fraction_or_percent_is_not_scored(target: str, actual: str) -> None:
    r = _row(target, actual)
    assert r.score is None
    assert _codes(r)["FRACTION_AMBIGUOUS"] == "warning"
    assert _codes(r)["SCORE_UNVERIFIED"] == "warning"


def test_readings_are_in_the_json() -> None:
    r = _row("≥45人", "40人（含补训3人）")
    actual = r.to_dict()["actual"]
    assert actual["value"] == "40" and actual["unit"] == "人"
    assert actual["reading"] == "extracted" and actual["note"] == "（含补训3人）"


@pytest.mark.parametrize(
    ("actual", "tier"),
    [
        ("于2023年11月完成，比计划提前1个月", "达成"),
        ("2023年11月完成（提前1个月）", "达成"),
        ("因疫情影响，次年1月完成", "部分达成"),
    ],
)
def test_a_date_in_a_sentence_is_read_against_the_deadline(actual: str, tier: str) -> None:
    r = _row("2023年12月底前完成", actual)
    assert r.tier == tier and r.basis == "deadline"
    assert _codes(r)["ACTUAL_NOTE"] == "info"


@pytest.mark.parametrize("actual", ["计划12月完成，实际次年1月完成", "2023年3月启动，次年1月完成"])
def test_of_several_dates_the_completion_is_used_and_flagged(actual: str) -> None:
    r = _row("2023年12月底前完成", actual)
    assert r.tier == "部分达成"
    assert _codes(r)["ACTUAL_AMBIGUOUS"] == "warning"


# ------------------------------------------------- the issue's table, row by row, and verification


@pytest.mark.parametrize(
    ("target", "actual", "score", "verified"),
    [
        ("≥45人", "40人（含补训3人）", "8.89", True),
        ("≥45人", "40人，部分学员因疫情未能参训", "8.89", True),
        ("≥90%", "60%，因疫情影响", "6.67", True),
        ("≥95%", "满意度为92%", "9.68", True),
        ("≥45（人）", "40", "8.89", True),
        ("≥45(人)", "40", "8.89", True),
        ("≥90%（含90%）", "85%", "9.44", True),
        ("90%（含）以上", "85%", "9.44", True),
        ("≥45⼈", "40⼈", "8.89", True),
        ("≥10场", "已完成", "10.00", False),
        ("优良中差", "良", "7.00", True),
        ("定性 好坏", "坏", "3.00", True),
        ("2023年12月底前完成", "次年1月完成", "7.00", True),
        ("≥90%", "0.95", "10.00", True),
    ],
)
def test_the_issues_table(target: str, actual: str, score: str, verified: bool) -> None:
    r = _row(target, actual)
    assert r.score == Decimal(score)
    assert r.verified is verified
    if not verified:
        assert any(f.severity in ("warning", "error") for f in r.findings)


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥1%", "1"),
        ("≥45人", "男20人女20人"),
        ("≥45人", "计划50人，实际40人"),
        ("≥200人", "不到200人"),
        ("2023年12月底前完成", "计划12月完成，实际次年1月完成"),
    ],
)
def test_a_score_that_rests_on_a_guess_is_unverified(target: str, actual: str) -> None:
    r = _row(target, actual)
    assert r.verified is False
    assert any(f.severity == "warning" for f in r.findings)
