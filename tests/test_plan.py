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
from jixiao.evaluate.plan import plan_of, score_chunk, unmade_findings
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


# ----------------------------------------------------------------------------- routing per row


def spy_plan(monkeypatch: pytest.MonkeyPatch, warmup: int = 0) -> list[list[Any]]:
    """Record the rows score_rows hands to the plan, call by call (the first *warmup* rows'
    misses go to the row evaluator)."""
    import jixiao.evaluate.streams as streams

    monkeypatch.setattr(streams, "WARMUP_ROWS", warmup)
    calls: list[list[Any]] = []
    real = streams.score_chunk

    def spy(plan: Any, rows: Any, *keyed: Any, **kw: Any) -> list[IndicatorResult | None]:
        calls.append(list(rows))
        return real(plan, rows, *keyed, **kw)

    monkeypatch.setattr(streams, "score_chunk", spy)
    return calls


def memo_only(policy: jixiao.Policy, rows: list[Any], start: int = 0) -> list[IndicatorResult]:
    """Every row on its own through the shared outcomes and the row evaluator (no routing, no
    plan): what score_rows gives for each row."""
    import jixiao.evaluate.streams as streams
    from jixiao.decimals import jixiao_context
    from jixiao.evaluate import memo_clear
    from jixiao.evaluate.memo import memo_of

    memo_clear(policy)
    with jixiao_context():
        memo = memo_of(policy)
        return [streams._score_row(policy, memo, row, i) for i, row in enumerate(rows, start)]


def test_each_row_goes_to_the_memo_or_the_plan_and_a_repeat_goes_into_the_memo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jixiao.evaluate import memo_clear, memo_info, score_indicator
    from jixiao.evaluate.streams import PLAN_SIGHTINGS

    policy = jixiao.load_policy("central")
    memo_clear(policy)
    known = numeric_rows(40, seed=11)
    for row in known:  # their outcomes are in the memo now
        score_indicator(policy, row)
    fresh = numeric_rows(400, seed=12)
    again = {"name": "重复", "target": "≥45人", "actual": "47.31人", "weight": 10, "score": 10}
    assert planned(policy, [again])[0] is not None  # a row the plan scores
    # every chunk mixes rows the memo holds with new ones; `again` comes back in later chunks
    rows: list[Any] = []
    for i, row in enumerate(fresh):
        rows += [row, dict(known[i % len(known)])]
    for at in (3, 300, 301, 302, 303, 304, 700, 701):
        rows.insert(at, dict(again))
    calls = spy_plan(monkeypatch)
    hits = memo_info(policy).hits
    got = list(jixiao.score_rows(iter(rows), policy))

    assert len(got) == len(rows)
    to_plan = [id(r) for call in calls for r in call]
    assert len(calls) > 2 and len(to_plan) == len(set(to_plan))  # several chunks, each row once
    by_id = {id(r): r for r in rows}
    given = [by_id[i] for i in to_plan]
    assert not any(r in known for r in given)  # rows the memo holds never reach the plan
    assert all(r in fresh or r == again for r in given)
    # `again`: the plan the first PLAN_SIGHTINGS times, then the row evaluator (into the memo),
    # then hits
    assert 1 < PLAN_SIGHTINGS < 7
    assert sum(r == again for r in given) == PLAN_SIGHTINGS
    # each known row is a memo hit the first time it comes back, then found by its cells
    # (jixiao.evaluate.cellcache); so is `again` after it went into the memo
    assert memo_info(policy).hits - hits >= len(known) + 1
    for row, r in zip(rows, got, strict=True):  # the evaluator's results, field by field
        want = snapshot(score_indicator_uncached(policy, row))
        assert snapshot(r) == want, row
        assert snapshot(score_indicator(policy, row)) == want, row


BAD_ROWS: list[Any] = [
    "not a row",
    None,
    {"target": "≥45人"},
    {"target": "≥45人", "actual": "40人", "weight": float("nan")},
    {"target": "≥45人", "actual": "40人", "weight": "1e30"},
    {"target": "≥45人", "actual": "40人", "weight": "abc", "score": 3},
    {"target": "≥45人", "actual": "40人", "weight": 10, "score": "九"},
    {"target": "≥45人", "actual": "4" * 60 + "人", "weight": 5},
    {"target": "≥45人", "actual": ["40人"], "weight": 5},
    {"target": "≥45人", "actual": "40人", "weight": 5, "name": "\ud800"},
    jixiao.Indicator("甲", "≥45人", "40人", Decimal(10)),
]


