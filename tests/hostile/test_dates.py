"""A date written as an Excel serial number (a bare 45291 in a deadline row) is read as the date
Excel shows (issue 11): a late date so written no longer keeps the claimed full score."""

from __future__ import annotations

import datetime as dt

import pytest

import jixiao
from jixiao.evaluate import score_indicator
from jixiao.policy import load_policy
from jixiao.targets.ast import Amount, Deadline


def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (str(serial(dt.date(2023, 12, 31))), (2023, 12, 31)),
        (str(serial(dt.date(2024, 2, 29))), (2024, 2, 29)),
        (f"{serial(dt.date(2023, 6, 1))}.5", (2023, 6, 1)),  # a time of day does not move it
    ],
)
def test_a_serial_under_a_deadline_is_that_date(text: str, expected: tuple[int, int, int]) -> None:
    actual = jixiao.parse_actual(text, jixiao.parse_target("2023年12月31日前"))
    assert isinstance(actual, Deadline)
    assert (actual.year, actual.month, actual.day) == expected


@pytest.mark.parametrize("text", ["45", "2023", "9999999", "-45291"])
def test_other_numbers_stay_numbers(text: str) -> None:
    actual = jixiao.parse_actual(text, jixiao.parse_target("2023年12月31日前"))
    assert not isinstance(actual, Deadline)


def test_a_serial_under_a_number_target_is_a_number() -> None:
    actual = jixiao.parse_actual("45291", jixiao.parse_target("≥45000人"))
    assert isinstance(actual, Amount) and actual.value == 45291


def test_a_late_serial_date_loses_the_claimed_full_score() -> None:
    policy = load_policy("central")
    late = str(serial(dt.date(2024, 3, 15)))
    on_time = str(serial(dt.date(2023, 11, 20)))
    row = {"target": "2023年12月31日前", "weight": 5, "score": 5}
    late_result = score_indicator(policy, {**row, "actual": late})
    on_time_result = score_indicator(policy, {**row, "actual": on_time})
    assert on_time_result.score == 5 and on_time_result.met
    assert late_result.met is False and late_result.score is not None and late_result.score < 5
    assert "SCORE_MISMATCH" in [f.code for f in late_result.findings]
