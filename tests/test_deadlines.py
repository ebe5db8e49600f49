"""Whether an actual shows that a deadline was kept.

A date written to the month (``11月完成``) or the year is some day of it: on time when even its
last day keeps the deadline (November's end is the 30th), late when its first day does not, and
otherwise not to be told (``DEADLINE_UNCHECKED``, the row unverified). Under a deadline with a
quantity (``11月底完成100%``), scored by the quantity, an actual giving no date
(``DEADLINE_UNCHECKED``) or a late one (``DEADLINE_LATE``) leaves the row unverified: the score
would be a row done on time. Every path (the row evaluator, ``score_rows`` with its plan, the
Arrow columnar path) gives the same results on such rows.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.evaluate.timing import on_time
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import Deadline
from pair_checks import check_columnar, check_score_rows, pair_rows

ROOT = Path(__file__).resolve().parent.parent
POLICY_NAMES = sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("11月底前完成", "11月完成", True),  # a 30-day month: its last day is the deadline
        ("2月底前完成", "2月完成", True),
        ("2024年2月底前", "2024年2月", True),
        ("11月30日前完成", "11月完成", True),
        ("12月31日前", "12月31日", True),
        ("11月底前完成", "12月完成", False),
        ("10月底前", "11月", False),
        ("11月15日前完成", "11月10日完成", True),
        ("11月15日前完成", "11月16日完成", False),
        ("11月15日前完成", "11月完成", None),  # the deadline falls inside the month
        ("9月前", "8月", True),
        ("9月前", "8月31日", True),
        ("9月前", "9月", False),  # before September: September is late
        ("早于12月31日", "12月30日", True),
        ("早于12月31日", "12月31日", False),  # strictly before the day
        ("早于12月31日", "12月", None),
        ("2023年12月底前", "2023年", True),
        ("2023年11月底前", "2023年", None),
        ("2023年12月底前", "2024年1月", False),
        ("2023年完成", "2023年5月", True),
        ("12月底前", "次年1月", False),
        ("次年3月底前", "次年3月", True),
        # an actual that is itself a deadline: done on that day or an earlier one
        ("12月31日前", "11月底前完成", True),
        ("11月底前", "12月底前完成", None),
        ("11月15日前", "11月底前完成", None),
        ("9月前", "9月前完成", True),
        ("9月前", "10月前完成", None),
        ("11月底前完成", "12月前", True),  # before December: by the end of November
        ("11月底前", "早于12月1日", True),
        ("11月底前", "早于12月2日", None),
        ("2023年12月底前", "2023年1月1日至12月31日", True),  # a period: done at its end
        ("2023年12月底前", "2024年3月底前完成", None),  # by a day of the next year
        ("2023年12月底前", "2022年12月底前完成", True),
        ("2月29日前", "2月完成", True),  # no year: a February of 28 days
    ],
)
def test_whether_a_date_keeps_a_deadline(target: str, actual: str, expected: bool | None) -> None:
    t = parse_target(target)
    a = parse_actual(actual, t)
    assert isinstance(t, Deadline) and isinstance(a, Deadline)
    assert on_time(t, a) is expected


def row(target: str, actual: str, score: Any = 10, weight: Any = 10) -> dict[str, Any]:
    return {
        "name": "项目完工",
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": score,
    }


def scored(target: str, actual: str, score: Any = 10, policy: str = "central") -> Any:
    (r,) = jixiao.score_rows([row(target, actual, score)], policy)
    return r


def codes(r: Any) -> list[str]:
    return [f.code for f in r.findings]


def test_a_month_ending_at_the_deadline_is_on_time_and_verified() -> None:
    r = scored("11月底前完成", "11月完成")
    assert (r.score, r.tier, r.basis, r.verified, codes(r)) == (
        Decimal("10.00"),
        "达成",
        "deadline",
        True,
        [],
    )
    late = scored("11月底前完成", "12月完成", 7)
    assert (late.tier, late.basis, late.verified) == ("部分达成", "deadline", True)


def test_a_date_too_coarse_for_the_deadline_leaves_the_row_unverified() -> None:
    r = scored("11月15日前完成", "11月完成", 10)
    assert not r.verified and r.basis == "claimed" and r.tier == "达成"
    (f,) = [f for f in r.findings if f.code == "DEADLINE_UNCHECKED"]
    assert f.severity == "warning" and f.where == "actual"
    assert "「11月」只写到月" in f.zh and "「11月15日前」" in f.zh and "11月10日完成" in f.zh
    assert "names only the month" in f.en
    by = scored("11月底前完成", "12月底前完成")
    (f,) = [f for f in by.findings if f.code == "DEADLINE_UNCHECKED"]
    assert not by.verified and "「12月底前」只说明不晚于这个时间" in f.zh and "done by then" in f.en
    year = scored("2023年11月底前完成", "2023年完成")
    (f,) = [f for f in year.findings if f.code == "DEADLINE_UNCHECKED"]
    assert not year.verified and "只写到年" in f.zh and "names only the year" in f.en


def test_a_deadline_with_a_quantity_kept_late_is_scored_on_the_quantity_but_unverified() -> None:
    r = scored("11月底完成100%", "12月完成100%")
    assert r.score == Decimal("10.00") and r.rule is not None and r.rule.name == "正向指标"
    assert not r.verified and codes(r) == ["DEADLINE_LATE"]
    f = r.findings[0]
    assert f.severity == "warning" and f.where == "actual"
    assert "「12月」晚于期限「11月底」" in f.zh and "(100%)" in f.en
    partial = scored("11月底完成100%", "12月完成90%", 9)
    assert partial.score == Decimal("9.00") and not partial.verified
    assert "DEADLINE_LATE" in codes(partial)
    on_time_row = scored("11月底完成100%", "10月完成100%")
    assert on_time_row.verified and codes(on_time_row) == []


def test_a_deadline_with_a_quantity_and_an_actual_without_a_date_is_unverified() -> None:
    for actual in ("100%", "≥100%", "90%"):
        r = scored("11月底完成100%", actual)
        assert r.basis == "formula" and not r.verified, actual
        (f,) = [f for f in r.findings if f.code == "DEADLINE_UNCHECKED"]
        assert (
            f"实际完成值「{actual}」只有完成数量" in f.zh
            and "gives the quantity but no date" in f.en
        )


def test_a_date_with_part_of_the_work_names_no_tier() -> None:
    """Under a deadline asking for the work done, ``11月完成80%`` tells when, not that it was
    done: no tier from the date (it was 达成, verified, full marks), the row unverified."""
    for actual in ("11月完成80%", "截至11月完成80%", "12月完成80%"):
        r = scored("11月底前完成", actual, 7)
        assert r.basis == "claimed" and r.tier == "部分达成" and not r.verified, actual
        (f,) = [f for f in r.findings if f.code == "DEADLINE_UNCHECKED"]
        assert "只完成了80%" in f.zh and "only 80% done" in f.en
    done = scored("11月底前完成", "11月完成100%")
    assert (done.tier, done.basis, done.verified, codes(done)) == ("达成", "deadline", True, [])
    # under a deadline with a quantity the percent is scored as usual
    fused = scored("11月底完成100%", "11月完成80%", 8)
    assert fused.score == Decimal("8.00") and fused.verified


@pytest.mark.parametrize(
    ("actual", "words"),
    [
        ("11月开工", "开工"),  # was 达成, verified, full marks: a start is no completion
        ("11月启动", "启动"),
        ("11月底基本完成", "基本"),
        ("11月完成第一阶段", "第一阶段"),
        ("11月底完成主体工程", "主体"),
        ("11月完成（延期）", "延期"),
    ],
)
def test_a_date_of_a_start_or_a_part_names_no_tier(actual: str, words: str) -> None:
    r = scored("12月底前完成", actual, 7)
    assert r.basis == "claimed" and r.tier == "部分达成" and not r.verified
    (f,) = [f for f in r.findings if f.code == "DEADLINE_UNCHECKED"]
    assert f"「{words}」的时间" in f.zh and repr(words) in f.en


def test_a_start_after_the_deadline_is_late_and_a_completion_on_time() -> None:
    late = scored("12月底前完成", "次年1月开工", 7)
    assert (late.basis, late.verified) == ("deadline", True)
    assert "DEADLINE_UNCHECKED" not in codes(late)
    for actual in ("11月完成", "11月通过验收", "11月竣工"):
        done = scored("12月底前完成", actual)
        assert (done.tier, done.basis, done.verified, codes(done)) == ("达成", "deadline", True, [])


def test_a_form_counts_such_rows_as_unverified() -> None:
    form = {
        "year": 2023,
        "indicators": [
            {**row("11月底完成100%", "12月完成100%"), "level1": "产出指标", "level2": "时效指标"},
            {**row("≥45人", "45人"), "level1": "产出指标", "level2": "数量指标"},
        ],
    }
    result = jixiao.score_form(form)
    assert result.verified_rows == 1 and result.unverified_rows == 1
    assert result.unverified_points == Decimal("10.00")
    assert result.indicators[0].findings[0].where == "indicators[0].actual"


TARGETS = ["11月底前完成", "11月15日前完成", "9月前", "早于12月31日", "2023年11月底前完成"]
TARGETS += ["11月底完成100%", "2023年12月底前完成≥95%", "≥45人"]
ACTUALS = ["11月完成", "11月10日完成", "9月", "12月", "2023年完成", "12月完成100%"]
ACTUALS += ["10月完成100%", "100%", "90%", "96%", "已完成", "45人", "11月完成80%"]
ACTUALS += ["截至11月完成80%", "12月底前完成", "11月底前完成"]
ACTUALS += ["10月开工", "11月底基本完成", "次年1月启动", "10月完成第一阶段"]


def deadline_rows(filler: int) -> list[dict[str, Any]]:
    plain = [row("≥45人", f"{40 + i % 9}.{i % 7}人", 10) for i in range(filler)]
    return pair_rows(row, TARGETS, ACTUALS, plain)


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_score_rows_gives_the_evaluators_results_on_deadline_rows(policy: str) -> None:
    raised = check_score_rows(deadline_rows(600), policy)
    if not jixiao.load_policy(policy).row_fields:
        assert {"DEADLINE_LATE", "DEADLINE_UNCHECKED"} <= raised


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_the_plan_gives_the_evaluators_results_on_deadline_rows(policy: str) -> None:
    """The plan (score_rows' columnar path) on every pair, field by field against the row
    evaluator: a row the plan takes without reading its date would keep no finding."""
    from test_plan import check

    check(jixiao.load_policy(policy), deadline_rows(0))


@pytest.mark.parametrize("policy", ["central", "hubei"])
def test_the_columnar_path_gives_the_same_on_deadline_rows(policy: str) -> None:
    pytest.importorskip("pyarrow")
    check_columnar(deadline_rows(300), policy)