@pytest.mark.parametrize(
    "name", ["central", "central-linear", "guangxi", str(ROOT / "examples" / "myprovince.policy")]
)
def test_routing_gives_what_the_memo_alone_gives_on_every_kind_of_row(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad rows, corpus rows, generated rows of every shape, repeats and rows the memo holds,
    mixed in every chunk: the same results (places of findings included) as scoring every row
    through the shared outcomes."""
    from jixiao.evaluate import memo_clear

    policy = jixiao.load_policy(name)
    rng = random.Random(3)
    base = corpus_rows() + generated_rows(500, seed=5) + numeric_rows(500, seed=6)
    rows = base + BAD_ROWS * 3 + base[::-1]
    rng.shuffle(rows)
    want = [snapshot(r) for r in memo_only(policy, rows, start=5)]
    memo_clear(policy)
    calls = spy_plan(monkeypatch)
    got = [snapshot(r) for r in jixiao.score_rows(rows, policy, start=5)]
    assert calls or plan_of(policy) is None
    assert len(got) == len(want)
    for row, a, b in zip(rows, got, want, strict=True):
        assert a == b, row


def test_rows_the_plan_fails_on_are_scored_by_the_evaluator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import jixiao.evaluate.streams as streams

    policy = jixiao.load_policy("central")
    rows: list[Any] = numeric_rows(200, seed=13) + BAD_ROWS
    want = [snapshot(r) for r in memo_only(policy, rows)]

    def broken(plan: Any, rows: Any) -> list[IndicatorResult | None]:
        raise RuntimeError("a bug in the plan")

    monkeypatch.setattr(streams, "score_chunk", broken)
    assert [snapshot(r) for r in jixiao.score_rows(rows, policy)] == want


def test_rows_seen_long_ago_go_to_the_plan_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows the plan scored are remembered in two bounded generations (memory stays flat):
    a row coming back after many others is new again."""
    import jixiao.evaluate.streams as streams
    from jixiao.evaluate import memo_clear

    monkeypatch.setattr(streams, "SEEN_ROWS", 8)
    policy = jixiao.load_policy("central")
    memo_clear(policy)
    sightings = streams.PLAN_SIGHTINGS
    first = {"target": "≥45人", "actual": "46.5人", "weight": 10}
    others = [{"target": "≥45人", "actual": f"{40 + i / 100}人", "weight": 10} for i in range(40)]
    rows = [first, *others] + [dict(first) for _ in range(sightings + 1)]
    calls = spy_plan(monkeypatch)
    got = list(jixiao.score_rows(rows, policy))
    given = [r for call in calls for r in call]
    # forgotten after 16 others: the plan again, as often as a new row; then the evaluator
    assert sum(r == first for r in given) == 1 + sightings
    assert len(given) == len(others) + 1 + sightings
    for row, r in zip(rows, got, strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))


