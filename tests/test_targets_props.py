"""Properties of the target-cell language (hypothesis).

- every node the parser can produce renders to text that parses back to an equal node;
- any text at all either parses or raises TargetSyntaxError, nothing else;
- a quantity written in 元 or in 万元 compares the same;
- Chinese numerals and digits agree.
"""

from __future__ import annotations

import calendar
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jixiao.errors import TargetSyntaxError
from jixiao.numerals import to_chinese
from jixiao.targets import (
    OPS,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    parse_actual_uncached,
    parse_target_uncached,
)
from jixiao.targets.lexicon import GRADE_LADDERS, outcome_status, scale_of
from jixiao.units import lookup_unit

PROPS = settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Characters that are plain words wherever they stand: no numeral, date, comparator, unit-start,
# approximation, range or empty-cell character.
WORD_CHARS = "合格率覆盖培训员满意考核目资金使用群众服务质量效果参训情况建设维修管理程"
NOTE_CHARS = "覆盖抽查对象"
PUNCT = "，、："

KNOWN_UNITS = [
    "人",
    "人次",
    "次",
    "个",
    "项",
    "家",
    "户",
    "场",
    "期",
    "篇",
    "台套",
    "所",
    "座",
    "条",
    "组",
    "只",
    "头",
    "粒",
    "起",
    "元",
    "千元",
    "万元",
    "亿元",
    "%",
    "‰",
    "百分点",
    "天",
    "工作日",
    "小时",
    "个月",
    "年",
    "周岁",
    "亩",
    "平方米",
    "公里",
    "米",
    "厘米",
    "吨",
    "千克",
    "立方米",
    "TB",
    "分",
    "万",
    "万粒",
    "万人次",
    "元/人",
    "元/人·月",
    "元/人·年",
    "元/户",
]
OPEN_UNITS = ["羽", "枚", "樽", "尾"]

words = st.text(alphabet=WORD_CHARS, min_size=2, max_size=8)
notes = st.text(alphabet=NOTE_CHARS, min_size=1, max_size=4)
decimals = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=3),
)
units = st.sampled_from(KNOWN_UNITS + OPEN_UNITS).map(lookup_unit)
maybe_units = st.one_of(st.none(), units)


def _not_a_year(value: Decimal, unit: object) -> bool:
    # 2023年 on its own is a year (a deadline), not a duration of 2023 years
    return not (
        getattr(unit, "symbol", None) == "年"
        and value == value.to_integral_value()
        and 1900 <= value <= 2099
    )


@st.composite
def comparisons(draw: st.DrawFn, *, labelled: bool = True) -> Comparison:
    unit = draw(maybe_units)
    note = (
        draw(st.one_of(st.none(), notes)) if unit is not None and unit.known and labelled else None
    )
    label = draw(st.one_of(st.none(), words)) if labelled else None
    return Comparison(draw(st.sampled_from(OPS)), Quantity(draw(decimals), unit), label, note)


@st.composite
def amounts(draw: st.DrawFn, *, labelled: bool = True) -> Amount:
    unit = draw(maybe_units)
    value = draw(decimals)
    assume(_not_a_year(value, unit))
    approx = draw(st.sampled_from([None, "about", "over", "under"]))
    note = (
        draw(st.one_of(st.none(), notes)) if unit is not None and unit.known and labelled else None
    )
    label = draw(st.one_of(st.none(), words)) if labelled else None
    return Amount(Quantity(value, unit), approx, label, note)  # type: ignore[arg-type]


@st.composite
def ranges(draw: st.DrawFn) -> Range:
    unit = draw(maybe_units)
    note = draw(st.one_of(st.none(), notes)) if unit is not None and unit.known else None
    label = draw(st.one_of(st.none(), words))
    return Range(draw(decimals), draw(decimals), unit, label=label, note=note)


years = st.one_of(st.none(), st.integers(min_value=2000, max_value=2030))


@st.composite
def dates(draw: st.DrawFn) -> tuple[int | None, int | None, int | None, bool]:
    year = draw(years)
    month = (
        draw(st.one_of(st.none(), st.integers(1, 12)))
        if year is not None
        else draw(st.integers(1, 12))
    )
    if month is None:
        return year, None, None, False
    kind = draw(st.sampled_from(["month", "day", "end"]))
    if kind == "day":
        last = calendar.monthrange(year or 2000, month)[1]
        return year, month, draw(st.integers(1, last)), False
    return year, month, None, kind == "end"


@st.composite
def deadlines(draw: st.DrawFn) -> Deadline:
    prefix = draw(st.one_of(st.none(), words))
    goal = draw(st.one_of(st.none(), comparisons(labelled=False), amounts(labelled=False)))
    # a word right after a goal with no registered unit would be read as that goal's unit
    plain = goal is None or (goal.unit is not None and goal.unit.known)
    suffix = draw(st.one_of(st.none(), words)) if plain else None
    if draw(st.booleans()):
        year, month, day, end = draw(dates())
        relation = draw(st.sampled_from(["at", "by", "before"]))
        start = None
    else:
        sy = draw(years)
        sm = draw(st.integers(1, 12))
        sd = draw(st.one_of(st.none(), st.integers(1, calendar.monthrange(sy or 2000, sm)[1])))
        start = (sy, sm, sd)
        year = draw(years) if sy is None else draw(st.integers(min_value=sy, max_value=2030))
        month = draw(st.integers(1, 12))
        kind = draw(st.sampled_from(["month", "day", "end"]))
        day = (
            draw(st.integers(1, calendar.monthrange(year or 2000, month)[1]))
            if kind == "day"
            else None
        )
        end = kind == "end"
        relation = "by"
    return Deadline(
        year=year,
        month=month,
        written_day=day,
        end_of_month=end,
        relation=relation,  # type: ignore[arg-type]
        start=start,
        goal=goal,
        prefix=prefix,
        suffix=suffix,
    )


