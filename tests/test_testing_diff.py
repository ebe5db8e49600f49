"""jixiao.testing.diff_policies: the outcome diff a bureau reads when it adopts new rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from jixiao.testing.diff import Change, PolicyDiff, diff_policies

FIXTURES = Path(__file__).parent / "fixtures" / "policies"


def test_a_policy_does_not_differ_from_itself() -> None:
    d = diff_policies("central", "central", max_examples=30)
    assert isinstance(d, PolicyDiff)
    assert d.identical and d.changes == ()
    assert d.examples > 30  # the fixed grid comes on top of the generated inputs
    assert "均未改变" in d.render() and "no generated input" in d.render("en")


def test_linear_deviation_changes_only_reverse_indicators_above_their_cap() -> None:
    d = diff_policies("central", "central-linear", max_examples=30)
    assert len(d.changes) == 1
    (c,) = d.changes
    assert isinstance(c, Change)
    assert c.kind == "反向指标·超出目标" and c.kind_en == "reverse target · above the target"
    assert c.direction == "down"
    assert c.old_rule is not None and c.old_rule.startswith("反向指标 (rules/central.policy:")
    assert c.new_rule is not None and "central-linear.policy:" in c.new_rule
    assert c.old_score is not None and c.new_score is not None and c.new_score < c.old_score
    (row,) = c.example["indicators"]
    assert row["target"].startswith("≤")
    assert Decimal(row["weight"]) <= 10
    assert c.count >= 1


def test_tiered_execution_changes_budget_scores_both_ways() -> None:
    d = diff_policies("central", "jiangxi", max_examples=60)
    kinds = {(c.kind, c.direction) for c in d.changes}
    assert ("预算执行·执行率低于60%", "down") in kinds
    assert ("预算执行·执行率80%–90%", "down") in kinds
    assert all(c.kind.startswith("预算执行") for c in d.changes)
    for c in d.changes:
        assert "budgets" in c.example
        assert c.old_rule != c.new_rule


def test_a_finding_only_change_is_reported() -> None:
    d = diff_policies("central", "guangxi", max_examples=30)
    assert d.changes
    for c in d.changes:
        assert c.direction == "findings" and c.old_score == c.new_score
        assert "OVERACHIEVED" in c.old_findings and "OVERACHIEVED" not in c.new_findings
        assert "-OVERACHIEVED" in c.render()


def test_a_broken_file_against_its_base() -> None:
    d = diff_policies("central", FIXTURES / "above_weight.policy", max_examples=30)
    ups = [c for c in d.changes if c.direction == "up"]
    assert ups and all(c.new_score is not None and c.old_score is not None for c in ups)
    assert any("above_weight.policy:8" in (c.new_rule or "") for c in ups)


def test_diffs_are_deterministic_and_json_ready() -> None:
    one = diff_policies("central", "hubei", max_examples=40)
    two = diff_policies("central", "hubei", max_examples=40)
    assert one.to_dict() == two.to_dict()
    data = one.to_dict("en")
    json.dumps(data, ensure_ascii=False)
    assert data["old"]["name"] == "central" and data["new"]["name"] == "hubei"
    assert {
        "kind",
        "direction",
        "example",
        "old_score",
        "new_score",
        "old_rule",
        "new_rule",
    } <= set(data["changes"][0])
    text = one.render("zh")
    assert "原得分" in text and "新得分" in text and "部分达成" in text
    assert "old" in one.render("en")
    seeded = diff_policies("central", "hubei", max_examples=40, seed=3)
    assert seeded.seed == 3 and seeded.changes


def test_diff_compares_grades() -> None:
    # by hand: central grades 90 as 优 ([90, 100]); grade_off_by_one as 良 ([80, 90])
    fixture = Path(__file__).parent / "fixtures" / "policies" / "grade_off_by_one.policy"
    d = diff_policies("central", str(fixture), max_examples=20)
    (change,) = [c for c in d.changes if c.direction == "grade"]
    assert change.example == {"total": "90", "old": "优", "new": "良"}
    assert change.old_rule is not None and "central.policy:" in change.old_rule
    assert change.new_rule is not None and "grade_off_by_one.policy:11" in change.new_rule
    assert "等级改变" in change.describe("zh") and "graded differently" in change.describe("en")
    text = d.render("zh")
    assert "原等级" in text and "新等级" in text
    assert change.to_dict("en")["direction"] == "grade"
    same = diff_policies("central", "hubei", max_examples=5)
    assert not [c for c in same.changes if c.direction == "grade"]
