"""The target-cell parser: API, caching, meanings of words, units, deadlines, spans."""

from __future__ import annotations

import pickle
import threading
from decimal import Decimal

import pytest

import jixiao.targets as targets
from jixiao.errors import UnitMismatchError
from jixiao.resources import grammar_path
from jixiao.targets import (
    Amount,
    Comparison,
    Deadline,
    Empty,
    Outcome,
    Qualitative,
    Range,
    parse_actual,
    parse_actual_uncached,
    parse_target,
    parse_target_uncached,
)
from jixiao.targets.lexicon import COMPARATOR_WORDS, SUFFIX_WORDS
from jixiao.units import lookup_unit
from targets_golden import GOLDEN, read, target_of


def test_public_api() -> None:
    for name in targets.__all__:
        assert hasattr(targets, name)
    assert grammar_path("target.lark").is_file()


def test_cached_and_uncached_agree_and_cache_is_a_lookup() -> None:
    targets.cache_clear()
    first = parse_target("≥45人")
    assert parse_target("≥45人") is first
    assert parse_target_uncached("≥45人") == first
    assert targets.cache_info()["target"].hits >= 1
    target = parse_target("≥50个")
    assert parse_actual("50", target) is parse_actual("50", parse_target("≥ 50 个"))
    assert parse_actual_uncached("50", target) == parse_actual("50", target)


def test_equal_ignoring_spans_and_spelling() -> None:
    assert parse_target("≥ 45 人") == parse_target("不少于45人") == parse_target("45人以上")
    assert parse_target("≥  45 人").span != parse_target("不少于45人").span
    assert hash(parse_target("≥ 45 人")) == hash(parse_target("不少于45人"))
    assert parse_target("≥45人") != parse_target("≥45人次")


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("60%以上", ">="),
        ("60%及以上", ">="),
        ("18周岁以下", "<="),
        ("5%以内", "<="),
        ("超过5%", ">"),
        ("不满18周岁", "<"),
        ("高于5%", ">"),
        ("低于5%", "<"),
        ("达到90%", ">="),
        ("至少2次", ">="),
        ("不低于90%", ">="),
        ("不少于4次", ">="),
        ("最多3次", "<="),
        ("不超过3次", "<="),
        ("不高于3次", "<="),
        ("不多于3次", "<="),
        ("大于3次", ">"),
        ("多于3次", ">"),
        ("小于3次", "<"),
        ("少于3次", "<"),
        ("大于等于3次", ">="),
        ("小于等于3次", "<="),
        ("控制在5%以内", "<="),
        ("达到90%以上", ">="),
    ],
)
def test_inclusivity_follows_civil_code_article_1259(text: str, op: str) -> None:
    node = parse_target(text)
    assert isinstance(node, Comparison)
    assert node.op == op
    assert node.inclusive == (op in (">=", "<=", "="))


@pytest.mark.parametrize("word", sorted(COMPARATOR_WORDS))
def test_every_comparator_word_is_read(word: str) -> None:
    node = parse_target(f"{word}5人")
    assert isinstance(node, Comparison)
    assert node.op == COMPARATOR_WORDS[word]


@pytest.mark.parametrize("word", sorted(SUFFIX_WORDS))
def test_every_suffix_word_is_read(word: str) -> None:
    node = parse_target(f"5人{word}")
    assert isinstance(node, Comparison)
    assert node.op == SUFFIX_WORDS[word]


def test_actual_takes_the_target_unit_only_when_it_has_none() -> None:
    target = parse_target("≥50000人次")
    assert parse_actual("110406", target) == Amount(
        parse_target("110406人次").quantity  # type: ignore[arg-type]
    )
    assert parse_actual("110406人", target).unit == lookup_unit("人")
    assert parse_actual("3-5", parse_target("≥1次")) == parse_target("3-5次")
    assert parse_actual("50", None).unit is None
    assert parse_actual("50", parse_target("效果明显")).unit is None


def test_comparing_parsed_quantities() -> None:
    target = parse_target("≤64.253万元").quantity
    assert target is not None
    assert target.compare(parse_actual("642530元").quantity) == 0  # type: ignore[arg-type]
    assert target.compare(parse_actual("64.2531万元").quantity) == -1  # type: ignore[arg-type]
    with pytest.raises(UnitMismatchError) as info:
        parse_target("≥45人").quantity.compare(parse_actual("45人次").quantity)  # type: ignore[union-attr, arg-type]
    assert "人" in str(info.value) and "人次" in str(info.value)
    with pytest.raises(UnitMismatchError):
        parse_target("≥90%").quantity.compare(parse_actual("2个百分点").quantity)  # type: ignore[union-attr, arg-type]


def test_decimals_are_exact() -> None:
    node = parse_target("≤64.253万元")
    assert isinstance(node, Comparison)
    assert node.value == Decimal("64.253")
    assert isinstance(node.value, Decimal)
    assert node.amount.base == Decimal("642530.000")


def test_deadline_fields() -> None:
    node = parse_target("2023年12月底前")
    assert isinstance(node, Deadline)
    assert (node.year, node.month, node.day, node.end_of_month, node.relation) == (
        2023,
        12,
        31,
        True,
        "by",
    )
    assert node.sort_key() == (2023, 12, 31)
    feb = parse_target("2024年2月底前")
    assert isinstance(feb, Deadline) and feb.day == 29
    before = parse_target("9月前")
    assert isinstance(before, Deadline) and before.relation == "before"
    fused = parse_target("11月底完成100%")
    assert isinstance(fused, Deadline)
    assert fused.goal == parse_target("100%")
    assert fused.quantity == parse_target("100%").quantity
    period = parse_target("2021.1.1-12.31")
    assert isinstance(period, Deadline)
    assert period.start == (2021, 1, 1) and (period.year, period.month, period.day) == (
        2021,
        12,
        31,
    )
    assert parse_actual("2023年10月").sort_key() < parse_target("2023年12月底前").sort_key()  # type: ignore[union-attr]