prose = st.builds(
    lambda head, tail: head + tail,
    st.text(alphabet=WORD_CHARS, min_size=1, max_size=6),
    st.text(alphabet=WORD_CHARS + PUNCT + " ", min_size=0, max_size=20).map(str.rstrip),
)
scale_texts = st.sampled_from(GRADE_LADDERS).map("".join)


@st.composite
def qualitatives(draw: st.DrawFn) -> Qualitative:
    text = draw(st.one_of(prose, scale_texts))
    return Qualitative(text, scale_of(text), draw(st.booleans()))


targets = st.one_of(
    comparisons(), amounts(), ranges(), deadlines(), qualitatives(), st.just(Empty())
)

OUTCOME_WORDS = [
    "达成预期指标",
    "达成年度指标",
    "已完成",
    "完成",
    "全部完成",
    "按时完成",
    "基本完成",
    "基本达到",
    "部分完成",
    "部分达成",
    "未完成",
    "未达成",
    "未开展",
    "建设中",
    "正在建设",
    "是",
    "否",
    "合格",
]
outcomes = st.sampled_from(OUTCOME_WORDS).map(
    lambda w: Outcome(w, outcome_status(w))  # type: ignore[arg-type]
)


@PROPS
@given(targets)
def test_target_round_trip(node: object) -> None:
    text = node.render()  # type: ignore[attr-defined]
    assert parse_target_uncached(text) == node, text


@PROPS
@given(st.one_of(targets, outcomes))
def test_actual_round_trip(node: object) -> None:
    if isinstance(node, Qualitative):
        assume(outcome_status(node.text.rstrip("。，、：；")) is None)
    text = node.render()  # type: ignore[attr-defined]
    assert parse_actual_uncached(text) == node, text


def _total(text: str) -> None:
    for parse in (parse_target_uncached, parse_actual_uncached):
        try:
            node = parse(text)
        except TargetSyntaxError as err:
            assert 0 <= err.offset <= len(text)
            assert str(err)
        else:
            node.to_dict()
            node.render()


@PROPS
@given(st.text())
def test_any_text_parses_or_raises_target_syntax_error(text: str) -> None:
    _total(text)


LANGUAGE = [
    *"0123456789０１２３４５６７８９.,%％-~—一至 /*",
    *[
        "≥",
        "≤",
        ">",
        "<",
        "=",
        "≧",
        "﹦",
        "不低于",
        "不超过",
        "以上",
        "以内",
        "约",
        "余",
        "左右",
        "人",
        "万元",
        "万",
        "次",
        "年",
        "月",
        "日",
        "底",
        "前",
        "完成",
    ],
    *["合格率", "定性", "定量", "百分之", "九十", "$", "^", "圆", "效果", "，", "。"],
    *["两", "三", "十", "百", "千", "亿", "点", "之前", "以前", "内", "不晚于", "早于", "份"],
    *["不到", "多", "及以上", "控制在", "第", "工", "年底", "好", "坏", "优", "无", "已完成"],
]


near_language = st.lists(st.sampled_from(LANGUAGE), max_size=12).map("".join)


@PROPS
@given(near_language)
def test_near_language_text_parses_or_raises_target_syntax_error(text: str) -> None:
    _total(text)


@PROPS
@given(near_language)
def test_whatever_parses_renders_to_text_that_parses_back(text: str) -> None:
    for parse in (parse_target_uncached, parse_actual_uncached):
        try:
            node = parse(text)
        except TargetSyntaxError:
            continue
        assert parse(node.render()) == node, (text, node.render())


money = st.builds(lambda n: Decimal(n).scaleb(-2), st.integers(min_value=0, max_value=10**10))


@PROPS
@given(money)
def test_yuan_and_wan_yuan_compare_the_same(yuan: Decimal) -> None:
    wan = yuan.scaleb(-4)
    a = parse_target_uncached(f"≤{yuan}元").quantity
    b = parse_target_uncached(f"≤{wan}万元").quantity
    assert a is not None and b is not None
    assert a.compare(b) == 0
    assert b.compare(a) == 0


@PROPS
@given(money, money)
def test_compare_across_units_is_exact(yuan: Decimal, other: Decimal) -> None:
    a = parse_target_uncached(f"{yuan}元").quantity
    b = parse_target_uncached(f"{other}万元").quantity
    assert a is not None and b is not None
    expected = (yuan > other * 10000) - (yuan < other * 10000)
    assert a.compare(b) == expected


@PROPS
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["人", "次", "元", "%", ""]))
def test_chinese_numerals_and_digits_agree(n: int, unit: str) -> None:
    chinese = parse_target_uncached(f"≥{to_chinese(n)}{unit}")
    digits = parse_target_uncached(f"≥{n}{unit}")
    assert isinstance(chinese, Comparison) and isinstance(digits, Comparison)
    assert chinese.op == digits.op
    assert chinese.amount.compare(digits.amount) == 0
