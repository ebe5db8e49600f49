"""Meaning written once: score bands are one type with one ``contains``, target kinds one list,
file suffixes one list; the places that show or check them use those, not copies."""

from __future__ import annotations

from decimal import Decimal

import jixiao
from jixiao import i18n
from jixiao.forms.read import SUFFIXES
from jixiao.policy.ast import Interval
from jixiao.policy.refs import DOMAINS
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import ACTUAL_KINDS, NUMERIC_KINDS, TARGET_KINDS

D = Decimal


def test_a_band_contains_what_its_ends_say() -> None:
    half_open = Interval(D("0.6"), D("0.8"), True, False)
    assert half_open.contains(D("0.6")) and half_open.contains(D("0.79"))
    assert not half_open.contains(D("0.8")) and not half_open.contains(D("0.59"))
    open_low = Interval(None, D(60), False, False)
    assert open_low.contains(D(-1000)) and not open_low.contains(D(60))
    closed_top = Interval(D(90), None, True, True)
    assert closed_top.contains(D(90)) and closed_top.contains(D("1e9"))


def test_a_band_in_points_is_the_share_of_the_weight_rounded_by_the_policy() -> None:
    central = jixiao.load_policy("central")
    band = central.tiers["定性三档"].tier("部分达成").band
    points = band.scaled(D(7), central.quantize)
    assert (points.low, points.high) == (D("4.20"), D("5.60"))
    assert (points.low_inclusive, points.high_inclusive) == (
        band.low_inclusive,
        band.high_inclusive,
    )
    assert points.render(points=True) == "[4.20, 5.60)"
    assert points.render() == "[4.2, 5.6)"
    # an open end: the low end is 0 points, the high end the full weight
    top = Interval(D("0.8"), None, True, True).scaled(D(5), central.quantize)
    assert (top.low, top.high) == (D("4.00"), D("5.00"))


def test_an_indicator_result_gives_its_band_as_the_one_band_type() -> None:
    central = jixiao.load_policy("central")
    row = {
        "name": "群众满意度",
        "level1": "效益指标",
        "level2": "满意度指标",
        "weight": "7",
        "target": "定性 达成预期",
        "actual": "部分达成",
        "score": "5.6",
    }
    r = central.score(row)
    assert isinstance(r.band, Interval)
    assert r.band.render(points=True) == "[4.20, 5.60)"
    assert not r.band.contains(D("5.6"))
    assert any(
        f.code == "QUAL_SCORE_OUT_OF_BAND" and "[4.20, 5.60)" in f.message("en") for f in r.findings
    )
    # the grades use the same type and the same ``contains``
    assert all(isinstance(band, Interval) for _name, band in central.grades)
    assert central.grade(D(90)) == next(n for n, b in central.grades if b.contains(D(90)))


def test_target_kinds_are_the_node_classes_kinds() -> None:
    assert set(NUMERIC_KINDS) < set(TARGET_KINDS) < set(ACTUAL_KINDS)
    assert set(ACTUAL_KINDS) - set(TARGET_KINDS) == {"outcome"}
    # every kind has a label in both languages, and nothing else has
    assert set(i18n.KINDS) == set(ACTUAL_KINDS)
    # the policy language checks ``target.kind == "…"`` against the same kinds
    assert DOMAINS["target.kind"] == TARGET_KINDS
    assert DOMAINS["actual.kind"] == ACTUAL_KINDS
    # and the parser produces them
    seen = {
        parse_target(t).kind
        for t in ("≥45人", "100%", "18-54周岁", "定性 效果明显", "12月底前", "")
    }
    assert seen == set(TARGET_KINDS)
    assert parse_actual("已完成").kind in ACTUAL_KINDS


def test_the_workbench_accepts_what_jixiao_reads() -> None:
    from jixiao.web.uploads import FORM_SUFFIXES

    assert FORM_SUFFIXES == SUFFIXES
