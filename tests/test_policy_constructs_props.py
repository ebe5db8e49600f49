"""Property tests of the policy constructs added for provinces: percent literals against ratio
quantities, ``bands`` over a quantity with ``-inf``, ``len``/``contains`` of the reason, guards."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao

POLICY = jixiao.load_policy(
    Path(__file__).parent / "fixtures" / "policies" / "ratio_and_reason.policy"
)

percents = st.integers(min_value=0, max_value=150)
reasons = st.text(alphabet="因未完成下一步将加强 ，。", max_size=40)


@settings(max_examples=60, deadline=None)
@given(actual=percents, weight=st.integers(min_value=1, max_value=30), reason=reasons)
def test_percent_bands_and_reason_rules_match_their_definition(
    actual: int, weight: int, reason: str
) -> None:
    row = {"target": "≥90%", "actual": f"{actual}%", "weight": weight, "reason": reason}
    result = POLICY.score(row)
    share = Decimal(0) if actual < 60 else Decimal("0.5") if actual < 90 else Decimal(1)
    assert result.rule is not None and result.rule.name == "满意度"
    assert result.score == (share * weight).quantize(Decimal("0.01"))
    assert result.met is (actual >= 90)
    codes = {f.code for f in result.findings}
    assert ("REASON_TOO_LONG" in codes) is (len(reason.strip()) > 20)
    assert ("REASON_NO_CAUSE" in codes) is (actual < 90 and "因" not in reason)
    assert "SCORE_OUT_OF_RANGE" not in codes


@settings(max_examples=40, deadline=None)
@given(amount=st.integers(min_value=1, max_value=50000), unit=st.sampled_from(["元", "人"]))
def test_a_money_literal_in_when_selects_only_money_targets(amount: int, unit: str) -> None:
    row = {"target": f"≥{amount}{unit}", "actual": f"{amount}{unit}", "weight": 10}
    result = POLICY.score(row)
    assert result.score == Decimal("10.00")
    expected = "大额" if unit == "元" and amount >= 10000 else "正向指标"
    assert result.rule is not None and result.rule.name == expected


@settings(max_examples=40, deadline=None)
@given(factor=st.integers(min_value=2, max_value=500))
def test_a_provable_overflow_is_warned_and_flagged(factor: int) -> None:
    text = (
        'policy "g" version "1"\nextends "central"\n'
        f'rule "反向指标" when target.op in ["<=", "<"] {{\n'
        f"  met when actual <= target\n  score = if met then weight * {factor} else 0\n}}\n"
    )
    from jixiao.policy.files import read_chain
    from jixiao.policy.loader import policy_from_chain

    chain = (*read_chain("central"), ("g.policy", text))
    policy = policy_from_chain(chain)
    assert [w.code for w in policy.warnings] == ["lint"]
    result = policy.score({"target": "≤10人", "actual": "5人", "weight": 2})
    assert result.score == Decimal(2 * factor)
    assert [f.code for f in result.findings] == ["SCORE_OUT_OF_RANGE"]
