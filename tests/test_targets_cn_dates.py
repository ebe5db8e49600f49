"""Months and days written in Chinese numerals read like their digits."""

from __future__ import annotations

import pytest

import jixiao


@pytest.mark.parametrize(
    ("chinese", "digits"),
    [
        ("十二月底前", "12月底前"),
        ("十一月三十日前", "11月30日前"),
        ("2023年十二月底前完成", "2023年12月底前完成"),
        ("九月前", "9月前"),
        ("一月一日", "1月1日"),
    ],
)
def test_chinese_month_equals_digits(chinese: str, digits: str) -> None:
    assert jixiao.parse_target(chinese) == jixiao.parse_target(digits)


def test_durations_in_chinese_stay_quantities() -> None:
    assert jixiao.parse_target("三个月").to_dict() == {
        "kind": "quantity",
        "value": "3",
        "unit": "个月",
    }
    assert jixiao.parse_target("十二次").to_dict() == {
        "kind": "quantity",
        "value": "12",
        "unit": "次",
    }


def test_a_chinese_deadline_is_scored_on_time() -> None:
    policy = jixiao.load_policy("central")
    r = policy.score({"target": "十二月底前完成", "actual": "十一月", "weight": 5})
    assert str(r.score) == "5.00" and r.basis == "deadline"
    late = policy.score({"target": "九月前", "actual": "十月", "weight": 5})
    assert late.tier == "部分达成"


def test_an_impossible_chinese_day_is_an_error() -> None:
    with pytest.raises(jixiao.TargetSyntaxError):
        jixiao.parse_target("二月三十日前")
