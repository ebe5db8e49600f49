"""Properties of reading actual cells (issue 9, hypothesis).

- appending a bracketed note or a trailing clause to a numeric actual never changes its score;
- no actual text makes a numeric row score above what a number written in it earns, unless the
  row carries a warning or an error.
"""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.evaluate import IndicatorResult, score_indicator_uncached
from jixiao.policy.loader import load_policy
from jixiao.targets.lexicon import UNIT_RE

PROPS = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CENTRAL = load_policy("central")

#: Numeric targets and the unit an actual may write (None: the actual writes no unit).
TARGETS: list[tuple[str, str | None]] = [
    ("≥45人", "人"),
    ("≥45（人）", "人"),
    ("≥90%", "%"),
    ("≥90%（含90%）", "%"),
    ("100%", "%"),
    ("≤64.253万元", "万元"),
    ("≥10场", "场"),
    ("=100%", "%"),
    ("≥200平方米", "平方米"),
    ("≥50000人次", "人次"),
    ("90%-100%", "%"),
]
#: Words of a note: no numeral, unit, comparator, approximation, date or outcome word.
NOTE_WORDS = [
    "部分学员因疫情影响未能参训",
    "抽样调查",
    "统计口径调整",
    "数据来源问卷",
    "含线上培训",
    "按照标准核实",
    "因疫情影响",
    "线上线下合计",
]
PREFIXES = ["", "实际完成", "共", "累计", "合计", "实际", "共计"]


def _row(target: str, actual: str, claimed: str | None = None) -> IndicatorResult:
    return score_indicator_uncached(
        CENTRAL,
        {"name": "指标", "target": target, "actual": actual, "weight": "10", "score": claimed},
    )


@st.composite
def numeric_actuals(draw: st.DrawFn) -> tuple[str, str]:
    target, unit = draw(st.sampled_from(TARGETS))
    value = draw(
        st.decimals(min_value=0, max_value=200000, places=draw(st.integers(0, 3)), allow_nan=False)
    )
    text = format(value, "f")
    written = draw(st.sampled_from([unit, None])) if unit is not None else None
    approx = draw(st.sampled_from(["", "约", "左右", "余"]))
    body = text + (written or "")
    if approx == "约":
        body = "约" + body
    elif approx == "左右":
        body = body + "左右"
    elif approx == "余" and written and value == value.to_integral_value():
        body = text + "余" + written
    return target, draw(st.sampled_from(PREFIXES)) + body


@st.composite
def notes(draw: st.DrawFn) -> str:
    words = draw(st.sampled_from(NOTE_WORDS))
    kind = draw(st.sampled_from(["bracket", "bracket-digits", "clause", "part-clause"]))
    if kind == "bracket":
        left, right = draw(st.sampled_from([("（", "）"), ("(", ")"), ("【", "】"), ("[", "]")]))
        return left + words + right
    if kind == "bracket-digits":
        n = draw(st.integers(1, 999))
        return f"（{words}{n}人）"
    punct = draw(st.sampled_from(["，", ",", "；", "。", " "]))
    if kind == "part-clause":
        n = draw(st.integers(1, 999))
        lead = draw(st.sampled_from(["其中", "较上年增加", "另有"]))
        return f"{punct}{lead}{n}人{words}"
    return punct + words


@PROPS
@given(numeric_actuals(), notes())
def test_a_note_never_changes_the_score(case: tuple[str, str], note: str) -> None:
    target, actual = case
    plain = _row(target, actual)
    noted = _row(target, actual + note)
    assert noted.score == plain.score, (target, actual, note, noted.findings)
    if plain.score is not None:
        codes = {f.code for f in noted.findings}
        assert "UNREADABLE_CELL" not in codes and "ACTUAL_AMBIGUOUS" not in codes


# ------------------------------------------------------------------------ no inflation by text

TEXT_PIECES = [
    "40",
    "45",
    "0.95",
    "1",
    "100",
    "3",
    "人",
    "%",
    "万元",
    "场",
    "，",
    "（",
    "）",
    "实际",
    "计划",
    "完成",
    "约",
    "以上",
    "不到",
    "余",
    "已完成",
    "满意度",
    "部分",
    "其中",
    "第",
    "年",
    "月",
    "达成预期指标",
    "-",
    "≥",
    ",",
    "0",
    "次年",
]
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _earned(target: str, text: str) -> Decimal:
    """The most any number written in *text* earns: each number alone (in the target's unit),
    with the unit written after it, and as a fraction of 100% when it lies in (0, 1]."""
    best = Decimal(0)
    for m in _NUMBER.finditer(text.replace(",", "")):
        digits = m.group()
        readings = [digits]
        unit = UNIT_RE.match(text.replace(",", ""), m.end())
        if unit is not None and unit.group():
            readings.append(digits + unit.group())
        if 0 < Decimal(digits) <= 1:
            readings.append(format(Decimal(digits).scaleb(2), "f") + "%")
        for reading in readings:
            r = _row(target, reading)
            if r.score is not None:
                best = max(best, r.score)
    return best


@PROPS
@given(
    st.sampled_from([t for t, _ in TARGETS]),
    st.lists(st.sampled_from(TEXT_PIECES), min_size=1, max_size=8).map("".join),
    st.sampled_from([None, "10", "8", "5"]),
)
def test_no_text_scores_above_its_number_without_a_finding(
    target: str, actual: str, claimed: str | None
) -> None:
    r = _row(target, actual, claimed)
    if r.score is None:
        return
    flagged = any(f.severity in ("warning", "error") for f in r.findings)
    if not flagged:
        assert r.score <= _earned(target, actual), (target, actual, claimed, r.findings)
