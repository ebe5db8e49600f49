"""The columnar Arrow path (jixiao.columnar) gives, column by column, what scoring row by row gives.

Compared on every shipped policy with every corpus row, and with generated tables whose cells
repeat (so rows share groups), including blank cells, numbers as text, ints and floats (``-0.0``
and NaN), reasons, and labels that a policy reads or that are not text.
"""

from __future__ import annotations

import importlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao import grouping
from jixiao.batch import RESULT_COLUMNS
from jixiao.columnar import group_rows
from jixiao.tables import _score_arrow_rows, score_table
from test_batch import NAME_RULE_POLICY

pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "indicators.jsonl"
POLICIES = sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))
COLUMNS = ["level1", "level2", "name", "target", "actual", "weight", "score", "reason"]

PROPS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def same(table: Any, policy: Any, *, explain: bool = True, chunk_rows: int = 50_000) -> None:
    """The columnar result equals the row-by-row result, every column, every row."""
    pol = jixiao.load_policy(policy)
    got = score_table(table, pol, explain=explain, chunk_rows=chunk_rows)
    want = _score_arrow_rows(table, pol, explain, "zh", chunk_rows)
    assert got.schema == want.schema
    added = [*RESULT_COLUMNS, *(["explanation"] if explain else [])]
    for c in added:
        g, w = got.column(c).to_pylist(), want.column(c).to_pylist()
        if g != w:
            i = next(k for k, (a, b) in enumerate(zip(g, w, strict=True)) if a != b)
            row = table.slice(i, 1).to_pylist()[0]
            raise AssertionError(f"{policy}: column {c}, row {i} {row}: {g[i]!r} != {w[i]!r}")
    for c in table.column_names:  # the input's columns, as they were (NaN is not equal to NaN)
        assert repr(got.column(c).to_pylist()) == repr(table.column(c).to_pylist())


def corpus_table() -> Any:
    if not CORPUS.is_file():
        pytest.skip("the shared corpus is not beside the checkout")
    rows = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                rows.append({c: None if d.get(c) is None else str(d[c]) for c in COLUMNS})
    # twice over, so that every row has a twin in another group position
    return pa.Table.from_pylist(rows + rows[::-1])


@pytest.mark.parametrize("policy", POLICIES)
def test_every_corpus_row_on_every_policy(policy: str) -> None:
    table = corpus_table()
    same(table, policy)
    same(table, policy, explain=False, chunk_rows=97)


TARGETS = ["≥45人", "≥90%", "≤64.253万元", "≤0起", "=100%", "18—54周岁", "12月底前", "效果明显",
           "定性 好坏", "/", "", None, "工5%", "≥50个", "100", "≥ 45 人"]  # fmt: skip
ACTUALS = ["40人", "45人", "55人", "95%", "85%", "60万元", "70万元", "1起", "0起", "98%", "30周岁",
           "按期完成", "部分达成", "达成预期指标", "", None, "50", "45人次", "12月完成"]  # fmt: skip
REASONS = [None, "", "无", "因疫情影响延期，下一步将加强管理", "已全部完成", "下一步加强"]
NAMES = ["参训人数", "服务对象满意度", "验收合格率", None]


def _rows(weights: list[Any], scores: list[Any]) -> Any:
    return st.lists(
        st.fixed_dictionaries(
            {
                "name": st.sampled_from(NAMES),
                "level2": st.sampled_from(["数量指标", "成本指标", None]),
                "target": st.sampled_from(TARGETS),
                "actual": st.sampled_from(ACTUALS),
                "weight": st.sampled_from(weights),
                "score": st.sampled_from(scores),
                "reason": st.sampled_from(REASONS),
            }
        ),
        min_size=1,
        max_size=60,
    )


@PROPS
@given(
    _rows(
        ["10", "5", "7.5", None, "x", "0", "1e30"], ["10", "8", "5.6", None, "11", "-1", "8.888"]
    ),
    st.sampled_from(POLICIES),
)
def test_generated_text_tables(rows: list[dict[str, Any]], policy: str) -> None:
    same(pa.Table.from_pylist(rows), policy)
    same(pa.Table.from_pylist(rows), policy, explain=False)


@PROPS
@given(_rows([10.0, 5.0, -0.0, 0.0, 7.5, None, float("nan")], [10.0, 8.0, -0.0, 0.0, None]))
def test_generated_float_tables(rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows)
    assert table.schema.field("weight").type == pa.float64()
    same(table, "central", chunk_rows=7)