def test_when_rows_repeat_a_miss_goes_to_the_evaluator_not_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At or above MEMO_HIT_SHARE of hits in a chunk, the next chunk's misses are scored into
    the memo by the row evaluator (they will most likely come back); below it, by the plan."""
    from jixiao.evaluate import memo_clear
    from jixiao.evaluate.streams import FIRST_CHUNK, MEMO_HIT_SHARE

    assert 0 < MEMO_HIT_SHARE < 0.95
    policy = jixiao.load_policy("central")
    memo_clear(policy)
    templates = numeric_rows(20, seed=21)
    fresh = numeric_rows(200, seed=22)
    rows = [dict(templates[i % len(templates)]) for i in range(4000)]
    for k, row in enumerate(fresh):  # one row in 20 is new: 95% hits once the templates are in
        rows[k * 20 + 19] = row
    calls = spy_plan(monkeypatch)
    got = list(jixiao.score_rows(rows, policy))
    given = [r for call in calls for r in call]
    # the first chunk (a cold memo, no warm-up here) goes to the plan; after it, the new rows go
    # to the evaluator
    assert given and len(calls) <= 2
    assert all(any(r is x for x in rows[: FIRST_CHUNK * 3]) for r in given)
    for row, r in zip(rows[::7], got[::7], strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))


def test_the_first_rows_warm_the_memo_and_a_repeating_stream_never_compiles_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import jixiao.evaluate.streams as streams
    from jixiao.evaluate import memo_clear

    policy = jixiao.load_policy("central")
    compiled: list[Any] = []
    real = streams.plan_of

    def spy_plan_of(pol: jixiao.Policy) -> Any:
        compiled.append(pol)
        return real(pol)

    monkeypatch.setattr(streams, "plan_of", spy_plan_of)
    calls = spy_plan(monkeypatch, warmup=streams.WARMUP_ROWS)
    assert streams.WARMUP_ROWS >= streams.FIRST_CHUNK
    # rows that repeat: the memo scores them all, the plan is never even compiled
    memo_clear(policy)
    templates = numeric_rows(30, seed=31)
    got = list(jixiao.score_rows([dict(templates[i % 30]) for i in range(5000)], policy))
    assert len(got) == 5000 and not compiled and not calls
    # distinct rows: the plan after the warm-up, never for the warm-up's rows
    memo_clear(policy)
    distinct = numeric_rows(3000, seed=32)
    got = list(jixiao.score_rows(distinct, policy))
    given = [r for call in calls for r in call]
    assert compiled and len(given) > 1000
    first = {id(r) for r in distinct[: streams.WARMUP_ROWS]}
    assert not any(id(r) in first for r in given)
    for row, r in zip(distinct[::25], got[::25], strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))


# ----------------------------------------------------------------------------- classes of plain numbers
#
# A plain number (``47.23人``) is scored with its class: the plain numbers with that unit word
# under that target, read and given their rule once, the number itself a column. A class is
# built from its first row and then used for every other number, so each test below scores one
# row to build the class and then other values through it.


def _class_of(policy: jixiao.Policy, target: str, word: str | bool) -> Any:
    """The class built for plain numbers under *target* with unit *word* (for bare numbers:
    True for those in (0, 1], False for the others)."""
    plan = plan_of(policy)
    assert plan is not None
    return plan.classes.get((target, word), "not built")


def test_plain_numbers_share_a_class_built_from_the_first_and_score_as_the_evaluator() -> None:
    policy = jixiao.load_policy("central")
    first = [{"target": "≥45人", "actual": "47.23人", "weight": 10, "score": 10}]
    assert check(policy, first) == 1
    cls = _class_of(policy, "≥45人", "人")
    assert cls is not None and policy.rules[cls.rule].name == "正向指标"
    values = ["0", "0.5", "40", "44.999", "45", "45.0", "53.99", "54", "54.01", "100000"]
    rows = [
        {"target": "≥45人", "actual": f"{v}人", "weight": w, "score": c, "reason": r}
        for v in values
        for w, c, r in [(10, 10, ""), ("8", None, "因故延期，将加强督促"), (2.5, "1.1", "")]
    ]
    assert check(policy, rows) == len(rows)  # every row by the class, as the evaluator
    assert _class_of(policy, "≥45人", "人") is cls
    # the actual's node is read when it is first asked for, and is the parser's
    got = planned(policy, rows[:1])[0]
    assert got is not None and got.actual == jixiao.parse_actual(
        "0人", jixiao.parse_target("≥45人")
    )


def test_numbers_read_otherwise_than_as_written_are_not_a_class() -> None:
    policy = jixiao.load_policy("central")
    rows = [
        # a bare number in (0, 1] under a percent target: 0.95 reads as 95%
        {"target": "≥90%", "actual": "0.95", "weight": 10},
        # a bare number under a date target may be an Excel date
        {"target": "2023年12月底前", "actual": "45260", "weight": 10},
        # a unit of another dimension
        {"target": "≥45人", "actual": "45公里", "weight": 10},
        # a negative target: which rule applies depends on the actual's value
        {"target": "≥-5%", "actual": "3%", "weight": 10},
        {"target": "≥-5%", "actual": "-6%", "weight": 10},
    ]
    check(policy, rows)
    for target, word in [
        ("≥90%", True),
        ("2023年12月底前", False),
        ("≥45人", "公里"),
        ("≥-5%", "%"),
    ]:
        assert _class_of(policy, target, word) is None, target
    # with its unit, a percent is a class; a positive target's rule does not read the actual
    check(policy, [{"target": "≥90%", "actual": "95%", "weight": 10}])
    check(policy, [{"target": "≥5%", "actual": "3%", "weight": 10}])
    assert _class_of(policy, "≥90%", "%") is not None
    assert _class_of(policy, "≥5%", "%") is not None


@pytest.mark.parametrize("reverse", [False, True])  # the class built from a fraction or not
@pytest.mark.parametrize("target", ["≥90%", "≤5%", "80%-95%", "=100%"])
def test_bare_numbers_under_a_percent_target_are_two_classes(target: str, reverse: bool) -> None:
    """Bare numbers outside (0, 1] read as a percent as written: one class, whichever comes
    first; those in (0, 1] read as a fraction (or two ways, under a bound ≤ 10%), which the
    row evaluator notes: they are left to it."""
    policy = jixiao.load_policy("central")
    values = ["0.95", "72.56", "0", "0.0", "1", "1.0", "1.000001", "0.05", "3", "100000", "95"]
    if reverse:
        values.reverse()
    plan = plan_of(policy)
    assert plan is not None
    plan.classes.clear()
    rows = [
        {"target": target, "actual": v, "weight": w, "score": c}
        for v in values
        for w, c in [(10, 10), (10, None), ("7.5", "2")]
    ]
    check(policy, rows)
    as_written = _class_of(policy, target, False)
    assert as_written is not None and as_written != "not built"
    assert _class_of(policy, target, True) is None
    got = planned(policy, rows)
    for row, result in zip(rows, got, strict=True):
        if 0 < Decimal(row["actual"]) <= 1:
            assert result is None, row
            codes = {f.code for f in score_indicator_uncached(policy, row).findings}
            assert codes & {"FRACTION_AS_PERCENT", "FRACTION_AMBIGUOUS"}, row
            continue
        assert result is not None, row  # every other bare number by the class
        assert result.actual == jixiao.parse_actual(row["actual"], jixiao.parse_target(target))


def test_rules_chosen_or_scored_by_the_actuals_value_or_text_leave_the_class(
    tmp_path: Path,
) -> None:
    (tmp_path / "t.policy").write_text(
        'policy "t" version "1"\nextends "central"\n'
        'rule "双倍" "double" before "目标空白" when target.op == "=" and actual.numeric'
        " and actual > target * 2 {\n  met when true\n  score = weight\n}\n"
        'rule "文字" "text" before "目标空白" when target.op == ">" and actual.numeric {\n'
        "  met when actual >= target\n"
        "  score = if len(actual.text) > 4 then weight else weight / 2\n}\n",
        encoding="utf-8",
    )
    policy = jixiao.load_policy(str(tmp_path / "t.policy"))
    rows = [
        {"target": t, "actual": a, "weight": 10}
        for t, a in [
            ("=10人", "25人"),
            ("=10人", "15人"),
            (">10人", "12人"),
            (">10人", "12.55人"),
            ("≥10人", "8人"),
            ("≥10人", "12人"),
        ]
    ]
    check(policy, rows)
    assert [r.rule.name for r in jixiao.score_rows(rows, policy) if r.rule] == (
        ["双倍", "正向指标", "文字", "文字", "正向指标", "正向指标"]
    )
    assert _class_of(policy, "=10人", "人") is None  # chosen by the actual's value
    assert _class_of(policy, ">10人", "人") is None  # scored by the actual's text
    cls = _class_of(policy, "≥10人", "人")
    assert cls is not None and policy.rules[cls.rule].name == "正向指标"


def test_a_class_result_pickles_with_its_actual() -> None:
    import pickle

    policy = jixiao.load_policy("central")
    rows = [{"target": "≤64.253万元", "actual": v, "weight": 10} for v in ["60万元", "70.5万元"]]
    got = planned(policy, rows)
    assert all(r is not None for r in got)
    for r, row in zip(got, rows, strict=True):
        back = pickle.loads(pickle.dumps(r))
        assert snapshot(back) == snapshot(score_indicator_uncached(policy, row))


def test_rows_without_a_weight_are_unscored_by_the_plan_as_by_the_evaluator() -> None:
    policy = jixiao.load_policy("central")
    rows = [
        {"target": t, "actual": a, "weight": w, "score": c, "name": "参训人数"}
        for t, a in [("≥45人", "47.23人"), ("≥90%", "达成"), ("/", ""), ("≥45人", "约40人")]
        for w in (None, "")
        for c in (None, 5, "5.0", -1, 120, "1e2")
    ]
    assert check(policy, rows) == len(rows)  # every one by the plan, as the evaluator
    # a cell that does not read is named by the row evaluator
    damaged = [{"target": "≥45人", "actual": "工5", "weight": None, "score": 5}]
    assert planned(policy, damaged) == [None]
    got = next(iter(jixiao.score_rows(damaged, policy)))
    assert [f.code for f in got.findings][:2] == ["UNREADABLE_CELL", "WEIGHT_MISSING"]


@pytest.mark.parametrize("name", POLICIES)
def test_rows_whose_target_does_not_read_are_unscored_by_the_plan_as_by_the_evaluator(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from jixiao.evaluate import plan as plan_module

    policy = jixiao.load_policy(name)
    # targets no other test uses (what the plan learnt of a target is kept per policy)
    targets = ["合格率290$", "^107", "工6%", "≥≥46人", "≤≤64.2万元"]
    numbers = ["47.23", "0.95", "0", "1", "45291", "120.5", "3"]
    words = ["", "人", "%", "万元"]
    claims: list[Any] = [None, 5, "5.0", "10", -1, 120, "1e2"]
    rows = [
        {"target": t, "actual": n + w, "weight": wt, "score": c, "name": "参训人数",
         "reason": "受疫情影响" if k % 2 else ""}
        for k, (t, n, w, wt, c) in enumerate(
            (t, n, w, wt, c)
            for t in targets for n in numbers for w in words for wt in (10, "2.5") for c in claims
        )
    ]  # fmt: skip
    calls: list[str] = []
    evaluate = plan_module.evaluate

    def counted(policy: jixiao.Policy, ind: Any, exact: bool = False) -> Any:
        calls.append(ind.target)
        return evaluate(policy, ind, exact)

    monkeypatch.setattr(plan_module, "evaluate", counted)
    got = planned(policy, rows)
    if plan_of(policy) is None:
        return
    assert all(r is not None for r in got)
    # the row evaluator ran once for each target, unit word, weight and claim, not each row
    assert len(calls) == len(targets) * len(words) * 2 * len(claims) < len(rows)
    for r, row in zip(got, rows, strict=True):
        assert r is not None
        want = score_indicator_uncached(policy, row)
        assert snapshot(r) == snapshot(want), row
        assert r.findings[0].code == "UNREADABLE_CELL" and not r.verified
        assert snapshot(pickle.loads(pickle.dumps(r))) == snapshot(want)


def test_rows_without_a_weight_read_their_plain_numbers_only_when_asked() -> None:
    import pickle

    from jixiao.targets import cache_clear, cache_info

    policy = jixiao.load_policy("central")
    # targets no other test uses: the plan (and what it learnt of them) is kept per policy
    cells = [("≥41人", "47.23人"), ("≥41人", "40"), ("≥91%", "95.5%"), ("≥91%", "0.95")]
    cells += [("≥91%", "95"), ("≤64.251万元", "60.1万元"), ("2023年11月底前", "45291")]
    rows = [{"target": t, "actual": a, "weight": None, "score": 5} for t, a in cells]
    cache_clear()
    got = planned(policy, rows)
    assert all(r is not None for r in got)
    # the plain numbers were not parsed (the first of each target and unit word was, to check
    # it reads; a bare number under a date target is a pair: it may be an Excel date)
    assert cache_info()["actual"].misses == 6
    for r, row in zip(got, rows, strict=True):
        assert r is not None
        want = snapshot(score_indicator_uncached(policy, row))
        assert snapshot(r) == want
        assert snapshot(pickle.loads(pickle.dumps(r))) == want


def test_score_rows_hands_the_caller_its_own_context_at_every_row() -> None:
    import decimal

    rows = [{"target": "≥45.123人", "actual": f"{v}人", "weight": 10} for v in ("40.5", "44.9")]
    rows = rows * 40
    expected = [r.score for r in jixiao.score_rows(rows)]
    with decimal.localcontext() as caller:
        caller.prec = 3
        caller.rounding = decimal.ROUND_DOWN
        got = []
        for r in jixiao.score_rows(rows):
            assert decimal.getcontext() is caller
            got.append(r.score)
    assert got == expected and expected[0] == Decimal("8.98")


def test_a_plan_result_read_later_in_a_callers_context_is_the_evaluators() -> None:
    import decimal

    policy = jixiao.load_policy("central")
    rows = [
        {"target": "≥64.253万元", "actual": f"{v}万元", "weight": 10} for v in ("61.8234", "70")
    ]
    got = planned(policy, rows)
    with decimal.localcontext() as caller:
        caller.prec = 3  # the caller reads the results in its own context
        for r, row in zip(got, rows, strict=True):
            assert r is not None
            want = score_indicator_uncached(policy, row)
            assert r.ctx is not None and want.ctx is not None
            assert (
                (r.ctx.aq, r.ctx.tq)
                == (want.ctx.aq, want.ctx.tq)
                == (r.ctx.aq, Decimal("642530.000"))
            )
            assert snapshot(r) == snapshot(want)


def test_unmade_findings_say_what_a_flagged_rows_findings_come_from_until_made() -> None:

    policy = jixiao.load_policy("central")
    row = {"target": "≥45人", "actual": "40人", "weight": 10, "score": 10, "reason": ""}
    got = planned(policy, [row])[0]
    assert got is not None
    unmade = unmade_findings(got)
    assert unmade is not None
    pol, rule, weight, claimed, flags, severity, text = unmade
    assert (pol, rule.name, weight, claimed) == (policy, "正向指标", Decimal(10), Decimal(10))
    assert flags[3] is True and severity == "error" and text == ""  # SCORE_MISMATCH; no reason
    assert [f.code for f in got.findings] == ["REASON_MISSING", "SCORE_MISMATCH"]
    assert unmade_findings(got) is None  # made now
    assert unmade_findings(score_indicator_uncached(policy, row)) is None  # not the plan's


# ----------------------------------------------------------------------------- tier rows

TIER_TARGETS = ["定性 效果明显", "优、良、中、差", "满意/基本满意/不满意", "≥45人", "≥90%"]
TIER_TARGETS += ["2023年12月底前完成", "12月底之前完成", "有效提升", "按时完成"]
TIER_ACTUALS = ["已完成", "达成年度指标", "部分完成", "基本完成", "未完成", "否", "良", "差"]
TIER_ACTUALS += ["评定为优", "基本满意", "2023年11月完成", "2024年3月完成", "12月完成"]
TIER_ACTUALS += ["有效提升", "效果一般", "40人"]
TIER_WEIGHTS: list[Any] = [10, "8", "2.5", Decimal("7"), 0, 150, 5.0]
TIER_CLAIMS: list[Any] = [None, "full", "7.5", "5.6", "2", 0, "-1", "200", "7.005", 8.89]
TIER_REASONS: list[Any] = ["", "无", "因天气原因导致延期，下一步将加强管理", "已全部完成", None]


def tier_rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        weight = rng.choice(TIER_WEIGHTS)
        claim = rng.choice(TIER_CLAIMS)
        rows.append(
            {"name": "指标", "target": rng.choice(TIER_TARGETS),
             "actual": rng.choice(TIER_ACTUALS), "weight": weight,
             "score": weight if claim == "full" else claim,
             "reason": rng.choice(TIER_REASONS)}
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("name", POLICIES)
def test_tier_rows_whose_cells_name_the_tier_are_scored_by_the_plan_as_by_the_evaluator(
    name: str,
) -> None:
    """Qualitative and deadline rows whose words, status, grade scale or date name their tier
    are scored on the plan (claims in, below, above the band or missing; weights out of
    bounds; reasons of every class), field by field as the evaluator scores them; the rows
    whose tier the cells do not name (an echo, a tier read from the claim, none) are not."""
    policy = jixiao.load_policy(name)
    rows = tier_rows(1200, seed=11)
    check(policy, rows)
    if policy.row_fields:
        return
    got = planned(policy, rows)
    bases = {r.basis for r in got if r is not None}
    assert {"words", "scale", "deadline"} <= bases
    tiered = [r for r in got if r is not None and r.tier is not None]
    assert len(tiered) > len(rows) // 3
    assert not {r.basis for r in got if r is not None} & {"echo", "claimed"}
    codes = {f.code for r in tiered for f in r.findings}
    assert {"ACTUAL_NOT_NUMERIC", "QUAL_SCORE_ESTIMATED", "QUAL_SCORE_OUT_OF_BAND"} <= codes
    assert {
        "SCORE_MISMATCH",
        "SCORE_ABOVE_WEIGHT",
        "SCORE_NEGATIVE",
        "WEIGHT_OUT_OF_RANGE",
    } <= codes
    assert {"REASON_MISSING", "REASON_PLACEHOLDER", "REASON_CONTRADICTS"} <= codes
    left = [row for row, r in zip(rows, got, strict=True) if r is None]
    left_bases = {score_indicator_uncached(policy, row).basis for row in left}
    assert {"echo", "claimed"} <= left_bases


def test_a_tier_rows_findings_are_made_when_read_in_any_context() -> None:
    import decimal

    policy = jixiao.load_policy("central")
    row = {"target": "≥45人", "actual": "部分完成", "weight": "10", "score": "9.5",
           "reason": "无"}  # fmt: skip
    got = planned(policy, [row])[0]
    assert got is not None and got.tier == "部分达成" and got.basis == "words"
    assert unmade_findings(got) is not None  # nothing formatted yet
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        findings = got.findings
    want = score_indicator_uncached(policy, row)
    assert findings == want.findings and got.score == want.score == Decimal("7.00")
    assert [f.code for f in findings] == [
        "ACTUAL_NOT_NUMERIC", "QUAL_SCORE_OUT_OF_BAND", "REASON_PLACEHOLDER", "SCORE_MISMATCH"
    ]  # fmt: skip
    assert snapshot(got) == snapshot(want)


def test_tier_claims_are_checked_against_the_score_with_the_policys_tolerance(
    tmp_path: Path,
) -> None:
    """Under a policy with no tolerance, a claim inside its tier's band that rounds to another
    score (``7.005`` → ``7.01``) is a ``SCORE_MISMATCH`` on the plan as in the evaluator; a
    policy that asks a reason for every tier row gets it on every row."""
    path = tmp_path / "strict.policy"
    path.write_text(
        'policy "strict" version "1"\nextends "central"\ntolerance 0\n'
        'amend rule "定性指标" {\n  reason required\n}\n',
        encoding="utf-8",
    )
    policy = jixiao.load_policy(str(path))
    rows = [
        {"target": "定性 效果明显", "actual": a, "weight": 10, "score": c, "reason": r}
        for a in ("部分完成", "已完成")
        for c in ("7.005", "7.00", "10", None)
        for r in ("", "因天气原因导致延期，下一步将加强管理")
    ]
    got = planned(policy, rows)
    assert all(r is not None for r in got)
    check(policy, rows)
    codes = [[f.code for f in r.findings] for r in got if r is not None]
    assert codes[0] == ["REASON_MISSING", "SCORE_MISMATCH"]  # 部分完成, 7.005, no reason
    assert codes[3] == []  # 部分完成, 7.00 with a reason
    blank = [c for c, row in zip(codes, rows, strict=True) if not row["reason"]]
    assert blank and all("REASON_MISSING" in c for c in blank)


def test_score_rows_leaves_tier_rows_to_the_memo_where_they_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stream's tier rows repeat (a few words, a few claims): the plan's routing leaves them
    to the row evaluator and the shared outcomes, where a repeat is a hit, and the results are
    still the evaluator's."""
    from jixiao.evaluate import memo_clear, memo_info, streams

    policy = jixiao.load_policy("central")
    memo_clear(policy)
    monkeypatch.setattr(streams, "WARMUP_ROWS", 0)
    rows = tier_rows(600, seed=5)
    got = list(jixiao.score_rows(rows, policy))
    assert [snapshot(r) for r in got] == [
        snapshot(score_indicator_uncached(policy, row)) for row in rows
    ]
    assert not any(type(r).__name__ == "_TierResult" for r in got)
    assert memo_info(policy).currsize > 0
    plan = plan_of(policy)
    assert plan is not None
    with jixiao_context():
        assert any(r is not None and r.tier for r in score_chunk(plan, rows))
        assert not any(r is not None and r.tier for r in score_chunk(plan, rows, tiers=False))
