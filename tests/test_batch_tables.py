"""The table adapter: pandas DataFrames and Arrow tables of indicator rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import jixiao
from jixiao.batch import RESULT_COLUMNS, record, score_rows
from jixiao.tables import score_table

pd = pytest.importorskip("pandas")

ROWS: list[dict[str, Any]] = [
    {"name": "参训人数", "target": "≥45人", "actual": "40人", "weight": 10, "score": 8},
    {"name": "安全事故", "target": "≤0起", "actual": "1起", "weight": 5, "score": None},
    {"name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10, "score": 10},
    {"name": "空白", "target": None, "actual": "x", "weight": None, "score": 1},
    {"name": "定性", "target": "效果明显", "actual": "部分达成", "weight": 7, "score": 5.6},
    {"name": "损坏", "target": "工5%", "actual": "95%", "weight": 3, "score": 3},
]


def expected(explain: bool = False) -> list[dict[str, Any]]:
    return [record(r, explain=explain) for r in score_rows(ROWS, "central")]


def test_a_dataframe_gets_the_result_columns() -> None:
    df = pd.DataFrame(ROWS, index=[f"r{i}" for i in range(len(ROWS))])
    out = score_table(df, "central", explain=True)
    assert list(out.columns) == [*df.columns, *RESULT_COLUMNS, "explanation"]
    assert list(out.index) == list(df.index)
    pd.testing.assert_frame_equal(out[list(df.columns)], df)
    got = out[[*RESULT_COLUMNS, "explanation"]].astype(object).to_dict("records")
    want = expected(explain=True)
    for g, w in zip(got, want, strict=True):
        assert {k: (None if v is pd.NA else v) for k, v in g.items()} == w
    assert out["computed_score"].iloc[0] == Decimal("8.89")
    assert str(out["met"].dtype) == "boolean" and out["n_findings"].dtype == "int64"


def test_missing_cells_read_as_blank_and_chunks_do_not_matter() -> None:
    df = pd.DataFrame(ROWS)  # the None weight/score become NaN in float columns
    assert df["weight"].dtype == "float64"
    whole = score_table(df)
    for size in (1, 2, 5):
        pd.testing.assert_frame_equal(score_table(df, chunk_rows=size), whole)
    assert "WEIGHT_MISSING" in whole["finding_codes"].iloc[3]
    assert whole["computed_score"].iloc[3] is None


def test_table_errors_are_explained() -> None:
    with pytest.raises(ValueError, match="缺少必需的列 weight"):
        score_table(pd.DataFrame({"target": ["≥1人"], "actual": ["1人"]}))
    with pytest.raises(ValueError, match="computed_score"):
        score_table(pd.DataFrame({**{k: [v] for k, v in ROWS[0].items()}, "computed_score": [1]}))
    with pytest.raises(TypeError, match=r"pandas\.DataFrame"):
        score_table(ROWS)


def test_an_empty_frame_gives_an_empty_result_with_the_columns() -> None:
    empty = pd.DataFrame({"target": [], "actual": [], "weight": []})
    out = score_table(empty, jixiao.load_policy("central"))
    assert len(out) == 0 and list(out.columns)[3:] == list(RESULT_COLUMNS)


def test_an_arrow_table_gives_an_arrow_table() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist(ROWS)
    out = score_table(table, explain=True)
    assert isinstance(out, pa.Table)
    assert out.column_names == [*table.column_names, *RESULT_COLUMNS, "explanation"]
    assert out.schema.field("computed_score").type == pa.decimal128(38, 2)
    got = out.select([*RESULT_COLUMNS, "explanation"]).to_pylist()
    assert got == expected(explain=True)


def test_arrow_text_columns_are_dictionary_encoded_and_pandas_text_columns_stay_str() -> None:
    """The Arrow result keeps a text column's few distinct values once (4 bytes a row); the
    pandas result is unchanged: object columns of str (or None)."""
    pa = pytest.importorskip("pyarrow")
    rows = ROWS * 5000  # 30,000 rows, six distinct
    out = score_table(pa.Table.from_pylist(rows), explain=True, chunk_rows=7000)
    text = pa.dictionary(pa.int32(), pa.string())
    for c in ("rule", "tier", "basis", "finding_codes", "explanation"):
        col = out.column(c)
        assert col.type == text
        assert col.to_pylist() == [record(r, explain=True)[c] for r in score_rows(rows)]
        # per chunk: its distinct values once, and 4 bytes of index (and a null bit) a row
        dictionaries = sum(chunk.dictionary.nbytes for chunk in col.chunks)
        assert col.nbytes - dictionaries <= 4 * len(rows) + len(rows) // 8 + 64 * col.num_chunks
        assert all(len(chunk.dictionary) <= len(ROWS) for chunk in col.chunks)
    frame = score_table(pd.DataFrame(rows))
    for c in ("rule", "tier", "basis", "finding_codes"):
        assert frame[c].dtype == object
        assert {type(v) for v in frame[c]} <= {str, type(None)}
        assert frame[c].tolist() == out.column(c).to_pylist()
