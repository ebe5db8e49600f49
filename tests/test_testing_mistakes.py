"""The mistakes province authors make, each planted in a rule file and confirmed by hand on a
concrete row, are caught by jixiao.testing at default settings; a sound regional variant is not
flagged."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import jixiao
from jixiao.testing import check_policy, vocabulary
from jixiao.testing import strategies as js
from jixiao.testing.inputs import breakpoints, policy_labels
from jixiao.testing.vocab_derive import derive
from jixiao.units import known_symbols

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "indicators.jsonl"


def _policy(name: str) -> jixiao.Policy:
    return jixiao.load_policy(str(FIXTURES / f"{name}.policy"))


def _violation(name: str, prop: str) -> jixiao.testing.Violation:
    # default settings: the number of examples a province author gets from `jixiao policy verify`
    report = check_policy(str(FIXTURES / f"{name}.policy"), only=[prop])
    v = report.violation(prop)
    assert v is not None, report.render()
    assert v.rule is not None and f"{name}.policy:" in v.rule, v.rule
    return v


def _score(policy: jixiao.Policy, **row: object) -> Decimal | None:
    return policy.score(row).score


# ----------------------------------------------------------------------------- grade edges


def test_a_grade_boundary_off_by_one() -> None:
    # by hand: 90(含)-100 is 优 (scoring-rules §9 G2); the file writes 优 (90, 100] / 良 [80, 90]
    policy, central = _policy("grade_off_by_one"), jixiao.load_policy("central")
    assert central.grade(Decimal(90)) == "优"
    assert policy.grade(Decimal(90)) == "良"
    v = _violation("grade_off_by_one", "grade_edges")
    assert v.example["total"] == "90"
    assert v.outcome["grade"] == "良" and v.outcome["expected"] == "优"
    text = v.render("zh")
    assert "90(含)以上为「优」" in text and "(90, 100]" in text
    assert "grade_off_by_one.policy:10" in text
    assert "exactly 90" in v.message("en")


# ----------------------------------------------------------------------------- rounding


def test_truncation_instead_of_half_up() -> None:
    # by hand: ≥45人 done 40人, weight 10 → 10 × 40 / 45 = 8.888… → 8.89 half-up, 8.88 truncated
    policy = _policy("truncating")
    row = {"target": "≥45人", "actual": "40人", "weight": 10}
    assert jixiao.load_policy("central").score(row).score == Decimal("8.89")
    assert policy.score(row).score == Decimal("8.88")
    v = _violation("truncating", "rounding")
    (case,) = v.example["indicators"]
    got, want = Decimal(v.outcome["results"][0]["score"]), None
    assert "截断" in v.message("zh") and "truncation" in v.message("en")
    # the reported row is itself a hand-checkable truncation: rounding half-up differs
    want = Decimal(v.message("zh").split("四舍五入应为")[1].split("，")[0])
    assert want - got == Decimal("0.01")
    assert case["weight"] and "truncating.policy:9" in (v.rule or "")


# ----------------------------------------------------------------------------- tier words


def test_a_not_done_word_in_the_top_tier() -> None:
    # by hand: 定性 效果明显 / 未按期完成 / weight 10 → the 达成 tier, default 100% → 10.00
    policy = _policy("late_in_top_tier")
    result = policy.score({"target": "定性 效果明显", "actual": "未按期完成", "weight": 10})
    assert result.tier == "达成" and result.score == Decimal("10.00")
    central = jixiao.load_policy("central")
    assert central.score(
        {"target": "定性 效果明显", "actual": "未按期完成", "weight": 10}
    ).tier == ("未达成")
    v = _violation("late_in_top_tier", "tier_words")
    (row,) = v.example["indicators"]
    assert row["actual"] == "未按期完成"
    assert v.outcome["results"][0]["tier"] == "达成"
    assert "未完成" in v.message("zh") and "not done" in v.message("en")


def test_a_late_completion_in_the_top_tier_is_caught_too() -> None:
    # by hand: 2023年6月底前 done on 8月15日 is late; with the late role on 达成 it scores 10.00
    central = jixiao.load_policy("central")
    table = central.tiers["定性三档"]
    late_on_top = attrs.evolve(table, roles={**table.roles, "late": "达成"})
    policy = attrs.evolve(central, name="late-on-top", tiers={table.name: late_on_top})
    row = {"target": "2023年6月底前", "actual": "2023年8月15日", "weight": 10}
    assert central.score(row).tier == "部分达成"
    assert policy.score(row).tier == "达成" and policy.score(row).score == Decimal("10.00")
    v = check_policy(policy, only=["tier_words"]).violation("tier_words")
    assert v is not None and "逾期" in v.message("zh") and "late" in v.message("en")
    assert v.outcome["results"][0]["tier"] == "达成"


# ----------------------------------------------------------------------------- labels


def test_a_rule_keyed_on_level2_is_reached() -> None:
    # by hand: 成本指标, ≤100万元 done 80万元, weight 10 → 10 × 100 / 80 = 12.50 > 10
    policy = _policy("cost_bonus")
    assert "成本指标" in policy_labels(policy)
    row = {"target": "≤100万元", "actual": "80万元", "weight": 10}
    assert _score(policy, **row, level2="成本指标") == Decimal("12.50")
    assert _score(policy, **row) == Decimal("10.00")  # without the level2, central's rule
    v = _violation("cost_bonus", "score_in_bounds")
    (case,) = v.example["indicators"]
    assert case["level2"] == "成本指标"
    assert Decimal(v.outcome["results"][0]["score"]) > Decimal(case["weight"])
    assert "二级指标" in v.render("zh") and "level2" in v.render("en")


def test_each_row_stays_within_its_weight_inside_a_form() -> None:
    v = _violation("cost_bonus", "row_within_weight")
    rows = v.example["form"]["indicators"]
    bad = [r for r, res in zip(rows, v.outcome["results"], strict=True) if res["rule"]]
    assert any(r.get("level2") == "成本指标" for r in bad)
    text = v.render("zh")
    assert "一级指标" in text and "二级指标" in text and "成本指标" in text


# ----------------------------------------------------------------------------- claims


def test_a_rule_that_trusts_the_claimed_score() -> None:
    # by hand: ≥10人 done 10人, weight 10, claimed 15 → the rule takes 15.00 > 10
    policy = _policy("trusts_claimed")
    assert _score(policy, target="≥10人", actual="10人", weight=10, score=15) == Decimal("15.00")
    v = _violation("trusts_claimed", "score_in_bounds")
    (case,) = v.example["indicators"]
    assert Decimal(case["score"]) > Decimal(case["weight"])
    assert "超过分值" in v.message("zh")


# ----------------------------------------------------------------------------- boundaries


def test_a_penalty_beyond_twice_the_target() -> None:
    # by hand: ≥10人: 20人 → 10.00, 21人 (2.1×) → 5.00
    policy = _policy("double_penalty")
    assert _score(policy, target="≥10人", actual="20人", weight=10) == Decimal("10.00")
    assert _score(policy, target="≥10人", actual="21人", weight=10) == Decimal("5.00")
    assert Decimal("2.02") in breakpoints(policy)
    v = _violation("double_penalty", "monotone")
    low, high = v.example["indicators"]
    assert low["target"] == high["target"]
    s_low, s_high = (Decimal(r["score"]) for r in v.outcome["results"])
    assert s_low > s_high


def test_the_strategies_probe_past_one_around_two_and_large_amounts() -> None:
    over = {Decimal(x) for x in ("1.01", "1.95", "2.05", "10", "100")}
    from jixiao.testing import seeds

    ratios = set()
    for case in seeds.numeric_seeds():
        q, t = case.actual.quantity, case.target.quantity
        if q is not None and t is not None and t.value:
            ratios.add(q.value / t.value)
    assert over <= ratios
    assert any(
        t.quantity is not None and t.quantity.value >= 100000000 for t in seeds.numeric_targets()
    )
    assert max(js.LARGE_AMOUNTS) > Decimal(100000000)


# ----------------------------------------------------------------------------- units


def test_a_km_double_conversion_is_caught_on_every_run() -> None:
    # by hand: ≥10公里 done 5公里 → 10 × min(5 × 1000 / 10, 1) = 10.00; the same row written
    # ≥10000米 / 5000米 falls to central's 正向指标 → 5.00
    policy = _policy("km_double_conversion")
    assert _score(policy, target="≥10公里", actual="5公里", weight=10) == Decimal("10.00")
    assert _score(policy, target="≥10000米", actual="5000米", weight=10) == Decimal("5.00")
    for seed in (None, 1, 2, 3):
        report = check_policy(
            str(FIXTURES / "km_double_conversion.policy"),
            only=["unit_invariance"],
            max_examples=10,
            seed=seed,
        )
        v = report.violation("unit_invariance")
        assert v is not None, seed
        cells = json.dumps(v.example, ensure_ascii=False)
        assert "公里" in cells and "米" in cells.replace("公里", "")


def test_every_registry_unit_with_a_family_is_rewritten() -> None:
    from jixiao.testing.checks.units import unit_seeds

    seen = set()
    for one, other in unit_seeds():
        for case in (one, other):
            for q in (case.target.quantity, case.actual.quantity):
                if q is not None and q.unit is not None:
                    seen.add(q.unit.symbol)
    assert set(known_symbols()) - {"倍"} <= seen


# ----------------------------------------------------------------------------- vocabulary


def test_the_vocabulary_is_derived_from_the_corpus() -> None:
    if not CORPUS.exists():
        pytest.skip("the shared corpus is not next to this checkout")
    level2, names = derive(CORPUS)
    assert level2 == vocabulary.LEVEL2
    assert names == vocabulary.NAMES
    assert "成本指标" in vocabulary.LEVEL2["产出指标"]


# ----------------------------------------------------------------------------- no false alarm


def test_a_sound_regional_variant_has_every_property() -> None:
    report = check_policy(str(FIXTURES / "sound_regional.policy"))
    assert report.ok, report.render()


def test_the_new_properties_are_deterministic_at_default_settings() -> None:
    spec = str(FIXTURES / "truncating.policy")
    only = ["rounding", "grade_edges", "tier_words"]
    assert check_policy(spec, only=only).to_dict() == check_policy(spec, only=only).to_dict()