@PROPS
@given(_rows([10, 5, 0, None], [10, 8, None]))
def test_generated_int_and_dictionary_tables(rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows)
    same(table, "central")
    encoded = table.set_column(
        table.schema.get_field_index("target"), "target", table.column("target").dictionary_encode()
    )
    same(encoded, "central")


def mostly_distinct_rows(n: int, seed: int) -> list[dict[str, Any]]:
    """Rows whose actuals rarely repeat (every unit's own number, as in real returns) under
    repeating targets: most rows are their own group, and the plan flags many of them (scores
    off the claim, over- and under-achieved, equal targets missed, weights and claims out of
    bounds, reasons missing, placeholders, contradicting or incomplete)."""
    rng = random.Random(seed)
    shapes = [("≥45人", "人", 30, 70), ("≥90%", "%", 60, 100), ("≤64.253万元", "万元", 50, 80),
              ("=100%", "%", 90, 101), ("≤0起", "起", 0, 3), ("≥50个", "个", 20, 90),
              ("≥ 45 人", "人次", 40, 50), ("效果明显", "", 0, 0), ("100", "", 80, 120)]  # fmt: skip
    rows = []
    for _ in range(n):
        target, unit, lo, hi = rng.choice(shapes)
        actual = rng.choice(ACTUALS) if hi == 0 else f"{rng.uniform(lo, hi):.2f}{unit}"
        rows.append(
            {
                "name": rng.choice(NAMES),
                "target": target,
                "actual": actual,
                "weight": rng.choice(["10", "10", "5", "7.5", "0", "150", None]),
                "score": rng.choice(["10", "10", "8", "5.6", "11", "-1", "8.888", None]),
                "reason": rng.choice([*REASONS, "无", "已完成", f"原因{rng.random()}"]),
            }
        )
    return rows


@pytest.mark.parametrize("policy", POLICIES)
def test_mostly_distinct_actuals_on_every_policy(policy: str) -> None:
    table = pa.Table.from_pylist(mostly_distinct_rows(1500, seed=len(policy)))
    same(table, policy)
    same(table, policy, explain=False, chunk_rows=331)


def test_rows_left_to_the_evaluator_skip_the_memo_when_it_does_not_hold_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In small blocks, most distinct rows the plan leaves are scored without the shared
    outcomes (they would not be asked for again); the columns stay the same."""
    from jixiao import columnar
    from jixiao.evaluate import memo_clear, memo_info

    monkeypatch.setattr(columnar, "_REPRESENTATIVES", 64)
    pol = jixiao.load_policy("central")
    rows = mostly_distinct_rows(3000, seed=11)
    for k, r in enumerate(rows):  # blank weights: the plan leaves these rows, all distinct
        if k % 2:
            r["weight"], r["actual"] = None, f"{k}.5人"
    table = pa.Table.from_pylist(rows)
    memo_clear(pol)
    score_table(table, pol)
    kept = memo_info(pol).currsize
    left = sum(1 for r in rows if r["weight"] is None)
    assert 0 < kept < left / 2
    memo_clear(pol)
    same(table, "central")


def test_flagged_rows_share_their_finding_columns_by_shape() -> None:
    """A plan result whose findings are made when read has its finding columns taken from an
    earlier result of the same shape: most of them are never formatted, and the columns are
    still what the findings say (``same`` above compares every row)."""
    from jixiao.batch import record
    from jixiao.columnar import _Records
    from jixiao.evaluate.plan import plan_of, score_chunk

    pol = jixiao.load_policy("central")
    plan = plan_of(pol)
    assert plan is not None
    # full marks claimed, no reason: the common case of real returns
    rows = [
        {**r, "weight": "10", "score": "10", "reason": None} for r in mostly_distinct_rows(800, 7)
    ]
    results = [r for r in score_chunk(plan, rows) if r is not None]
    records = _Records(pol, explain=False, lang="zh")
    records.add(records.entries(results))
    shaped = [r for r in results if records._shape(r) is not None]
    assert len(shaped) > 50 and len(records.shapes) < len(shaped) / 4
    want = [record(r) for r in results]
    got = records.arrays(pa.array(range(len(results))))
    for c in RESULT_COLUMNS:
        assert got[c].to_pylist() == [w[c] for w in want], c


def test_a_policy_that_reads_the_name_groups_by_name(tmp_path: Path) -> None:
    path = tmp_path / "p.policy"
    path.write_text(NAME_RULE_POLICY, encoding="utf-8")
    rows = [
        {"name": "服务对象满意度", "target": "≥90%", "actual": "85%", "weight": "10"},
        {"name": "验收合格率", "target": "≥90%", "actual": "85%", "weight": "10"},
    ] * 3
    table = pa.Table.from_pylist(rows)
    out = score_table(table, jixiao.load_policy(str(path)))
    assert [str(s) for s in out.column("computed_score").to_pylist()] == ["0.00", "9.44"] * 3
    same(table, str(path))


def blocks_scored(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the blocks of representative rows the columnar path scores, from now on."""
    import jixiao.columnar as columnar

    sizes: list[int] = []
    real = columnar._score_block

    def spy(*args: Any) -> Any:
        sizes.append(len(args[3]))
        return real(*args)

    monkeypatch.setattr(columnar, "_score_block", spy)
    return sizes


