"""The unit registry (jixiao.units) and exact comparison of quantities across a dimension."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.errors import UnitMismatchError
from jixiao.targets.ast import Quantity
from jixiao.units import (
    DIMENSIONLESS,
    known_symbols,
    known_words,
    lookup_unit,
    near_miss_unit,
)


def unit(word: str):  # type: ignore[no-untyped-def]
    u = lookup_unit(word)
    assert u is not None
    return u


@pytest.mark.parametrize(
    ("word", "symbol"),
    [
        ("萬元", "万元"),
        ("％", "%"),
        ("百分比", "%"),
        ("﹪", "%"),
        ("名", "人"),
        ("個", "个"),
        ("場", "场"),
        ("公斤", "千克"),
        ("千米", "公里"),
        ("㎡", "平方米"),
        ("岁", "周岁"),
        ("月", "个月"),
        ("个月", "个月"),
        ("元/人*月", "元/人·月"),
        ("元/人·年", "元/人·年"),
        ("元/户", "元/户"),
        ("万粒", "万粒"),
        ("万人次", "万人次"),
        ("亿元", "亿元"),
        ("万", "万"),
        ("TB", "TB"),
    ],
)
def test_canonical_symbols(word: str, symbol: str) -> None:
    assert unit(word).symbol == symbol


def test_open_units() -> None:
    feather = unit("羽毛球")
    assert not feather.known
    assert feather.dimension == "other:羽毛球"
    assert lookup_unit("") is None
    assert lookup_unit("12") is None


def test_dimensions() -> None:
    assert unit("%").dimension == DIMENSIONLESS
    assert unit("百分点").dimension != DIMENSIONLESS
    assert unit("人").dimension != unit("人次").dimension
    assert unit("万粒").factor == Decimal(10000)
    assert unit("元/人·月").dimension == "money/count:人·time:month"


def test_exact_comparison_across_a_dimension() -> None:
    a = Quantity(Decimal("64.253"), unit("万元"))
    b = Quantity(Decimal("642530"), unit("元"))
    assert a.compare(b) == 0
    assert a.in_unit_of(b) == Decimal("642530")
    assert (
        Quantity(Decimal("1.2"), unit("亿元")).compare(Quantity(Decimal(12000), unit("万元"))) == 0
    )
    assert Quantity(Decimal(1), unit("亩")).compare(Quantity(Decimal(666), unit("平方米"))) == 1
    assert Quantity(Decimal(1), unit("公里")).compare(Quantity(Decimal(1000), unit("米"))) == 0


@pytest.mark.parametrize(("left", "right"), [("人", "人次"), ("%", "万元"), ("%", "百分点")])
def test_mismatch_names_both_units(left: str, right: str) -> None:
    with pytest.raises(UnitMismatchError) as info:
        Quantity(Decimal(1), unit(left)).compare(Quantity(Decimal(1), unit(right)))
    assert left in str(info.value)
    assert right in str(info.value)


@pytest.mark.parametrize(
    ("word", "fixed"),
    [("万圆", "万元"), ("万園", "万元"), ("仟元", "千元"), ("十万圆", "十万元"), ("亿圆", "亿元")],
)
def test_near_miss(word: str, fixed: str) -> None:
    assert near_miss_unit(word) == fixed


@pytest.mark.parametrize("word", ["圆", "园", "万元", "羽", "万", "人次", ""])
def test_not_a_near_miss(word: str) -> None:
    assert near_miss_unit(word) is None


def test_registry_lists() -> None:
    words = set(known_words())
    assert {"萬元", "％", "人次", "台套", "TB"} <= words
    assert "个月" in known_symbols()
    assert hash(unit("万元")) == hash(unit("萬元"))