def test_deadline_ish_actuals() -> None:
    for text in ("2023年10月", "7月", "均在2023年12月底之前完成", "12月20日"):
        assert isinstance(parse_actual(text), Deadline), text


def test_declared_qualitative_and_scales() -> None:
    node = parse_target("定性 好坏")
    assert node == Qualitative("好坏", ("好", "坏"), True)
    assert node.render() == "定性好坏"
    assert parse_target("优良中低差") == Qualitative("优良中低差", ("优", "良", "中", "低", "差"))
    assert parse_target("良好") == Qualitative("良好")
    seed = parse_target("定性均在2023年12月底之前完成")
    assert isinstance(seed, Deadline) and seed.prefix == "均在" and seed.suffix == "完成"


def test_outcomes_only_in_actuals() -> None:
    assert parse_target("已完成") == Qualitative("已完成")
    done = parse_actual("已完成")
    assert isinstance(done, Outcome) and done.status == "done"
    assert parse_actual("部分达成").status == "partial"  # type: ignore[union-attr]
    assert parse_actual("未开展").status == "not_done"  # type: ignore[union-attr]
    assert parse_actual("正在建设").status == "in_progress"  # type: ignore[union-attr]
    assert isinstance(parse_actual("有效减轻"), Qualitative)


@pytest.mark.parametrize("text", ["", "   ", "/", "-", "—", "一", "无", "定性", "\u3000"])
def test_empty(text: str) -> None:
    assert parse_target(text) == Empty()
    assert parse_actual(text) == Empty()


def test_qualitative_text_is_verbatim() -> None:
    text = "  通过培训，进一步提高执法人员专业化素质\n和行政执法能力。 "
    node = parse_target(text)
    assert isinstance(node, Qualitative)
    assert node.text == text.strip()
    prose = parse_target("1-6期培训结束后及时考核")
    assert prose == Qualitative("1-6期培训结束后及时考核")


def test_spans_point_into_the_cell() -> None:
    text = "  合格率 ≥ 90 %。"
    node = parse_target(text)
    assert isinstance(node, Comparison)
    assert node.span is not None
    start, end = node.span
    assert text[start:end].startswith("合格率")
    assert text[start:end].rstrip("。").endswith("%")
    rng = parse_target("18—54周岁")
    assert isinstance(rng, Range) and rng.span == (0, 7)


def test_nodes_pickle() -> None:
    for text in ("≥45人", "2021.1.1-12.31", "定性 好坏", "90%-100%", "/", "200余人"):
        node = parse_target(text)
        assert pickle.loads(pickle.dumps(node)) == node


def test_threads_share_the_parser() -> None:
    cells = [f"≥{i}人" for i in range(300)] + [f"{i}月" for i in range(1, 13)]
    expected = [parse_target_uncached(c) for c in cells]
    results: list[list[object]] = [[] for _ in range(4)]

    def work(out: list[object]) -> None:
        for cell in cells:
            out.append(parse_target_uncached(cell))

    threads = [threading.Thread(target=work, args=(out,)) for out in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(out == expected for out in results)


def test_type_errors_for_non_text() -> None:
    with pytest.raises(TypeError):
        parse_target_uncached(45)  # type: ignore[arg-type]


def _golden_nodes() -> list[tuple[str, str]]:
    return [(r.mode, r.cell) for _, _, r in read(GOLDEN) if r and not r.expected.startswith("!")]


@pytest.mark.parametrize(("mode", "cell"), _golden_nodes())
def test_every_golden_cell_renders_to_text_that_parses_back(mode: str, cell: str) -> None:
    if mode == "target":
        node = parse_target(cell)
        assert parse_target(node.render()) == node, node.render()
    else:
        target = None if mode == "actual" else target_of(mode)
        node = parse_actual(cell, target)
        assert parse_actual(node.render(), target) == node, node.render()


def test_documented_examples() -> None:
    """The examples in the docstrings and in docs/targets.md are true."""
    import doctest
    from pathlib import Path

    import jixiao.numerals
    import jixiao.targets.ast
    import jixiao.targets.fast
    import jixiao.targets.lexicon
    import jixiao.targets.parser
    import jixiao.units

    for module in (
        jixiao.numerals,
        jixiao.units,
        jixiao.targets.ast,
        jixiao.targets.fast,
        jixiao.targets.lexicon,
        jixiao.targets.parser,
    ):
        assert doctest.testmod(module).failed == 0, module.__name__
    docs = Path(__file__).resolve().parents[1] / "docs" / "targets.md"
    assert doctest.testfile(str(docs), module_relative=False).failed == 0


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("≥一亿二千五百万人", "125000000", "人"),
        ("≥一亿二千五百万元", "125000000", "元"),
        ("一亿二千五百万", "125000000", None),
        ("≥一亿零五万人", "100050000", "人"),
        ("≥三万元", "3", "万元"),  # a lone 万 before 元 stays the magnitude of the unit
        ("≥一亿元", "1", "亿元"),
    ],
)
def test_wan_after_yi_completes_the_numeral(text: str, value: str, unit: str | None) -> None:
    d = parse_target(text).to_dict()
    assert (d["value"], d["unit"]) == (value, unit)
