"""Scoring from cell text to result: the §12 test vectors, the seed form, the audit findings."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

import jixiao
from jixiao.evaluate import score_budget, score_form
from jixiao.forms.model import Budget, Form
from jixiao.policy import load_policy
from seed_form import SEED


def score(
    target: str, actual: str, weight: str, policy: str = "central", **kw: Any
) -> jixiao.IndicatorResult:
    return load_policy(policy).score({"target": target, "actual": actual, "weight": weight, **kw})


def codes(result: Any) -> set[str]:
    return {f.code for f in result.findings}


def budget(
    annual: str, executed: str, weight: str = "10", policy: str = "central", **kw: Any
) -> Any:
    return score_budget(
        load_policy(policy),
        Budget(annual=Decimal(annual), executed=Decimal(executed), weight=Decimal(weight), **kw),
    )


# ---------------------------------------------------------------- §12 vectors


def test_v1_execution_rate() -> None:
    r = budget("64.253", "62.363")
    assert (r.rate, r.score) == (Decimal("97.06"), Decimal("9.71"))


def test_v2_single_rounding_and_double_accepted() -> None:
    r = budget("100", "97.045")
    assert r.score == Decimal("9.70")
    claimed = budget("100", "97.045", score=Decimal("9.71"))
    assert "SCORE_MISMATCH" not in codes(claimed)


def test_v3_v4_full_and_capped() -> None:
    assert budget("100", "100").score == Decimal("10.00")
    over = budget("100", "105")
    assert (over.rate, over.score) == (Decimal("105.00"), Decimal("10.00"))
    assert "OVERSPENT" in codes(over)


def test_v5_zero_budget() -> None:
    r = budget("0", "0")
    assert "ZERO_BUDGET" in codes(r)
    assert r.score == Decimal("0.00")


def test_v6_v7_overachievement() -> None:
    r6 = score("≥45人", "52人", "10")
    assert r6.score == Decimal("10.00") and "OVERACHIEVED" not in codes(r6)
    r7 = score("≥45人", "55人", "10")
    assert r7.score == Decimal("10.00")
    assert {"OVERACHIEVED", "REASON_MISSING"} <= codes(r7)


def test_v8_positive_missed() -> None:
    r = score("≥45人", "40人", "10")
    assert r.score == Decimal("8.89") and r.met is False
    assert "REASON_MISSING" in codes(r)
    assert (
        r.explanation()
        == "实际完成40人，目标≥45人（含本数），完成率88.89%，按比例得8.89分（满分10分）"
    )
    assert "8.89 of 10" in r.explanation("en")


def test_v9_v10_v11_reverse() -> None:
    assert score("≤64.253万元", "60万元", "10").score == Decimal("10.00")
    assert score("≤64.253万元", "70万元", "10").score == Decimal("9.18")
    assert score("≤64.253万元", "70万元", "10", "central-linear").score == Decimal("9.11")
    assert score("≤64.253万元", "130万元", "10", "central-linear").score == Decimal("0.00")


def test_v12_zero_target() -> None:
    assert score("≤0起", "1起", "5").score == Decimal("0.00")
    assert score("≤0起", "0起", "5").score == Decimal("5.00")


def test_v13_equality() -> None:
    r = score("=100%", "98%", "10")
    assert r.score == Decimal("9.80") and "NOT_EQUAL" in codes(r)


def test_v14_satisfaction() -> None:
    assert score("≥90%", "95%", "10").score == Decimal("10.00")


def test_v15_qualitative_no_claim() -> None:
    r = score("12月底之前完成", "达成年度指标", "7")
    assert r.score == Decimal("7.00") and r.tier == "达成"


def test_v16_v17_v18_qualitative_bands() -> None:
    r16 = score("定性 效果明显", "部分达成", "7", score="5.6")
    assert "QUAL_SCORE_OUT_OF_BAND" in codes(r16)
    assert "[4.20, 5.60)" in next(f.zh for f in r16.findings if f.code == "QUAL_SCORE_OUT_OF_BAND")
    r17 = score("定性 效果明显", "达成年度指标", "7", score="5.6")
    assert r17.score == Decimal("5.6") and "QUAL_SCORE_OUT_OF_BAND" not in codes(r17)
    r18 = score("定性 效果明显", "部分达成", "7", "hubei", score="4.0")
    assert "QUAL_SCORE_OUT_OF_BAND" not in codes(r18) and r18.score == Decimal("4.0")


def test_v19_grade() -> None:
    policy = load_policy("central")
    assert policy.grade(Decimal("89.5")) == "良"
    assert policy.grade(Decimal("90")) == "优"
    assert policy.grade(Decimal("59.99")) == "差"


def test_v20_hubei_budget() -> None:
    assert budget("100", "97.06", "20", "hubei").score == Decimal("19.41")


@pytest.mark.parametrize(
    ("executed", "expected"), [("99.99", "7"), ("80", "7"), ("79.99", "5"), ("59", "0")]
)
def test_v21_jiangxi_tiers(executed: str, expected: str) -> None:
    assert budget("100", executed, policy="jiangxi").score == Decimal(expected)


def test_v22_sichuan_low_rate_needs_reason() -> None:
    r = budget("100", "85", policy="sichuan")
    assert r.score == Decimal("8.50")
    assert {"LOW_EXECUTION", "REASON_MISSING"} <= codes(r)


# ---------------------------------------------------------------- the seed form


def test_budget_sentence_names_the_rule_in_the_run_language() -> None:
    """The budget line's explanation: the policy's English label of the rule under English."""
    budget = score_form(SEED, "central").budget
    assert budget.explanation("zh").endswith("按规则「线性计分」得9.71分（满分10分）")
    assert budget.explanation("en").endswith("rule 'linear' gives 9.71 of 10")


def test_seed_form_scores_as_printed() -> None:
    result = score_form(SEED, "central")
    assert result.total == Decimal("95.71")
    assert result.grade == "优"
    assert result.budget.rate == Decimal("97.06") and result.budget.score == Decimal("9.71")
    for row in result.indicators:
        assert row.score == row.claimed, (row.name, row.explanation())
    errors = [f for f in result.findings if f.severity == "error"]
    assert errors == []
    # 复训通过率 100% against ≥80% is a large over-achievement with no reason given: a warning
    over = [(f.code, f.severity, f.where) for f in result.findings if f.severity == "warning"]
    assert over == [
        ("OVERACHIEVED", "warning", "indicators[6]"),
        ("REASON_MISSING", "warning", "indicators[6].reason"),
        # two qualitative rows whose actual names no tier keep their claims, unverified
        ("SCORE_UNVERIFIED", "warning", "indicators[10].score"),
        ("SCORE_UNVERIFIED", "warning", "indicators[13].score"),
    ]
    assert [r.row for r in result.indicators if not r.verified] == [11, 14]
    assert "WEIGHTS_NONDEFAULT" in {f.code for f in result.findings}  # 成本 10 / 效益 20
    d = result.to_dict()
    assert d["total"] == "95.71" and d["claimed_total"] == "95.71" and d["grade"] == "优"
    assert d["budget"] == {
        **d["budget"],
        "rate": "97.06",
        "score": "9.71",
        "claimed": "9.71",
        "weight": "10",
    }
    assert [s["name"] for s in d["sections"]] == ["产出指标", "成本指标", "效益指标", "满意度指标"]
    assert [s["score"] for s in d["sections"]] == ["50.00", "10.00", "16.00", "10.00"]
    first = d["indicators"][0]
    assert (
        first["name"] == "执法资格培训参训人数"
        and first["score"] == "5.00"
        and first["claimed"] == "5.00"
    )
    assert first["met"] is True and first["rule"].startswith("正向指标 (rules/central.policy:")


def test_seed_qualitative_judgment_is_kept_and_said() -> None:
    result = score_form(SEED, "central")
    row = result.indicators[10]
    assert row.score == Decimal("3.00") and row.tier == "部分达成" and row.basis == "claimed"
    assert "保留自评得分" in row.explanation()


def test_claimed_full_marks_for_missed_target_is_caught() -> None:
    form = copy.deepcopy(SEED)
    form["indicators"][0] = {**form["indicators"][0], "actual": "40人"}
    result = score_form(form)
    row = result.indicators[0]
    assert row.score == Decimal("4.44")
    found = codes(row)
    assert {"SCORE_MISMATCH", "REASON_MISSING"} <= found
    assert "TOTAL_MISMATCH" in {f.code for f in result.form_findings}
    mismatch = next(f for f in row.findings if f.code == "SCORE_MISMATCH")
    assert mismatch.where == "indicators[0].score"


def test_unreadable_cell_is_a_finding_not_an_exception() -> None:
    form = copy.deepcopy(SEED)
    form["indicators"][2] = {**form["indicators"][2], "target": "工5%"}
    result = score_form(form)
    row = result.indicators[2]
    assert row.score is None
    unreadable = next(f for f in row.findings if f.code == "UNREADABLE_CELL")
    assert unreadable.where == "indicators[2].target" and "^" in unreadable.zh
    assert result.total == Decimal("95.71")  # the claimed 5.00 is carried, and flagged
    assert "SCORE_UNVERIFIED" in codes(row)


def test_weights_and_totals_are_audited() -> None:
    form = copy.deepcopy(SEED)
    form["indicators"][0] = {**form["indicators"][0], "weight": "6.00"}
    form["total"] = "96.71"
    result = score_form(form)
    found = {f.code for f in result.form_findings}
    assert {"WEIGHTS_TOTAL", "TOTAL_NOT_SUM"} <= found


def test_execution_rate_misprinted() -> None:
    form = copy.deepcopy(SEED)
    form["budget"]["rate"] = "98.06"
    result = score_form(form)
    assert "RATE_MISPRINTED" in {f.code for f in result.budget.findings}


def test_budget_rows_must_add_up() -> None:
    form = copy.deepcopy(SEED)
    form["budget"]["rows"][1] = {"name": "上年结转资金", "annual": "5", "executed": "5"}
    result = score_form(form)
    assert "BUDGET_ROWS_SUM" in {f.code for f in result.budget.findings}


def test_english_messages() -> None:
    r = score("≥45人", "40人", "10")
    d = r.to_dict("en")
    assert d["explanation"].startswith("Actual 40人")
    assert all(f["message"].isascii() or "人" in f["message"] for f in d["findings"])


def test_unit_mismatch() -> None:
    r = score("≥45人", "45人次", "5")
    assert r.score is None and "UNIT_MISMATCH" in codes(r)
    assert "人次" in next(f.zh for f in r.findings if f.code == "UNIT_MISMATCH")


def test_yuan_and_wanyuan_score_the_same() -> None:
    a = score("≤64.253万元", "70万元", "10")
    b = score("≤642530元", "700000元", "10")
    assert a.score == b.score == Decimal("9.18")


def test_steps_record_the_arithmetic() -> None:
    r = score("≥45人", "40人", "10")
    steps = {s.label: s for s in r.steps()}
    assert steps["score"].formula == "if met then weight else weight * actual / target"
    assert dict(steps["score"].values) == {
        "actual": "40人",
        "met": "false",
        "target": "45人",
        "weight": "10",
    }
    assert steps["score"].rounded is not None and steps["score"].rounded.startswith("8.89")


def test_score_rows_streams_and_survives_bad_rows() -> None:
    rows = [
        {"target": "≥45人", "actual": "40人", "weight": 10},
        {"target": "≥45人"},  # no actual, no weight: not an indicator
        {"target": "≤0起", "actual": "0起", "weight": 5},
    ]
    results = list(jixiao.score_rows(rows, "central"))
    assert [str(r.score) if r.score is not None else None for r in results] == [
        "8.89",
        None,
        "5.00",
    ]
    assert results[1].findings[0].code == "UNREADABLE_CELL"


def test_form_from_dict_bad_number_names_the_path() -> None:
    form = Form.from_dict({"indicators": [{"target": "≥1人", "actual": "1人", "weight": "十分"}]})
    (f,) = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert f.where == "indicators[0].weight" and "十分" in f.zh


def test_reason_quality_is_read() -> None:
    placeholder = score("≥45人", "40人", "10", reason="无")
    assert "REASON_PLACEHOLDER" in codes(placeholder)
    contradicts = score("≥45人", "40人", "10", reason="已全部完成，无偏差")
    assert "REASON_CONTRADICTS" in codes(contradicts)
    no_measure = score("≥45人", "40人", "10", reason="因部分学员临时调岗未能参训")
    incomplete = next(f for f in no_measure.findings if f.code == "REASON_INCOMPLETE")
    assert "改进措施" in incomplete.zh and incomplete.severity == "info"
    good = score("≥45人", "40人", "10", reason="因部分学员临时调岗未能参训，下一步将加强组织协调")
    assert not {"REASON_MISSING", "REASON_PLACEHOLDER", "REASON_INCOMPLETE"} & codes(good)


def test_bare_target_takes_the_actuals_unit() -> None:
    r = score("200", "200余人", "10")
    assert r.score == Decimal("10.00") and "UNIT_MISMATCH" not in codes(r)
    assert score("500", "450人", "10").score == Decimal("9.00")


def test_deadline_fused_with_a_quantity_scores_the_quantity() -> None:
    r = score("11月底完成100%", "100%", "8")
    assert r.score == Decimal("8.00") and r.rule is not None and r.rule.name == "正向指标"
    assert score("11月底完成100%", "90%", "8").score == Decimal("7.20")


def test_range_target() -> None:
    assert score("18—54周岁", "30周岁", "10").score == Decimal("10.00")
    assert score("3～5次", "2次", "10").score == Decimal("6.67")
    assert score("3～5次", "6次", "10").score == Decimal("8.33")


def test_a_claimed_grade_that_does_not_match_the_total() -> None:
    form = copy.deepcopy(SEED)
    form["grade"] = "良"
    result = score_form(form)
    wrong = next(f for f in result.form_findings if f.code == "GRADE_WRONG")
    assert "「良」" in wrong.zh and "「优」" in wrong.zh and wrong.severity == "error"
    form["grade"] = "优"
    assert "GRADE_WRONG" not in {f.code for f in score_form(form).form_findings}


def test_echo_of_the_target_needs_the_targets_words() -> None:
    # the actual restates the target: estimated at the echo tier
    echo = score("定性 全市法制人员业务能力和水平", "有效提高全市法制人员业务能力和水平", "5")
    assert echo.score == Decimal("5.00") and echo.basis == "echo"
    # an actual that merely shares some numbers with a range target is no echo
    # (it names two ages, neither of them the completion: not scored, and said so)
    r = score("18—54周岁", "存在18岁以下、54周岁以上", "10")
    assert r.score is None and r.basis != "echo" and "ACTUAL_AMBIGUOUS" in codes(r)
    # a fragment of the target is not an echo either
    assert score("定性 培训效果明显提升", "明显", "5").score is None
