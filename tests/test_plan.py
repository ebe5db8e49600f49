"""The columnar plan (jixiao.evaluate.plan) gives exactly the row evaluator's results.

Every row the plan scores is compared, field by field (score, met, rule, tier, basis, every
finding with its texts and place, verified, explanations, steps, dicts, the rule's context), with
the same row scored alone by the row evaluator; on every shipped policy, over every corpus row,
generated rows of many shapes, and a property test over numeric rows near every edge.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao.decimals import jixiao_context
from jixiao.evaluate import IndicatorResult, score_indicator_uncached
from jixiao.evaluate.plan import plan_of, score_chunk
from test_batch import corpus_rows, generated_rows, snapshot

pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parent.parent
POLICIES = [*sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))]
POLICIES.append(str(ROOT / "examples" / "myprovince.policy"))


def planned(policy: jixiao.Policy, rows: list[dict[str, Any]]) -> list[IndicatorResult | None]:
    plan = plan_of(policy)
    if plan is None:  # only a policy whose rules read the labels or the reason has none
        assert policy.row_fields
        return [None] * len(rows)
    with jixiao_context():
        return score_chunk(plan, rows)


def check(policy: jixiao.Policy, rows: list[dict[str, Any]]) -> int:
    """Compare every row the plan scores with the row evaluator; the number it scored."""
    handled = 0
    for row, got in zip(rows, planned(policy, rows), strict=True):
        if got is None:
            continue
        handled += 1
        assert snapshot(got) == snapshot(score_indicator_uncached(policy, row)), row
        assert got.verified == score_indicator_uncached(policy, row).verified
    return handled


# ----------------------------------------------------------------------------- generated rows

UNITS = [("人", "人"), ("万元", "元"), ("元", "万元"), ("%", "%"), ("个", ""), ("", "个"), ("", "")]
OPS = ["≥", ">", "≤", "<", "=", "", "不少于", "不超过"]


def number(rng: random.Random) -> str:
    magnitude = rng.choice([0, 0, 1, 2, 3, 5, 8, 12])
    places = rng.choice([0, 0, 1, 2, 3, 6])
    value = Decimal(rng.randrange(0, 10 ** (magnitude + places) + 1)).scaleb(-places)
    if rng.random() < 0.08:
        value = -value
    return format(value, "f")


def numeric_rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        tu, au = rng.choice(UNITS)
        if rng.random() < 0.15:
            low, high = sorted([abs(Decimal(number(rng))), abs(Decimal(number(rng)))])
            target = f"{low}-{high}{tu}"
        else:
            target = f"{rng.choice(OPS)}{number(rng)}{tu}"
        actual = f"{number(rng)}{au}"
        weight: Any = rng.choice([5, 10, "8", "2.5", 7.0, Decimal("10.00"), 100, 0, 150, "12"])
        w = Decimal(str(weight))
        score: Any = rng.choice(
            [None, weight, w - Decimal("0.01"), w + Decimal("0.01"), "3.33", -1, w * 2, 0]
        )
        reason = rng.choice(
            ["", "无", "因天气原因延期，下一步将加强调度", "已全部完成", "受疫情影响"]
        )
        rows.append(
            {"name": "指标", "target": target, "actual": actual, "weight": weight,
             "score": score, "reason": reason}
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("name", POLICIES)
def test_generated_numeric_rows(name: str) -> None:
    policy = jixiao.load_policy(name)
    rows = numeric_rows(1500, seed=hash(name) % 1000)
    handled = check(policy, rows)
    if not policy.row_fields:
        assert handled > len(rows) // 3  # most numeric rows are scored on columns


@pytest.mark.parametrize("name", POLICIES)
def test_corpus_and_mixed_rows(name: str) -> None:
    policy = jixiao.load_policy(name)
    rows = corpus_rows() + generated_rows(1500, seed=7)
    assert check(policy, rows) > 0 or policy.row_fields


CELL = st.builds(
    lambda sign, digits, places: (
        ("-" if sign else "") + format(Decimal(digits).scaleb(-places), "f")
    ),
    st.booleans(),
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=8),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=st.sampled_from(["central", "central-linear", "guangxi", "sichuan"]),
    op=st.sampled_from(OPS),
    t=CELL,
    a=CELL,
    units=st.sampled_from(UNITS),
    weight=st.sampled_from(["10", "5", "2.5", "100", "0.01", "99.99", "1e2"]),
    delta=st.sampled_from([None, "0", "0.01", "-0.01", "0.011", "-0.011", "0.005", "1", "-1"]),
    reason=st.sampled_from(["", "无", "原因：延期；措施：加强", "圆满完成"]),
)
def test_property_numeric_rows_are_exact(
    policy: str,
    op: str,
    t: str,
    a: str,
    units: tuple[str, str],
    weight: str,
    delta: str | None,
    reason: str,
) -> None:
    pol = jixiao.load_policy(policy)
    row: dict[str, Any] = {
        "target": f"{op}{t}{units[0]}",
        "actual": f"{a}{units[1]}",
        "weight": weight,
        "score": None,
        "reason": reason,
    }
    if delta is not None:  # a claim near the computed score, within and beyond the tolerance
        alone = score_indicator_uncached(pol, row)
        base = alone.score if alone.score is not None else Decimal(weight)
        row["score"] = str(base + Decimal(delta))
    check(pol, [row])


def test_score_rows_uses_the_plan_and_keeps_order_and_places() -> None:
    policy = jixiao.load_policy("central")
    rows: list[Any] = numeric_rows(300, seed=5)
    rows.insert(7, {"target": "≥45人"})  # unreadable: no weight, no actual
    rows.insert(20, jixiao.Indicator("甲", "≥45人", "40人", Decimal(10)))
    got = list(jixiao.score_rows(iter(rows), policy, start=100))
    assert len(got) == len(rows)
    assert [(f.code, f.where) for f in got[7].findings] == [("UNREADABLE_CELL", "rows[107]")]
    for row, r in zip(rows, got, strict=True):
        if isinstance(row, dict) and "weight" in row:
            assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))
    assert got[20].name == "甲" and got[20].score == Decimal("8.89")


def test_findings_made_on_first_read_are_the_evaluators_in_any_context() -> None:
    import decimal
    import pickle

    policy = jixiao.load_policy("central")
    row = {"target": "≥45人", "actual": "60人", "weight": 10, "score": 9, "reason": ""}
    (r,) = planned(policy, [row])
    assert r is not None and r.score == Decimal("10.00")
    want = score_indicator_uncached(policy, row).findings
    assert [f.code for f in want] == ["OVERACHIEVED", "REASON_MISSING", "SCORE_MISMATCH"]
    with decimal.localcontext() as ctx:  # the caller's context does not reach the texts
        ctx.prec, ctx.rounding = 3, decimal.ROUND_DOWN
        assert r.findings == want
    assert pickle.loads(pickle.dumps(r)).findings == want


def test_score_rows_takes_the_memo_for_repeating_rows_and_the_plan_for_distinct_ones() -> None:
    """Each chunk goes through whichever path the last memo chunk says is faster; the results
    are the row evaluator's either way."""
    from jixiao.evaluate import memo_clear, memo_info

    policy = jixiao.load_policy("central")
    template = numeric_rows(40, seed=9)
    repeating = [dict(template[i % len(template)]) for i in range(6000)]
    memo_clear(policy)
    got = list(jixiao.score_rows(repeating, policy))
    # after the first chunks (plan) and a probe (memo) finds the rows repeating, the memo scores
    # the rest: almost every row is a hit
    assert memo_info(policy).hits > 4000
    for row, r in zip(repeating[:200], got[:200], strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))

    distinct = numeric_rows(6000, seed=10)
    memo_clear(policy)
    got = list(jixiao.score_rows(distinct, policy))
    # the probes find no repeats, so the plan scores most chunks: the memo sees only the probes
    # and the rows the plan hands back
    assert memo_info(policy).hits + memo_info(policy).misses < 4500
    for row, r in zip(distinct[::50], got[::50], strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))


def test_chunk_path_switches_on_the_memo_hit_share() -> None:
    from jixiao.evaluate.forms import MEMO_HIT_SHARE, PROBE_EVERY, chunk_path

    assert chunk_path(None, 0) == "plan"
    assert chunk_path(MEMO_HIT_SHARE, 0) == "memo"
    assert chunk_path(MEMO_HIT_SHARE - 0.01, 0) == "plan"
    assert chunk_path(MEMO_HIT_SHARE - 0.01, PROBE_EVERY - 1) == "plan"
    assert chunk_path(0.0, PROBE_EVERY) == "memo"
