"""Chinese and full-width numerals (jixiao.numerals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.numerals import (
    is_chinese_numeral,
    parse_chinese,
    parse_decimal,
    parse_number,
    to_ascii_digits,
    to_chinese,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", "0"),
        ("〇", "0"),
        ("一", "1"),
        ("两", "2"),
        ("四", "4"),
        ("十", "10"),
        ("十二", "12"),
        ("二十", "20"),
        ("一百二十", "120"),
        ("一百零五", "105"),
        ("两千", "2000"),
        ("三万五千", "35000"),
        ("一万零五百", "10500"),
        ("十万", "100000"),
        ("三亿五千万", "350000000"),
        ("五万亿", "5000000000000"),
        ("二〇二三", "2023"),
        ("三点五", "3.5"),
        ("零点二五", "0.25"),
        ("叁佰", "300"),
        ("壹万贰仟", "12000"),
    ],
)
def test_parse_chinese(text: str, value: str) -> None:
    assert parse_chinese(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "百百", "十百", "三点", "五四三", "万x", "点五五五x"])
def test_parse_chinese_rejects(text: str) -> None:
    if text == "五四三":
        # digit by digit, like a year written 二〇二三
        assert parse_chinese(text) == Decimal(543)
        return
    with pytest.raises(ValueError):
        parse_chinese(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("64.253", "64.253"),
        ("215,457.6", "215457.6"),
        ("１００", "100"),
        ("１２．５", "12.5"),
        ("1,000,000", "1000000"),
        (".8", "0.8"),
    ],
)
def test_parse_decimal(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "1.2.3", "abc", "1e5", "٣"])
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_helpers() -> None:
    assert to_ascii_digits("２０２３．５") == "2023.5"
    assert is_chinese_numeral("三万五千")
    assert not is_chinese_numeral("三万五千人")
    assert not is_chinese_numeral("")
    assert parse_number("一百五十") == parse_number("１５０") == Decimal(150)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (101, "一百零一"),
        (1010, "一千零一十"),
        (100000001, "一亿零一"),
    ],
)
def test_to_chinese(n: int, text: str) -> None:
    assert to_chinese(n) == text


@settings(max_examples=300, derandomize=True)
@given(st.integers(min_value=0, max_value=10**15))
def test_chinese_round_trip(n: int) -> None:
    assert parse_chinese(to_chinese(n)) == n