def test_without_explanations_rows_group_by_the_class_of_their_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the same deducted row under reasons of every class: blank and null, placeholders, cause
    # and measure, cause only, contradicting, spaces around; and a cell with no class (too long
    # to keep), a group of its own (Arrow text cannot hold the other kind, invalid text)
    reasons = [None, "", "  ", "无", " 无 ", "/", "因疫情影响延期，下一步将加强管理",
               "因天气原因延期，将加快进度", "因疫情影响", "已全部完成", "已全部完成 ",
               "原因" * 200]  # fmt: skip
    rows = [
        {"target": "≥45人", "actual": "40人", "weight": "10", "score": "8", "reason": r}
        for r in reasons * 3
    ]
    table = pa.Table.from_pylist(rows)
    same(table, "central")
    same(table, "central", explain=False, chunk_rows=len(rows))
    import jixiao.columnar as columnar

    scored = blocks_scored(monkeypatch)
    columnar.cache_clear()  # `same` has just scored these rows: nothing kept from then
    score_table(table, "central", explain=False)
    classes = {jixiao.evaluate.indicators.reason_class(jixiao.load_policy("central"), r)
               for r in reasons} - {None}  # fmt: skip
    assert sum(scored) == len(classes) + 1  # one row per class, and the one without
    scored.clear()
    score_table(table, "central", explain=True)  # explanations quote the reason: every text
    assert sum(scored) == len(reasons)


def test_groups_that_repeat_are_kept_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.columnar as columnar

    scored = blocks_scored(monkeypatch)

    def count(table: Any, chunk_rows: int) -> int:
        scored.clear()
        same(table, "central", explain=False, chunk_rows=chunk_rows)
        return sum(scored)  # (the row-by-row reference in `same` scores without blocks)

    columnar.cache_clear()
    rows = [r for r in mostly_distinct_rows(40, seed=3) for _ in range(2)]  # each twice
    texts = pa.Table.from_pylist(rows * 3)  # batches of 40: 20 groups of 2 rows each
    first = count(texts, 40)
    assert 0 < first <= 40  # the first two batches; the other four take what was kept
    assert count(texts, 40) == 0  # another table with the same cells: nothing scored
    # 0.0 == -0.0 but they read differently: never kept, scored in each batch
    zeros = pa.Table.from_pylist([{**rows[0], "weight": w} for w in (0.0, -0.0)] * 2 * 3)
    assert count(zeros, 4) == 2 * 3
    # 10 and 10.0 are different cells: the float table is scored, not taken from the int one
    ints = pa.Table.from_pylist([{**rows[0], "weight": 10}] * 4)
    floats = pa.Table.from_pylist([{**rows[0], "weight": 10.0}] * 4)
    assert count(ints, 4) == 1 and count(floats, 4) == 1 and count(ints, 2) == 0
    # tables with other columns whose values line up are other groups: a reason cell 8 (not
    # text, so not classed) without a score is not a score 8 without a reason
    base = {"target": "≥45人", "actual": "40人", "weight": "10"}
    scored_8 = pa.Table.from_pylist([{**base, "score": 8}] * 4)
    reason_8 = pa.Table.from_pylist([{**base, "reason": 8}] * 4)
    assert count(scored_8, 4) == 1 and count(reason_8, 4) == 1
    # a batch in which many rows are groups of one (as where actuals are mostly distinct): its
    # groups are not kept, and a later batch scores them again
    more = mostly_distinct_rows(200, seed=4)
    columnar.cache_clear()
    assert count(pa.Table.from_pylist((more[:2] * 25 + more[8:58]) * 2), 100) == (2 + 50) * 2
    # one in which nearly all repeat (96 of 100 rows): all its groups are kept, single or not
    columnar.cache_clear()
    assert count(pa.Table.from_pylist((more[:4] * 24 + more[4:8]) * 3), 100) == 8


