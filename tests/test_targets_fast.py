"""The fast path for simple cells (jixiao.targets.fast) builds exactly the node Lark builds.

Shape by shape (every unit word it takes, every comparator, every deadline form), and by a
property over generated cells that are simple, almost simple, or damaged: whenever the fast path
takes a cell, its node equals the grammar's in every field, spans and Decimal digits included.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jixiao.errors import TargetSyntaxError
from jixiao.targets import lexicon as lx
from jixiao.targets._actuals import as_actual as _as_actual
from jixiao.targets._actuals import reading_of as _reading_of
from jixiao.targets._builder import parse_lark as _parse_lark
from jixiao.targets.fast import UNITS, fast_parse
from jixiao.targets.parser import parse_actual_uncached, parse_target_uncached
from jixiao.units import MAGNITUDES, known_words

PROPS = settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def deep(node: Any) -> Any:
    """Every field of a node, recursively, spans included; Decimals by their digits."""
    if attrs.has(type(node)):
        fields = attrs.fields(type(node))
        return (type(node).__name__, *((f.name, deep(getattr(node, f.name))) for f in fields))
    if isinstance(node, Decimal):
        return ("Decimal", str(node))
    if isinstance(node, tuple):
        return tuple(deep(x) for x in node)
    return node


def lark(text: str) -> Any:
    try:
        return deep(_parse_lark(text))
    except TargetSyntaxError as err:
        return ("error", err.message)


def check(text: str, *, taken: bool | None = None) -> None:
    node = fast_parse(text)
    if taken is not None:
        assert (node is not None) == taken, text
    if node is not None:
        assert deep(node) == lark(text), text
        # and through the public entry points, as a target and as an actual
        assert deep(parse_target_uncached(text)) == deep(node)
        for target in ("≥45人", "≥90%", "≤5%", "100", "12月底前"):
            tnode = _parse_lark(target)
            assert deep(parse_actual_uncached(text, tnode)) == deep(
                _as_actual(_parse_lark(text), *_reading_of(tnode))
            ), (text, target)


# ------------------------------------------------------------------------------ shape by shape

LEADS = ["", "≥", "≤", ">", "<", "=", ">=", "<=", *lx.COMPARATOR_WORDS]


def test_takes_the_common_units() -> None:
    for word in ["人", "人次", "个", "次", "户", "万元", "元", "%", "公里", "亩", "吨", "天", "起"]:
        assert word in UNITS


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_every_unit_it_takes(unit: str) -> None:
    for number in ("45", "0", "64.253", "007", "100000000000000"):
        check(number + unit, taken=True)
    check("≥1.5" + unit, taken=True)
    check("不超过3" + unit, taken=True)


@pytest.mark.parametrize("lead", LEADS)
def test_every_comparator(lead: str) -> None:
    for cell in ("45人", "90%", "64.253万元", "0起", "12"):
        check(lead + cell, taken=True)


@pytest.mark.parametrize("year", ["", "2023年", "1999年"])
@pytest.mark.parametrize("rel", ["", "前", "之前", "以前"])
@pytest.mark.parametrize("suffix", ["", "完成"])
def test_every_deadline_form(year: str, rel: str, suffix: str) -> None:
    for month in ("1", "06", "9", "10", "12"):
        for day in ("", "底", "1日", "09日", "28日", "30日", "31日"):
            text = f"{year}{month}月{day}{rel}{suffix}"
            possible = not (month in ("06", "9") and day == "31日")
            check(text, taken=possible)


# the shapes of distinct actuals the simple path left to Lark, as measured on the mostly-distinct
# benchmark (benchmarks/rows.py), and their relatives
EXTENDED_CELLS = [
    "81.23%覆盖",  # a note after the unit
    "95.12%及以上",  # a comparator suffix
    "12.34万粒",  # a magnitude and a unit
    "12.34 公里",  # one space before the unit
    "200.12余人",  # an approximation between the number and the unit
    "35.12元/人*天",  # compound units
    "35.12元/人",
    "35.12元/户",
    "12.3万",
]
APPROX_LEADS = sorted(lx.APPROX_PRE)
TRAILS = sorted([*lx.SUFFIX_WORDS, *lx.APPROX_POST])


@pytest.mark.parametrize("text", EXTENDED_CELLS)
def test_takes_the_extended_shapes(text: str) -> None:
    check(text, taken=True)


@pytest.mark.parametrize("trail", TRAILS)
def test_every_trailing_word(trail: str) -> None:
    for cell in ("45人", "90%", "64.253万元", "12", "35.12元/人", "12.34 公里", "200余人"):
        check(cell + trail, taken=True)
        for lead in ("≥", "达到", "控制在", "=", "约", "不到"):
            check(lead + cell + trail)  # taken unless the comparators contradict each other
    check("≥45人以上", taken=True)
    check("≤45人以下", taken=True)
    check("达到90%以上", taken=True)
    check("控制在5%以内", taken=True)


@pytest.mark.parametrize("lead", APPROX_LEADS)
def test_every_approximation_word(lead: str) -> None:
    for cell in ("45人", "90%", "64.253万元", "12", "200余人", "35.12元/人*天", "12.34 公里"):
        check(lead + cell, taken=True)
    for mid in lx.APPROX_MID:
        check("200" + mid + "人", taken=True)
        check("200" + mid + "万元", taken=True)
        check("200" + mid, taken=True)


@pytest.mark.parametrize(
    "unit", ["万粒", "万人", "千亩", "亿元", "万", "千", "元/人", "元/人*天", "元/人·月", "元/户"]
)
def test_magnitude_and_compound_units(unit: str) -> None:
    for number in ("45", "0.5", "12.34"):
        check(number + unit, taken=True)
        check(number + " " + unit, taken=True)
        check("≥" + number + unit + "以上", taken=True)


@pytest.mark.parametrize("glyphs", GLYPHS_TAKEN := ["≧", "⩾", "≦", "⩽", "≯", "≮", "=>", "=<", "=="])
def test_comparator_glyph_runs(glyphs: str) -> None:
    for cell in ("45人", "90%", "64.253万元", "12", "45人以上", "12.34 公里"):
        check(glyphs + cell)
    check(glyphs + "45人", taken=True)


def test_one_space_between_pieces() -> None:
    """Real targets are written with spaces around the number (≥ 90 %, ≤ 64 万元)."""
    for text in ["≥ 90 %", "≤ 64.253 万元", "= 100 %", "不少于 45人", "约 45人", "45 以上", "45人 以上",
                 "200 余人", "200余 人", "200 余 人 左右", "12.34 公里", "≧ 45 亩", "45 %覆盖"]:  # fmt: skip
        check(text, taken=True)
    for text in ["≥  90%", "45人 覆盖", "45人\u3000以上", "45 人 ", "5 月", "2023 年", "12 月底"]:
        check(text, taken=False)


@pytest.mark.parametrize("note", ["覆盖", "完成", "覆盖率", "全覆盖", "次数", "以上覆盖", "左右"])
def test_notes(note: str) -> None:
    for cell in ("100%", "45人", "12.3万", "35.12元/人", "≥90%", "约45人"):
        check(cell + note)
    check("81.23%" + note, taken=note != "以上覆盖")


@pytest.mark.parametrize(
    "text",
    [
        "合格率≥90%",  # a label
        "≥４５人",  # full-width digits (NFKC would change them)
        "95％",
        "100㎡",
        "1,000人",  # a thousands separator
        "-5人",
        "≥-5",
        "+5",
        ".5",
        "45.",
        "90%-100%",  # ranges
        "18—54周岁",
        "≥  45人",  # whitespace other than one ASCII space between two pieces
        " 45人",
        "45人 ",
        "45人  以上",
        "45人 覆盖",
        "≥\u300045人",
        "12.34  公里",
        "12.34\u3000公里",
        "12.34\t公里",
        "45元 /人",
        "45人以下 ",
        "≥45人以下",  # contradictory comparators (an error)
        "<45人以上",
        "45人以上（含）",  # brackets, inclusivity notes, remarks
        "45人（含）",
        "≥80%（抽样调查）",
        "100%覆盖。",  # notes the grammar keeps as prose or reads otherwise
        "100%全部覆盖完成",
        "45人以上覆盖",
        "5万圆",
        "45瓢以上",  # open units
        "5瓢",
        "45人次１",
        "45⼈以上",  # a character normalisation folds
        "≥≥45人",  # damaged comparators and junk
        "＞45人",  # (NFKC changes it)
        "﹦45",
        "=≥45",
        "工5%",
        "290$",
        "≥9O%",
        "5瓢",
        "2023年",  # dates that are not simple deadlines
        "2023年度",
        "2月30日前",
        "13月底前",
        "2023.12.31",
        "12月底前完成100%",
        "不晚于12月31日",
        "定性 好坏",
        "",
        "效果明显",
        "1" * 16,
    ],
)
def test_leaves_the_rest_to_lark(text: str) -> None:
    check(text, taken=False)


# ------------------------------------------------------------------------------ generated cells

ALL_UNITS = sorted(known_words()) + sorted(MAGNITUDES) + ["万人", "元/人", "羽", "TB", "月份"]
NUMBERS = st.one_of(
    st.integers(0, 10**16).map(str),
    st.decimals(0, 10**6, places=3, allow_nan=False).map(lambda d: format(d, "f")),
    st.sampled_from(["0", "00", "0.0", "1,000", "１２", "4５", ".5", "5.", "-3", "1e3", "½"]),
)
NOISE = st.sampled_from(
    ["", " ", "\u3000", "\u200b", "。", "以上", "及以上", "以内", "左右", "余", "多", "（含）",
     "覆盖", "完成", "-", "—100", "至5", "一", "前", "底", "月", "年", "日", "%", "人", "$", "O"]
)  # fmt: skip
LEAD_GEN = st.one_of(
    st.sampled_from(LEADS),
    st.sampled_from(["约", "近", "不到", "超", "合格率", "共", "工", "≧", "＞", "=>", "==", "≥ "]),
)
SIMPLEISH = st.builds(
    lambda lead, number, unit, tail: lead + number + unit + tail,
    LEAD_GEN,
    NUMBERS,
    st.one_of(st.just(""), st.sampled_from(ALL_UNITS)),
    st.one_of(st.just(""), st.just(""), NOISE),
)
SIMPLE = st.builds(
    lambda lead, number, unit: lead + number + unit,
    st.sampled_from(LEADS),
    st.one_of(
        st.integers(0, 10**9).map(str),
        st.decimals(0, 10**4, places=2, allow_nan=False).map(lambda d: format(d, "f")),
    ),
    st.one_of(st.just(""), st.sampled_from(sorted(UNITS))),
)
DEADLINEISH = st.builds(
    lambda year, month, day, rel, tail: f"{year}{month}月{day}{rel}{tail}",
    st.sampled_from(["", "2023年", "2024年", "1899年", "2023 年", "２０２３年", "23年"]),
    st.sampled_from(["1", "2", "02", "11", "12", "13", "0", "十二", "１２"]),
    st.sampled_from(["", "底", "末", "29日", "30日", "31日", "1号", "32日", "份"]),
    st.sampled_from(["", "前", "之前", "以前", "内", "以内"]),
    st.sampled_from(["", "完成", "完成100%", "全部完成", "，", "结束"]),
)


EXT_UNITS = [
    *ALL_UNITS,
    *(m + w for m in ("万", "千", "亿") for w in ("粒", "人", "元", "亩", "瓢")),
    *("元" + sep + w for sep in ("/", "／", " /", "/ ") for w in ("人", "户", "人*天", "人·月")),
]
EXT_NOTES = st.sampled_from(
    ["覆盖", "完成", "覆盖率", "全覆盖", "次数", "圆", "元", "年", "月", "日", "内容", "以上覆盖",
     "上下", "之内", "内容多", "超一", "近五", "abc", "Ab", "（含）", "(含)", "。", "，", "覆盖。",
     "覆 盖", " ", "以上 ", "１", "⼈", "ﾊ", "多", "余", "-5", "至", "~", "一"]
)  # fmt: skip
GLYPHS = [a + b for a in ["", *lx.COMPARATOR_CHARS] for b in lx.COMPARATOR_CHARS]
SEP = st.sampled_from(["", "", "", "", " ", " ", "  ", "\u3000", "\t", "\u200b"])
EXTENDEDISH = st.builds(
    lambda lead, s1, number, s2, mid, s3, unit, s4, trail: (
        lead + s1 + number + s2 + mid + s3 + unit + s4 + trail
    ),
    st.one_of(st.sampled_from(LEADS + APPROX_LEADS), LEAD_GEN, st.sampled_from(GLYPHS)),
    SEP,
    NUMBERS,
    SEP,
    st.sampled_from(["", "", "", *lx.APPROX_MID]),
    SEP,
    st.one_of(st.just(""), st.sampled_from(EXT_UNITS)),
    SEP,
    st.one_of(st.just(""), st.sampled_from(TRAILS), EXT_NOTES),
)


@PROPS
@given(st.one_of(SIMPLE, SIMPLEISH, EXTENDEDISH, DEADLINEISH, st.text(max_size=12)))
@example("81.23%覆盖")
@example("12.34 公里")
def test_fast_path_equals_lark(text: str) -> None:
    check(text)


@settings(PROPS, max_examples=800)
@given(EXTENDEDISH)
def test_extended_shapes_equal_lark(text: str) -> None:
    check(text)


# well-formed cells of the extended shapes (no damage): the fast path must take nearly all
DOWNWARD = tuple(w for w, op in lx.SUFFIX_WORDS.items() if op == "<=")
EXTENDED_SHAPES = st.builds(
    lambda lead, number, mid, space, unit, tail: lead + number + mid + space + unit + tail,
    st.sampled_from(["", "", "", "≥", "不少于", "达到", "约", "不到", "≧", "≥ "]),
    st.decimals(0, 10**4, places=2, allow_nan=False).map(lambda d: format(d, "f")),
    st.sampled_from(["", "", "", *lx.APPROX_MID]),
    st.sampled_from(["", "", "", " "]),
    st.sampled_from(["人", "%", "万元", "公里", "万粒", "万", "元/人", "元/人*天", "元/户", "亩"]),
    st.sampled_from(["", "", "覆盖", "完成", *TRAILS]),
)


@PROPS
@given(EXTENDED_SHAPES)
def test_extended_shapes_equal_lark_when_well_formed(text: str) -> None:
    check(text)


def test_extended_shapes_are_taken() -> None:
    """The extended shapes are read without Lark: nearly every well-formed cell of these shapes
    is taken (contradictory comparators aside, which Lark reports), far more than the
    simple shapes alone take, and of the noisy cells many more than before."""
    from jixiao.targets import fast

    counts = {"taken": 0, "simple": 0, "total": 0, "noisy": 0, "noisy simple": 0}

    @settings(max_examples=400, derandomize=True, deadline=None, database=None)
    @given(EXTENDED_SHAPES, EXTENDEDISH)
    def count(text: str, noisy: str) -> None:
        if text.startswith(("≥", "不少于", "≧")) and text.endswith(DOWNWARD):
            text = text.rstrip("".join(DOWNWARD))  # contradictory: an error Lark reports
        counts["total"] += 1
        counts["taken"] += fast_parse(text) is not None
        counts["simple"] += fast._QUANTITY.fullmatch(text) is not None
        counts["noisy"] += fast_parse(noisy) is not None
        counts["noisy simple"] += fast._QUANTITY.fullmatch(noisy) is not None

    count()
    assert counts["taken"] >= 0.9 * counts["total"], counts
    assert counts["taken"] >= 3 * counts["simple"], counts
    assert counts["noisy"] >= 2 * counts["noisy simple"], counts


def test_generated_cells_are_mostly_taken() -> None:
    """The property above is not vacuous: the generators hit the fast path often."""
    taken = total = 0

    @settings(max_examples=300, derandomize=True, deadline=None, database=None)
    @given(st.one_of(SIMPLEISH, DEADLINEISH))
    def count(text: str) -> None:
        nonlocal taken, total
        total += 1
        taken += fast_parse(text) is not None

    count()
    assert taken >= total // 10, (taken, total)


def by_pattern(text: str) -> Any:
    """The quantity the defining pattern (``fast._QUANTITY``) reads, or None."""
    from jixiao.targets import fast
    from jixiao.targets.ast import Amount, Comparison, Quantity

    m = fast._QUANTITY.fullmatch(text)
    if m is None:
        return None
    lead, num, word = m.groups()
    amount = Quantity(Decimal(num), fast._UNIT_OF[word] if word is not None else None)
    if lead is None:
        return deep(Amount(amount, span=(0, len(text))))
    return deep(Comparison(fast._LEADS[lead], amount, span=(0, len(text))))  # type: ignore[arg-type]


@PROPS
@given(
    st.one_of(SIMPLE, SIMPLEISH, st.text(alphabet="0123456789.≥<=>人%万元不少于次个", max_size=20))
)
@example("1" * 15 + "人")
@example("1" * 16 + "人")
@example("1" * 16)
@example("1." + "2" * 12 + "人")
@example("1." + "2" * 13 + "人")
@example("1." + "2" * 13)
@example("45.人")
@example("≥.5")
@example("≥>5")
@example(">=5%")
@example("=>5")
@example("不少于不少于5")
@example("5人人")
def test_split_reads_what_the_pattern_defines(text: str) -> None:
    """fast_parse cuts a cell at its first digit and looks the lead and the unit up; it takes
    exactly the cells the one pattern of lead, number and unit matches, as that pattern reads
    them (deadlines and the extended shapes aside)."""
    from jixiao.targets import fast

    node = fast_parse(text)
    expected = by_pattern(text)
    if expected is None:
        # the rest it takes are deadlines or the extended shapes (their own definition)
        assert node is None or node.kind == "deadline" or fast.EXTENDED.fullmatch(text), text
    else:
        assert deep(node) == expected, text


@PROPS
@given(
    st.one_of(SIMPLE, SIMPLEISH, st.text(alphabet="0123456789.人%万元公里次个约余 ", max_size=20))
)
@example("1" * 15 + "人")
@example("1" * 16 + "人")
@example("1." + "2" * 13 + "人")
@example("45.人")
@example("5人人")
@example("")
def test_plain_number_takes_what_its_pattern_defines(text: str) -> None:
    """plain_number (which the columnar plan's classes of plain numbers rest on) cuts after the
    number and looks the rest up; it takes exactly what its pattern (``fast._PLAIN``) matches,
    and fast_parse reads each such cell as a plain amount of that number and unit."""
    from jixiao.targets import fast
    from jixiao.targets.ast import Amount

    m = fast._PLAIN.fullmatch(text) if len(text) <= 40 else None
    got = fast.plain_number(text)
    assert got == (None if m is None else (m.group(1), m.group(2))), text
    if got is not None:
        node = fast_parse(text)
        assert type(node) is Amount and node.approx is None and node.reading is None
        assert node.amount.value == Decimal(got[0])
        assert node.amount.unit is (None if got[1] is None else fast.lookup_unit(got[1]))
