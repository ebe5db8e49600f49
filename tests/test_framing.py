"""An actual whose words say its number is not the year's result: a change from an earlier level
(``较上年提高5%``, ``同比下降2%``), a plan, forecast or goal (``预计95%``, ``计划于11月完成``), or
another year's value (``上年100人``).

Scored as written, ``同比下降2%`` under ``≤5%`` and ``预计95%`` under ``≥90%`` were full marks,
verified, with no finding; ``预计12月底前完成`` kept a deadline of 12月底前完成. Such a row is now
unscored as read, unverified, with ``ACTUAL_CHANGE`` or ``ACTUAL_NOT_ACHIEVED``; under a target
that itself asks for a change (``同比增长≥10%``, ``降低5%以上``) the change is what is scored,
unless it goes the other way. Every path (the row evaluator, ``score_rows`` with its plan, the
Arrow columnar path) gives the same results on such rows.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.targets.framing import (
    actual_change,
    not_achieved,
    note_undone,
    other_basis,
    part_of_year,
    provisional,
    qualifier,
    undone,
)
from pair_checks import check_columnar, check_score_rows, pair_rows

ROOT = Path(__file__).resolve().parent.parent
POLICY_NAMES = sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))


def row(target: str, actual: str, score: Any = 10, weight: Any = 10) -> dict[str, Any]:
    return {
        "name": "群众满意度",
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": score,
        "reason": "部分群众反映办理时间较长",
    }


def scored(target: str, actual: str, score: Any = 10, policy: str = "central") -> Any:
    (r,) = jixiao.score_rows([row(target, actual, score)], policy)
    return r


def codes(r: Any) -> dict[str, str]:
    return {f.code: f.severity for f in r.findings}


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≤5%", "同比下降2%"),  # was 10 of 10, verified, no finding
        ("≥90%", "较上年提高5%"),
        ("≥90%", "提高5%"),  # a verb with a percent: a change even with no base written
        ("≥90%", "环比增长5%"),
        ("≥90%", "满意度同比提高2%"),
        ("≥90%", "较上年提高约5%"),
        ("≥90%", "同比增长5%以上"),
        ("≥90%", "较上年提高5个百分点"),  # was UNIT_MISMATCH: the change is the reason
        ("≥90%", "增长率12%"),
        ("90%-100%", "同比提高3%"),
        ("≥100人", "较上年增加20人"),
        ("≥100人", "比上年多20人"),
        ("≥100人", "培训人数比上年增加20人"),
        ("≤64.253万元", "比预算减少3万元"),
    ],
)
def test_a_change_under_a_level_target_is_not_scored(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (None, False)
    assert codes(r) == {"ACTUAL_CHANGE": "warning", "SCORE_UNVERIFIED": "warning"}
    (f,) = (f for f in r.findings if f.code == "ACTUAL_CHANGE")
    assert f.where == "actual"
    assert f.zh.startswith(f"实际完成值「{jixiao.parse_actual(actual).render()}」是较上年")
    assert "写明实际达到的数值" in f.zh and "write in the actual the value reached" in f.en
    # the claim is kept visibly, never as a verified score
    form = jixiao.score_form(
        {
            "name": "项目",
            "indicators": [row(target, actual), row("≥45人", "45人")],
        }
    )
    assert form.unverified_points == Decimal("10.00")


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥90%", "95%，较上年提高5%", "10.00"),  # the level, with the change as a note
        ("≥100人", "培训120人，比上年增加20人", "10.00"),
        ("≥90%", "提高至95%", "10.00"),  # raised to: the level reached
        ("≤5%", "下降到3%", "10.00"),
        ("≥100人", "增加120人", "10.00"),  # a count with no base may be the one asked (新增)
        ("≥90%", "较高95%", "10.00"),  # a word of degree, not a change
        ("≥90%", "85%", "9.44"),
    ],
)
def test_a_level_is_still_scored(target: str, actual: str, score: str) -> None:
    r = scored(target, actual)
    assert r.score == Decimal(score)
    assert "ACTUAL_CHANGE" not in codes(r)


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("同比增长≥10%", "同比增长12%", "10.00"),
        ("同比增长≥10%", "同比增长8%", "8.00"),
        ("较上年提高5%", "较上年提高6%", "10.00"),
        ("增长率≥6%", "增长6.5%", "10.00"),
        ("降低5%以上", "同比下降6%", "10.00"),
        ("比上年增加20人", "比上年多25人", "10.00"),
    ],
)
def test_a_change_under_a_target_asking_for_one_is_scored(
    target: str, actual: str, score: str
) -> None:
    r = scored(target, actual)
    assert (r.score, "ACTUAL_CHANGE" in codes(r)) == (Decimal(score), False)
    assert r.verified


@pytest.mark.parametrize(
    ("target", "actual", "variant"),
    [
        ("增长≥5%", "同比下降8%", "下降"),  # was 8 ≥ 5: full marks, verified
        ("同比增长≥10%", "同比减少12%", "下降"),
        ("降低5%以上", "同比增长6%", "增长"),
        ("较上年减少10人", "比上年多12人", "增长"),
    ],
)
def test_a_change_the_other_way_is_not_scored(target: str, actual: str, variant: str) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (None, False)
    (f,) = (f for f in r.findings if f.code == "ACTUAL_CHANGE")
    assert f.zh.startswith(f"实际完成值「{jixiao.parse_actual(actual).render()}」是{variant}")
    assert "方向相反" in f.zh and "asks for a" in f.en


@pytest.mark.parametrize(
    ("label", "percent", "expected"),
    [
        ("较上年提高", False, "up"),
        ("同比下降了", True, "down"),
        ("比上年少", False, "down"),
        ("同比降", True, "down"),
        ("增幅为", True, "up"),
        ("变化率", True, ""),
        ("提高", True, "up"),
        ("提高", False, None),  # 提高5人? no base, not a ratio: left alone
        ("新增", False, None),
        ("提高到", True, None),
        ("较上年提高至", True, None),
        ("较高", True, None),
        ("占比", True, None),
        ("同比", True, None),
    ],
)
def test_the_words_of_a_change(label: str, percent: bool, expected: str | None) -> None:
    assert actual_change(label, percent) == expected


@pytest.mark.parametrize(
    ("target", "actual", "said"),
    [
        ("≥100人", "未完成100人", "说的是没有完成"),  # was 10 of 10, verified, no finding
        ("≥100人", "尚未完成100人", "说的是没有完成"),
        ("≥100人", "未能完成100人", "说的是没有完成"),
        ("≥90%", "未达95%", "说的是没有完成"),
        ("12月底前完成", "12月底前未完成", "说的是没有完成"),  # kept the deadline, verified
        ("12月底前完成", "未于12月底前完成", "说的是没有完成"),
        ("≥100人", "还差20人", "说的是离目标还差多少"),  # 20 was scored as the count reached
        ("≥100人", "剩余100人", "说的是离目标还差多少"),  # what remains to be done
        ("≥100人", "尚余100人", "说的是离目标还差多少"),
    ],
)
def test_an_actual_saying_it_was_not_done_is_not_scored(
    target: str, actual: str, said: str
) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (None, False)
    assert codes(r) == {"ACTUAL_NOT_ACHIEVED": "warning", "SCORE_UNVERIFIED": "warning"}
    (f,) = (f for f in r.findings if f.code == "ACTUAL_NOT_ACHIEVED")
    assert f.zh.startswith(f"实际完成值「{jixiao.parse_actual(actual).render()}」{said}")


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥90%", "95%（未达标）"),  # was 10 of 10, verified, no finding
        ("≥100人", "100人未完成"),
        ("≥100人", "100人，未达到预期"),
        ("≥90%", "95%，但未达标"),
        ("100人", "120人（没有完成）"),  # a bare amount is met from below
        ("=100%", "100%(未实现)"),
        ("≤5%", "3%（未达标）"),  # met from above
        ("80%-90%", "85%(未达到)"),
        ("≥90%", "0.95（未达标）"),  # a fraction read as 95%
        ("≥0.5万元", "6000元（未完成）"),  # in the target's unit
        ("≥100人", "100人（未全部）"),
    ],
)
def test_an_actual_meeting_the_target_that_says_it_did_not_is_not_scored(
    target: str, actual: str
) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (None, False)
    assert codes(r) == {"ACTUAL_NOT_ACHIEVED": "warning", "SCORE_UNVERIFIED": "warning"}
    (f,) = (f for f in r.findings if f.code == "ACTUAL_NOT_ACHIEVED")
    tnode = jixiao.parse_target(target)
    shown, target_shown = jixiao.parse_actual(actual, tnode).render(), tnode.render()
    assert f.where == "actual"
    assert f.zh.startswith(f"实际完成值「{shown}」的数值达到了年度指标值「{target_shown}」")
    assert "the words after it say it was not met" in f.en


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥100人", "60人（未完成）", "6.00"),  # the words agree with the number
        ("≤5%", "8%（未达标）", "6.25"),
        ("90%-100%", "85%（未达标）", "9.44"),
        ("≥100人", "100人（其中3人未完成考核）", "10.00"),  # part of the work, not the target
        ("≥100人", "100人（已完成）", "10.00"),
    ],
)
def test_words_after_a_number_that_agree_with_it_leave_it_scored(
    target: str, actual: str, score: str
) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (Decimal(score), True)
    assert "ACTUAL_NOT_ACHIEVED" not in codes(r)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("（未达标）", True),
        ("未完成", True),
        ("，但未达到目标", True),
        ("；仍未实现", True),
        ("（不达标）", True),
        ("（未全部达标）", True),
        ("（部分未完成）", True),
        ("，个别未达到", True),
        ("（不合格）", True),
        ("（不合格率）", False),  # names the number, not a verdict
        ("（其中3人未完成考核）", False),
        ("（含补训3人）", False),
        ("（已完成）", False),
    ],
)
def test_the_words_after_a_number_saying_the_target_was_not_met(note: str, expected: bool) -> None:
    assert note_undone(note) is expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("未完成", "negated"),
        ("未于", "negated"),
        ("还差", "short"),
        ("剩余", "short"),
        ("剩余人数", None),  # the words name what is counted
        ("没收违法所得", None),
        ("未成年人", None),
        ("完成", None),
        ("无人机", None),
    ],
)
def test_the_words_of_work_not_done(words: str, expected: str | None) -> None:
    assert undone(words) == expected


@pytest.mark.parametrize(
    ("target", "actual", "variant"),
    [
        ("≥90%", "预计95%", ""),  # was 10 of 10, verified, no finding
        ("≥90%", "预计完成95%", ""),
        ("≥90%", "目标95%", ""),
        ("≥90%", "力争95%", ""),
        ("≥90%", "争取达到95%", ""),
        ("≥90%", "可达95%", ""),
        ("≥100人", "计划100人", ""),
        ("≥100人", "拟完成100人", ""),
        ("≥100人", "年内将完成100人", ""),
        ("≥90%", "预计≥95%", ""),
        ("≥100人", "预计12月完成100人", ""),  # a date with a quantity, under a number
        ("≥100人", "年底可完成100人", ""),  # the words before the quantity (was full marks)
        ("≥100人", "于12月可完成100人", ""),
        ("11月底完成100%", "12月将完成100%", ""),
        ("12月底前完成", "预计12月底前完成", ""),  # kept the deadline, verified
        ("12月底前完成", "计划于11月完成", ""),
        ("11月底完成100%", "预计11月完成100%", ""),
        ("≥100人", "上年100人", "year"),
        ("≥90%", "去年95%", "year"),
        ("≥90%", "上年同期95%", "year"),
        ("≥90%", "去年同期95%", "year"),
        ("12月底前完成", "上年11月完成", "year"),  # was read as November of the budget year
        # the words after the number or date, bracketed or not
        ("≥90%", "95%（预计）", ""),
        ("≥90%", "95%预计", ""),
        ("≥90%", "95%(暂估)", ""),
        ("≥100人", "100人（计划数）", ""),
        ("≥90%", "95%（预计年底达到）", ""),
        ("≥90%", "95%（上年数据）", "year"),
        ("12月底前完成", "12月底前完成（预计）", ""),
        # figures set before the work: planned, budgeted, approved, designed
        ("≥100人", "原计划100人", ""),  # was 10 of 10, verified
        ("≤100万元", "预算100万元", ""),
        ("≥90%", "95%（批复数）", ""),
        ("≥90%", "设计95%", ""),
        ("≥90%", "95%（理论值）", ""),
    ],
)
def test_a_planned_or_other_years_actual_is_not_scored(
    target: str, actual: str, variant: str
) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (None, False)
    assert codes(r) == {"ACTUAL_NOT_ACHIEVED": "warning", "SCORE_UNVERIFIED": "warning"}
    (f,) = (f for f in r.findings if f.code == "ACTUAL_NOT_ACHIEVED")
    shown = jixiao.parse_actual(actual).render()
    said = "计划、预计、目标或预算、批复" if variant == "" else "上年（或其他年度）"
    assert f.where == "actual" and f.zh.startswith(f"实际完成值「{shown}」写的是{said}")


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥90%", "实际完成95%", "10.00"),
        ("≥90%", "完成计划的95%", "10.00"),  # a share of the plan achieved
        ("≥90%", "设计完成100%", "10.00"),  # the design work done, not a designed figure
        ("≤100万元", "预算执行90万元", "10.00"),
        ("≥90%", "已完成95%", "10.00"),
        ("≥100人", "全年完成100人", "10.00"),
        ("12月底前完成", "按计划于11月完成", "10.00"),  # as planned: done
        ("12月底前完成", "于11月完成", "10.00"),
        ("≥100人", "100人（含补训3人）", "10.00"),
        ("≥90%", "95%（抽样调查）", "10.00"),
    ],
)
def test_an_achieved_actual_is_still_scored(target: str, actual: str, score: str) -> None:
    r = scored(target, actual)
    assert (r.score, r.verified) == (Decimal(score), True)
    assert "ACTUAL_NOT_ACHIEVED" not in codes(r)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("预计", "plan"),
        ("计划于", "plan"),
        ("年底可完成", "plan"),
        ("目标值为", "plan"),
        ("上年度", "year"),
        ("去年同期", "year"),
        ("同期", "year"),
        ("上年同期", "year"),
        ("完成计划的", None),
        ("按计划", None),
        ("实际完成", None),
        ("年度", None),
    ],
)
def test_the_words_of_a_plan_or_another_year(label: str, expected: str | None) -> None:
    assert not_achieved(label) == expected


TARGETS = ["≥90%", "≤5%", "≥100人", "同比增长≥10%", "降低5%以上", "90%-100%", "较上年提高5%"]
TARGETS += ["人均≥100人"]
ACTUALS = ["较上年提高5%", "同比下降2%", "提高5%", "95%", "比上年多20人", "120人", "同比增长12%"]
ACTUALS += ["同比下降6%", "95%，较上年提高5%", "较上年提高5个百分点", "约95%", "提高至95%"]
ACTUALS += ["预计95%", "计划100人", "上年95%", "预计12月完成100人", "实际完成95%"]
ACTUALS += ["95%（预计）", "100人（计划数）", "95%（抽样调查）", "100人（含补训3人）"]
ACTUALS += ["未完成100人", "还差20人", "12月底前未完成", "年底可完成100人"]
ACTUALS += ["95%（未达标）", "100人，未完成", "60人（未完成）", "3%（未达标）"]
ACTUALS += [
    "上半年95%",
    "95%（上半年）",
    "前三季度累计完成120人",
    "截至11月底完成3%",
    "1-12月完成95%",
]
ACTUALS += ["将近100人", "接近100%", "接近95%", "近3%"]
ACTUALS += ["共计3000人", "户均120人", "人均120人"]
ACTUALS += ["原计划100人", "95%（批复数）", "剩余20人", "100人（未全部）", "100人（实际95人）"]
ACTUALS += ["95%（待核实）", "初步统计100人", "95%（待审计）"]


def change_rows(filler: int) -> list[dict[str, Any]]:
    plain = [row("≥90%", f"{90 + i % 9}.{i % 7}%", 10) for i in range(filler)]
    return pair_rows(row, TARGETS, ACTUALS, plain)


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_score_rows_gives_the_evaluators_results_on_change_rows(policy: str) -> None:
    raised = check_score_rows(change_rows(600), policy)
    assert {
        "ACTUAL_CHANGE",
        "ACTUAL_NOT_ACHIEVED",
        "ACTUAL_PART_YEAR",
        "ACTUAL_BOUND_ONLY",
        "ACTUAL_BASIS",
        "ACTUAL_PROVISIONAL",
    } <= raised


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_the_plan_gives_the_evaluators_results_on_change_rows(policy: str) -> None:
    """The plan on every pair, field by field against the row evaluator: it took an amount with
    words before it as written, without reading what the words say."""
    from test_plan import check

    check(jixiao.load_policy(policy), change_rows(0))


def test_the_columnar_path_gives_the_same_on_change_rows() -> None:
    pytest.importorskip("pyarrow")
    want = check_columnar(change_rows(300), "central")
    assert any("ACTUAL_CHANGE" in w[2] for w in want)
    assert any("ACTUAL_NOT_ACHIEVED" in w[2] for w in want)
    assert any("ACTUAL_PART_YEAR" in w[2] for w in want)


ECHOED = "定性提高领导干部依法决策能力"


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        (ECHOED, "未提高领导干部依法决策能力"),  # was the echo tier, 10 of 10, verified
        (ECHOED, "没有提高领导干部依法决策能力"),
        (ECHOED, "尚未提高领导干部依法决策能力"),
        (ECHOED, "提高领导干部依法决策能力，效果不明显"),
        (ECHOED, "提高领导干部依法决策能力的目标未实现"),
        (ECHOED, "基本提高领导干部依法决策能力"),
        (ECHOED, "预计提高领导干部依法决策能力"),
        (ECHOED, "力争提高领导干部依法决策能力"),
        (ECHOED, "上年已提高领导干部依法决策能力"),
        ("定性效果明显", "预计效果明显"),
        ("定性 未发生安全事故", "发生安全事故"),  # the target's 未 left out
    ],
)
def test_a_restated_target_taken_back_is_no_echo(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert (r.basis, r.verified) == ("claimed", False)
    assert codes(r) == {"QUAL_TIER_FROM_SCORE": "info", "SCORE_UNVERIFIED": "warning"}


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        (ECHOED, "提高领导干部依法决策能力"),
        (ECHOED, "有效提高领导干部依法决策能力"),
        (ECHOED, "进一步提高领导干部依法决策能力"),
        (ECHOED, "不断提高领导干部依法决策能力"),
        ("定性 未发生安全事故", "未发生安全事故"),
    ],
)
def test_a_restated_target_is_still_an_echo(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert (r.basis, r.verified, r.score) == ("echo", True, Decimal("10.00"))


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("未", "negated"),
        ("效果不明显", "negated"),
        ("有待加强", "negated"),
        ("初步", "partial"),
        ("预计", "plan"),
        ("上年", "year"),
        ("有效", None),
        ("不断", None),
        ("全面", None),
    ],
)
def test_the_words_that_take_a_restated_target_back(words: str, kind: str | None) -> None:
    assert qualifier(words) == kind


# ------------------------------------------------------------------ a part of the year


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥90%", "上半年95%", "10.00"),  # was verified, no finding
        ("≥90%", "第三季度95%", "10.00"),
        ("≥90%", "前三季度95%", "10.00"),
        ("≥100人", "前三季度累计完成120人", "10.00"),
        ("≥90%", "1-11月完成95%", "10.00"),
        ("≥90%", "一至十月完成95%", "10.00"),
        ("≥90%", "95%（上半年）", "10.00"),
        ("≥90%", "95%，1-10月数据", "10.00"),
        ("≥90%", "下半年85%", "9.44"),  # short of the target: the number is scored all the same
        ("≤60万元", "上半年支出50万元", "10.00"),  # half a year's spending under a year's cap
    ],
)
def test_a_figure_for_part_of_the_year_is_scored_unverified(
    target: str, actual: str, score: str
) -> None:
    r = scored(target, actual)
    assert codes(r)["ACTUAL_PART_YEAR"] == "warning"
    assert r.score == Decimal(score) and not r.verified
    (f,) = [f for f in r.findings if f.code == "ACTUAL_PART_YEAR"]
    assert "全年" in f.zh and "whole year" in f.en


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≤60万元", "截至11月底支出50万元"),  # was 10 of 10, verified
        ("≤60万元", "12月15日前完成50万元"),
        ("≤5%", "截至10月底完成3%"),
        ("80%-90%", "截至9月30日完成85%"),
    ],
)
def test_a_figure_as_of_a_date_before_the_years_end_under_a_cap(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert not r.verified and r.score is not None
    (f,) = [f for f in r.findings if f.code == "ACTUAL_PART_YEAR"]
    assert f.severity == "warning" and "截至" in f.zh
    assert f"「{jixiao.parse_target(target).render()}」" in f.zh


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥90%", "1-12月完成95%"),  # the whole year
        ("≥90%", "全年95%"),
        ("≥100人", "全年完成100人，其中上半年60人"),  # the words after are about part of it
        ("≤60万元", "截至12月底支出50万元"),
        ("≥100人", "截至10月底已培训120人"),  # a floor reached early stands
        ("≥90%", "95%（抽样调查）"),
    ],
)
def test_a_figure_for_the_whole_year_is_verified(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert "ACTUAL_PART_YEAR" not in codes(r)
    assert r.score == Decimal("10.00") and r.verified


@pytest.mark.parametrize(
    ("label", "note", "expected"),
    [
        ("上半年", None, "上半年"),
        ("2023年1-11月完成", None, "1-11月"),
        ("1至10月份累计", None, "1至10月份"),
        ("一至十一月", None, "一至十一月"),
        ("截至10月底已完成", None, "截至10月底"),
        ("截止2023年9月30日", None, "截止2023年9月30日"),
        ("第四季度", None, "第四季度"),
        (None, "（前三季度）", "前三季度"),
        (None, "，上半年数据", "上半年"),
        ("四季度末", None, None),  # the year's end
        ("1-12月", None, None),
        ("一至十二月", None, None),
        ("截至12月底", None, None),
        ("全年", "（含上半年补训3人）", None),
        ("第3批", None, None),
        ("2021-2023年", None, None),
    ],
)
def test_the_words_of_a_part_of_the_year(
    label: str | None, note: str | None, expected: str | None
) -> None:
    assert part_of_year(label, note) == expected


# ---------------------------------------------- a number approached from below (将近, 接近)


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥100人", "将近100人"),  # was 10 of 10, verified: fewer than 100 does not meet ≥100人
        ("=100%", "接近100%"),
        ("≥90%", "几乎90%"),
        ("80%-90%", "近80%"),
        ("100人", "近100人"),
    ],
)
def test_a_number_approached_from_below_at_the_targets_edge_is_unverified(
    target: str, actual: str
) -> None:
    r = scored(target, actual)
    assert codes(r)["ACTUAL_BOUND_ONLY"] == "warning" and not r.verified


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("≥90%", "接近95%"),  # a little short of 95% still meets ≥90%
        ("≤5%", "近5%"),  # short of 5% meets ≤5%
        ("≥100人", "将近120人"),
    ],
)
def test_a_number_approached_from_below_clear_of_the_edge_is_approximate(
    target: str, actual: str
) -> None:
    r = scored(target, actual)
    assert codes(r).get("ACTUAL_APPROXIMATE") == "info" and "ACTUAL_BOUND_ONLY" not in codes(r)
    assert r.verified and r.score == Decimal("10.00")


def test_near_reads_as_its_own_approximation_and_renders_back() -> None:
    target = jixiao.parse_target("≥100人")
    for text in ("将近100人", "接近100人", "几乎100人", "近100人"):
        node = jixiao.parse_actual(text, target)
        assert node.approx == "near" and node.render() == "近100人"
        assert jixiao.parse_actual(node.render(), target) == node


# ------------------------------------------------- a target per person, an actual in total


@pytest.mark.parametrize(
    ("target", "actual", "variant"),
    [
        ("人均≥500元", "共发放50万元", ""),  # was 10 of 10, verified
        ("月均≥90人", "全年1100人", ""),
        ("日均≥100人次", "累计3万人次", ""),
        ("≥500元（人均）", "共计50万元", ""),
        ("人均补助≥500元", "户均600元", "other"),
        ("平均每户≥2000元", "每人800元", "other"),
    ],
)
def test_a_total_under_a_target_per_person_is_not_scored(
    target: str, actual: str, variant: str
) -> None:
    r = scored(target, actual)
    assert r.score is None and not r.verified
    (f,) = [f for f in r.findings if f.code == "ACTUAL_BASIS"]
    assert f.severity == "warning"
    assert ("总数" in f.zh) == (variant == "") and ("a total" in f.en) == (variant == "")


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("人均≥500元", "600元"),  # the number alone: the figure the target asks for
        ("人均≥500元", "人均600元"),
        ("平均每户≥2000元", "户均2500元"),
        ("人均≥500元", "平均600元"),
        ("≥1000人", "共1200人"),  # no basis in the target
    ],
)
def test_a_figure_on_the_targets_basis_is_scored(target: str, actual: str) -> None:
    r = scored(target, actual)
    assert "ACTUAL_BASIS" not in codes(r)
    assert r.score == Decimal("10.00") and r.verified


@pytest.mark.parametrize(
    ("target_words", "actual_words", "expected"),
    [
        ("人均", "共发放", ""),
        ("月均", "全年", ""),
        ("人均", "户均", "户均"),
        ("每天", "日均", None),  # 天 and 日 are one basis
        ("每名学生", "人均", None),
        ("人均", "平均", None),
        ("人均", None, None),
        (None, "共计", None),
        ("人均增收", "总计", ""),
        ("补助标准", "共发放", None),
    ],
)
def test_the_words_of_another_basis(
    target_words: str | None, actual_words: str | None, expected: str | None
) -> None:
    got = other_basis(target_words, actual_words)
    assert (None if got is None else got[1]) == expected  # the actual's word
    if got is not None:  # and the target's
        assert target_words is not None and got[0] in target_words


def test_score_indicator_takes_a_policy_by_name() -> None:
    """It took only a compiled policy: a name failed deep inside with an AttributeError."""
    row_ = row("≥90%", "95%")
    by_name = jixiao.score_indicator("central", row_)
    assert by_name.score == jixiao.score_indicator(jixiao.load_policy("central"), row_).score
    assert jixiao.evaluate.score_indicator_uncached("central", row_).score == Decimal("10.00")
    with pytest.raises(jixiao.errors.PolicyError, match="nosuch"):
        jixiao.score_indicator("nosuch", row_)


# ------------------------------------------------------ a number not yet checked or whole


@pytest.mark.parametrize(
    ("target", "actual", "words", "score"),
    [
        ("≥90%", "95%（待核实）", "待核实", "10.00"),  # was verified, no finding
        ("≥90%", "初步统计95%", "初步统计", "10.00"),
        ("≥90%", "95%，数据不全", "数据不全", "10.00"),
        ("≥90%", "95%（无数据）", "无数据", "10.00"),
        ("≥100人", "100人（未统计完）", "未统计完", "10.00"),
        ("≥100人", "80人（统计中）", "统计中", "8.00"),
    ],
)
def test_a_number_its_words_call_unchecked_is_scored_unverified(
    target: str, actual: str, words: str, score: str
) -> None:
    r = scored(target, actual)
    assert r.score == Decimal(score) and not r.verified
    (f,) = [f for f in r.findings if f.code == "ACTUAL_PROVISIONAL"]
    assert f.severity == "warning" and f"「{words}」" in f.zh and repr(words) in f.en


@pytest.mark.parametrize(
    ("label", "note", "expected"),
    [
        ("待核实", None, "待核实"),
        ("据初步统计", None, "据初步统计"),
        (None, "（数据缺失）", "数据缺失"),
        (None, "(暂无数据)", "暂无数据"),
        (None, "（待审计）", None),  # a self-evaluation comes before its audit
        (None, "（未审计）", None),
        ("实际完成", None, None),
        (None, "（含补训3人）", None),
    ],
)
def test_the_words_of_a_number_not_yet_final(
    label: str | None, note: str | None, expected: str | None
) -> None:
    assert provisional(label, note) == expected