def test_batches_grow_while_rows_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.columnar as columnar
    import jixiao.tables as tables

    sizes: list[int] = []
    real = columnar.scored_batch

    def spy(batch: Any, *args: Any, **kwargs: Any) -> Any:
        sizes.append(batch.num_rows)
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(tables, "scored_batch", spy)
    monkeypatch.setattr(tables, "COLUMNAR_CHUNK_ROWS", 10)
    monkeypatch.setattr(tables, "REPEATED_CHUNK_ROWS", 100)
    distinct = mostly_distinct_rows(200, seed=5)
    repeating = [r for r in distinct[:5] for _ in range(2)]
    # 90 repeating rows, 20 distinct ones, 200 repeating; split by the table's own chunks too
    parts = [repeating * 9, distinct[5:25], repeating * 12, repeating * 8]
    table = pa.concat_tables([pa.Table.from_pylist(p) for p in parts])
    columnar.cache_clear()
    got = score_table(table, "central")
    want = _score_arrow_rows(table, jixiao.load_policy("central"), False, "zh", 50_000)
    for c in RESULT_COLUMNS:
        assert got.column(c).to_pylist() == want.column(c).to_pylist(), c
    # 10 rows, then four times as many while they repeat, up to 100 and each chunk's end; the
    # batch of distinct rows sets the size back to 10
    assert sizes == [10, 40, 40, 20, 10, 40, 70, 80]
    # a size given by the caller is kept
    sizes.clear()
    score_table(table, "central", chunk_rows=30)
    assert sizes == [30, 30, 30, 20, 30, 30, 30, 30, 30, 30, 20]


def test_groups_of_rows_that_repeat_are_scored_in_longer_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import jixiao.columnar as columnar

    blocks = blocks_scored(monkeypatch)
    monkeypatch.setattr(columnar, "_REPRESENTATIVES", 2)
    monkeypatch.setattr(columnar, "_REPEATED_REPRESENTATIVES", 5)
    rows = mostly_distinct_rows(7, seed=6)
    for table in (rows, [r for r in rows for _ in range(3)]):  # distinct, then each thrice
        blocks.clear()
        columnar.cache_clear()
        same(pa.Table.from_pylist(table), "central")
        assert blocks == ([2, 2, 2, 1] if table is rows else [5, 2])


def test_labels_that_are_not_text_are_part_of_the_group() -> None:
    rows = [
        {"name": ["a", "list"], "target": "≥45人", "actual": "40人", "weight": "10"},
        {"name": ["b"], "target": "≥45人", "actual": "40人", "weight": "10"},
        {"name": None, "target": "≥45人", "actual": "40人", "weight": "10"},
    ]
    same(pa.Table.from_pylist(rows), "central")


def test_groups_are_numbered_by_first_appearance() -> None:
    table = pa.Table.from_pylist(
        [{"a": "x", "b": 1.0}, {"a": "y", "b": 1.0}, {"a": "x", "b": 1.0}, {"a": "x", "b": -0.0}]
    )
    group, first = group_rows(table.to_batches()[0], ["a", "b"])
    assert group.to_pylist() == [0, 1, 0, 2] and list(first) == [0, 1, 3]


def test_rows_equal_in_no_column_pair_are_never_grouped() -> None:
    # the first column has 2 values and the second 3: combining by (key * 2 + code) would give
    # ("x", "r") and ("y", "p") the same number
    table = pa.Table.from_pylist(
        [{"a": a, "b": b} for a, b in [("x", "p"), ("x", "q"), ("x", "r"), ("y", "p"), ("x", "r")]]
    )
    group, first = group_rows(table.to_batches()[0], ["a", "b"])
    assert group.to_pylist() == [0, 1, 2, 3, 2] and list(first) == [0, 1, 2, 3]


def test_groups_past_the_combined_number_limit_are_renumbered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with a limit of 5 the numbers of the first two columns (2 and 3 values) are renumbered
    # before the third is combined; the groups are those of the rows equal in all three
    monkeypatch.setattr(grouping, "_KEY_LIMIT", 5)
    rows = [("x", "p", 1), ("x", "q", 1), ("y", "p", 2), ("x", "p", 1), ("y", "r", 1)]
    rows += [("x", "p", 2), ("y", "p", 2)]
    batch = pa.Table.from_pylist([{"a": a, "b": b, "c": c} for a, b, c in rows]).to_batches()[0]
    key, first, sizes = grouping.group_arrays([batch.column(c) for c in "abc"], batch.num_rows)
    assert key.to_pylist() == [0, 1, 2, 0, 3, 4, 2]
    assert list(first) == [0, 1, 2, 4, 5] and list(sizes) == [2, 1, 2, 1, 1]


