"""Target cells as people write them (issue 9 item 2): bracketed units, inclusivity notes,
look-alike characters, negative bounds, 次年 in dates, garbled thousands separators."""

from __future__ import annotations

import pytest

from jixiao.errors import TargetSyntaxError
from jixiao.targets import Comparison, Deadline, parse_actual, parse_target
from jixiao.targets.normalize import normalize


@pytest.mark.parametrize(
    "cell", ["≥45（人）", "≥45(人)", "≥45 ( 人 )", "45（人）以上", "45(人)及以上", "不少于45（人）"]
)
def test_bracketed_unit_is_the_unit(cell: str) -> None:
    assert parse_target(cell) == parse_target("≥45人")


@pytest.mark.parametrize(
    "cell",
    [
        "≥90%（含90%）",
        "≥90%(含90%)",
        "90%（含）以上",
        "90%以上（含）",
        "不低于90%（含）",
        "超过90%（含）",
        "≥90%（含本数）",
        "≥90%（包含90%）",
    ],
)
def test_inclusive_note_makes_an_inclusive_bound(cell: str) -> None:
    node = parse_target(cell)
    assert isinstance(node, Comparison)
    assert (node.op, str(node.value), node.unit and node.unit.symbol) == (">=", "90", "%")
    assert node.note is None


def test_exclusive_note_makes_a_strict_bound() -> None:
    node = parse_target("90%以上（不含）")
    assert isinstance(node, Comparison) and node.op == ">" and not node.inclusive
    assert parse_target("5%以下（不含5%）").op == "<"  # type: ignore[union-attr]


def test_inclusive_note_with_another_number_is_an_error() -> None:
    with pytest.raises(TargetSyntaxError) as info:
        parse_target("≥90%（含85%）")
    assert info.value.offset == 6 and "85%" in info.value.message


def test_two_inclusive_notes_are_an_error() -> None:
    with pytest.raises(TargetSyntaxError):
        parse_target("90%（含）以上（含）")


def test_kangxi_radicals_and_fullwidth_letters_are_folded() -> None:
    assert parse_target("≥45⼈") == parse_target("≥45人")
    assert parse_actual("40⼈", parse_target("≥45⼈")).render() == "40人"
    assert parse_target("≥２５ＴＢ") == parse_target("≥25TB")
    assert normalize("⻔票") == "门票"
    # punctuation is kept: a full-width comma never becomes a thousands separator
    assert normalize("1，000") == "1，000"
    assert normalize("50m²") == "50m²"
    text = "无关文字"
    assert normalize(text) is text


def test_errors_after_folding_point_into_the_cell_as_written() -> None:
    with pytest.raises(TargetSyntaxError) as info:
        parse_target("≥45⼈$")
    assert info.value.text == "≥45⼈$" and info.value.offset == 4


@pytest.mark.parametrize(
    ("cell", "op", "value"),
    [
        ("≥-5%", ">=", "-5"),
        ("不低于-5%", ">=", "-5"),
        ("≤−3.5%", "<=", "-3.5"),
        ("≥ - 2 %", ">=", "-2"),
    ],
)
def test_negative_bounds(cell: str, op: str, value: str) -> None:
    node = parse_target(cell)
    assert isinstance(node, Comparison)
    assert (node.op, str(node.value)) == (op, value)
    assert parse_target(node.render()) == node


def test_lowering_stays_as_written() -> None:
    assert parse_target("降低5%").to_dict() == {
        "kind": "quantity",
        "value": "5",
        "unit": "%",
        "label": "降低",
    }


def test_ranges_and_dates_with_dashes_are_unchanged() -> None:
    assert parse_target("3-5次").kind == "range"
    assert parse_target("2021.1.1-12.31").kind == "deadline"
    assert parse_target("-").kind == "empty"


@pytest.mark.parametrize(
    ("cell", "month", "eom"),
    [
        ("次年1月完成", 1, False),
        ("下一年度3月底前", 3, True),
        ("翌年底", 12, True),
        ("次年3月31日前", 3, False),
    ],
)
def test_next_year(cell: str, month: int, eom: bool) -> None:
    node = parse_actual(cell)
    assert isinstance(node, Deadline)
    assert (node.year, node.year_offset, node.month, node.end_of_month) == (None, 1, month, eom)
    assert parse_actual(node.render()) == node


@pytest.mark.parametrize("cell", ["7,00.0,77", "1,2,3", "7,00", "≥1,00人", "12,34.5万元"])
def test_garbled_thousands_separators_are_errors(cell: str) -> None:
    with pytest.raises(TargetSyntaxError) as info:
        parse_target(cell)
    err = info.value
    assert err.hint is not None and "三位" in err.hint
    assert cell[err.offset].isdigit() and "," in cell[err.offset : err.offset + err.length]


def test_valid_thousands_separators() -> None:
    assert str(parse_target("≥7,000元").value) == "7000"  # type: ignore[union-attr]
    assert str(parse_target("1,234,567.5元").value) == "1234567.5"  # type: ignore[union-attr]