def test_groups_numbered_out_of_order_are_still_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # a group's first row is found from the order Arrow numbers values in; were that order
    # different, the sort-based count gives the same groups
    pc = importlib.import_module("pyarrow.compute")
    renumbered = grouping._renumbered
    monkeypatch.setattr(grouping, "_renumbered", lambda key: pc.subtract(3, renumbered(key)))
    batch = pa.Table.from_pylist(
        [{"a": a, "b": b} for a, b in [("x", 1), ("y", 1), ("x", 1), ("z", 2), ("w", 1), ("y", 1)]]
    ).to_batches()[0]
    key, first, sizes = grouping.group_arrays([batch.column("a"), batch.column("b")], 6)
    assert key.to_pylist() == [3, 2, 3, 1, 0, 2]
    assert list(first) == [4, 3, 1, 0] and list(sizes) == [1, 1, 2, 2]


def test_empty_tables() -> None:
    table = pa.Table.from_pylist([{"target": "≥1人", "actual": "1人", "weight": "1"}]).slice(0, 0)
    same(table, "central")
    assert score_table(table).num_rows == 0


# ----------------------------------------------------------------------------- pandas


def same_frame(df: Any, monkeypatch: pytest.MonkeyPatch, *, columnar: bool) -> None:
    pd = pytest.importorskip("pandas")
    from jixiao import tables

    assert (tables._pandas_as_arrow(df, [c for c in df.columns]) is not None) == columnar
    got = score_table(df, "central", explain=True, chunk_rows=13)
    with monkeypatch.context() as m:
        m.setattr(tables, "_pandas_as_arrow", lambda df, read: None)  # the row path
        want = score_table(df, "central", explain=True, chunk_rows=13)
    pd.testing.assert_frame_equal(got, want)


@PROPS
@given(
    _rows(["10", "5", None, "x"], ["10", "8", None]),
    _rows([10.0, -0.0, None, float("nan")], [8.0, None]),
)
def test_pandas_frames_go_columnar_when_they_read_the_same(
    text_rows: list[dict[str, Any]], float_rows: list[dict[str, Any]]
) -> None:
    pd = pytest.importorskip("pandas")
    with pytest.MonkeyPatch.context() as mp:
        same_frame(pd.DataFrame(text_rows), mp, columnar=True)
        same_frame(pd.DataFrame(float_rows), mp, columnar=True)


def test_pandas_frames_with_mixed_cells_stay_row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "target": ["≥45人", "≥45人", "≥45人"],
            "actual": ["40人", "40人", "40人"],
            "weight": [10, "10", 10.0],  # an int, a text and a float: three different cells
        },
        dtype=object,
    )
    same_frame(df, monkeypatch, columnar=False)


def test_chunk_rows_must_be_positive() -> None:
    from jixiao.errors import UsageError

    table = pa.Table.from_pylist([{"target": "≥1人", "actual": "1人", "weight": "1"}])
    with pytest.raises(UsageError, match="chunk_rows"):
        score_table(table, chunk_rows=0)


@pytest.mark.parametrize("policy", POLICIES)
def test_tier_rows_on_every_policy(policy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Qualitative and deadline rows (claims in, out of and without their band, every class of
    reason): the columns are the row-by-row ones, and the rows whose cells name their tier are
    scored by the plan, not the row evaluator."""
    from jixiao import columnar
    from test_plan import tier_rows

    rows = [  # the number cells as text: one Arrow type per column
        {k: str(v) if k in ("weight", "score") and v is not None else v for k, v in r.items()}
        for r in tier_rows(1500, seed=len(policy))
    ]
    table = pa.Table.from_pylist(rows)
    same(table, policy)
    same(table, policy, explain=False, chunk_rows=293)
    calls: list[Any] = []
    real = columnar.score_mapping

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        calls.append(result.basis)
        return result

    monkeypatch.setattr(columnar, "score_mapping", spy)
    got = score_table(table, jixiao.load_policy(policy))
    assert calls and set(calls) <= {"echo", "claimed", "unscored", "formula"}
    tiers = got.column("basis").to_pylist()
    assert sum(b in ("words", "scale", "deadline") for b in tiers) > len(rows) // 3
