"""Score a table of indicator rows: a pandas DataFrame or an Arrow table in, the same kind out.

表格评分：输入 pandas DataFrame 或 Arrow 表（每行一个指标，列同 ``indicators[]``：level1、level2、
name、target、actual、weight、score、reason），返回同类表格：原有各列加上评分结果列。

>>> import pandas as pd
>>> from jixiao.tables import score_table
>>> df = pd.DataFrame({"target": ["≥45人", "≤0起"], "actual": ["40人", "1起"], "weight": [10, 5]})
>>> out = score_table(df)
>>> out[["computed_score", "met", "finding_codes"]].to_dict("list")
{'computed_score': [Decimal('8.89'), Decimal('0.00')], 'met': [False, False], 'finding_codes': ['REASON_MISSING', 'REASON_MISSING']}

The result columns are :data:`jixiao.batch.RESULT_COLUMNS` (plus ``explanation`` when asked):
``computed_score`` (Decimal, exact; None for a row that could not be scored — the input's
``score`` column is the *claimed* score and is left as it is), ``met``, ``rule``, ``tier``,
``basis``, ``n_findings``, ``n_errors``, ``finding_codes`` (``;``-joined), ``verified``. Rows keep
their order and the DataFrame its index. Missing cells (NaN, None, NA) read as blank.

In an Arrow result the text columns (``rule``, ``tier``, ``basis``, ``finding_codes``,
``explanation``) are ``dictionary<int32, string>`` (a batch has few distinct values in them; the
values are the same strings), ``computed_score`` is ``decimal128(38, places)``, the counts
``int32`` and ``met``/``verified`` ``bool`` (:func:`jixiao.columnar.arrow_types`). In a pandas
result the text columns are plain ``object`` columns of ``str`` (or None), as before.

pandas and pyarrow are imported only when a table of theirs is passed (the ``dask`` extra brings
pandas; Arrow tables need ``pyarrow``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from jixiao.batch import RESULT_COLUMNS, collecting, score_rows
from jixiao.columnar import arrow_types, scored_batch
from jixiao.errors import ArgumentTypeError, UsageError
from jixiao.evaluate.indicators import budget_year
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = ["INPUT_COLUMNS", "score_table"]

#: The columns read from the input table (``target``, ``actual`` and ``weight`` are required).
INPUT_COLUMNS: tuple[str, ...] = (
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "weight",
    "score",
    "reason",
)
_REQUIRED = ("target", "actual", "weight")
#: Rows per batch by default: columnar (grouped in Arrow), and row by row (a dict per row).
COLUMNAR_CHUNK_ROWS = 200_000
ROW_CHUNK_ROWS = 50_000
#: The columnar path's batches after one whose rows repeat (:func:`jixiao.columnar.scored_batch`)
#: grow fourfold up to this many rows: such a batch has few groups for its rows, and each batch
#: looks its groups up again, so fewer, longer batches score a repeating table sooner (measured:
#: docs/scale.md). A batch whose rows do not repeat sets the size back to the first batch's.
REPEATED_CHUNK_ROWS = 1_000_000


def score_table(
    table: Any,
    policy: Policy | str = "central",
    *,
    explain: bool = False,
    lang: str = "zh",
    chunk_rows: int | None = None,
    year: int | None = None,
) -> Any:
    """Score every row of *table* (pandas DataFrame or pyarrow Table); return the same kind.

    The result has the input's columns followed by the result columns. Rows are read and scored
    *chunk_rows* at a time, so besides the input and the output nothing grows with the table.
    By default: 50,000 for a DataFrame scored row by row; 200,000 for the columnar path (each
    batch is grouped into equal rows, so larger batches score fewer groups), four times as many
    after a batch whose rows repeat, up to 1,000,000 (few groups for their rows).

    *year*: the budget year of the rows, as for :func:`jixiao.score_rows` (a deadline without a
    year is placed in it where a dated actual needs it).
    """
    pol = load_policy(policy)
    placed = budget_year(year)
    module = type(table).__module__
    if chunk_rows is not None and chunk_rows < 1:
        raise UsageError(
            f"chunk_rows 应为正整数，收到 {chunk_rows}",
            en=f"chunk_rows must be a positive integer, got {chunk_rows}",
        )
    if module.startswith("pyarrow"):
        return _score_arrow(table, pol, explain, lang, chunk_rows, placed)
    if module.startswith("pandas"):
        return _score_pandas(table, pol, explain, lang, chunk_rows, placed)
    raise ArgumentTypeError(
        f"score_table 需要 pandas.DataFrame 或 pyarrow.Table，收到 {type(table).__name__} "
        f"(expected a pandas DataFrame or a pyarrow Table)"
    )


def _columns(names: list[str], explain: bool) -> tuple[list[str], list[str]]:
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise UsageError(
            f"表格缺少必需的列 {', '.join(missing)} (missing required column(s): "
            f"{', '.join(missing)}; an indicator table needs target, actual and weight)"
        )
    added = [*RESULT_COLUMNS, *(["explanation"] if explain else [])]
    clash = [c for c in added if c in names]
    if clash:
        raise UsageError(
            f"表格已有同名的结果列 {', '.join(clash)} (the table already has result column(s) "
            f"{', '.join(clash)}; rename or drop them first)"
        )
    return [c for c in INPUT_COLUMNS if c in names], added


def _results(
    rows: Iterator[list[dict[str, Any]]],
    pol: Policy,
    explain: bool,
    lang: str,
    added: list[str],
    year: int | None = None,
) -> dict[str, list[Any]]:
    """The result columns, as :func:`jixiao.batch.record` gives them row by row (built column
    by column here: no record dict per row)."""
    score: list[Any] = []
    met: list[Any] = []
    rule: list[Any] = []
    tier: list[Any] = []
    basis: list[Any] = []
    n_findings: list[int] = []
    n_errors: list[int] = []
    codes: list[str] = []
    verified: list[bool] = []
    explanation: list[str] = []
    labels: dict[int, str] = {}
    for chunk in rows:
        with collecting():  # per chunk: the reader's temporaries are collected in between
            for r in score_rows(chunk, pol, year=year):
                score.append(r.score)
                met.append(r.met)
                compiled = r.rule
                if compiled is None:
                    rule.append(None)
                else:
                    label = labels.get(id(compiled))
                    if label is None:
                        label = labels[id(compiled)] = compiled.label
                    rule.append(label)
                tier.append(r.tier)
                basis.append(r.basis)
                findings = r.findings
                if findings:
                    n_findings.append(len(findings))
                    n_errors.append(sum(1 for f in findings if f.severity == "error"))
                    codes.append(";".join(f.code for f in findings))
                else:
                    n_findings.append(0)
                    n_errors.append(0)
                    codes.append("")
                verified.append(r.verified)
                if explain:
                    explanation.append(r.explanation(lang))
    out = {
        "computed_score": score,
        "met": met,
        "rule": rule,
        "tier": tier,
        "basis": basis,
        "n_findings": n_findings,
        "n_errors": n_errors,
        "finding_codes": codes,
        "verified": verified,
        "explanation": explanation,
    }
    assert list(out)[: len(RESULT_COLUMNS)] == list(RESULT_COLUMNS)
    return {c: out[c] for c in added}


# ----------------------------------------------------------------------------- pandas


def _score_pandas(
    df: Any, pol: Policy, explain: bool, lang: str, chunk_rows: int | None, year: int | None
) -> Any:
    import pandas as pd

    read, added = _columns([str(c) for c in df.columns], explain)
    arrow = _pandas_as_arrow(df, read)
    if arrow is not None:  # the columnar path, when every column converts without a doubt
        scored = _score_arrow(arrow, pol, explain, lang, chunk_rows, year)
        result = pd.DataFrame(
            {
                c: pd.Series(
                    scored.column(c).to_pylist(),
                    index=df.index,
                    dtype=_PANDAS_DTYPES.get(c, object),
                )
                for c in added
            },
            index=df.index,
        )
        return pd.concat([df, result], axis=1)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        size = chunk_rows or ROW_CHUNK_ROWS
        for start in range(0, len(df), size):
            part = df.iloc[start : start + size]
            columns = []
            for c in read:
                values = part[c].tolist()  # Python scalars (numpy ints become int)
                missing = part[c].isna()
                if missing.any():  # NaN / None / NA all read as a blank cell
                    values = [
                        None if m else v for v, m in zip(values, missing.tolist(), strict=True)
                    ]
                columns.append(values)
            yield [dict(zip(read, cells, strict=True)) for cells in zip(*columns, strict=True)]

    cols = _results(chunks(), pol, explain, lang, added, year)
    result = pd.DataFrame(
        {c: pd.Series(cols[c], index=df.index, dtype=_PANDAS_DTYPES.get(c, object)) for c in added},
        index=df.index,
    )
    return pd.concat([df, result], axis=1)


_PANDAS_DTYPES = {
    "met": "boolean",
    "n_findings": "int64",
    "n_errors": "int64",
    "verified": "bool",
}


def _pandas_as_arrow(df: Any, read: list[str]) -> Any:
    """The columns *read* of *df* as an Arrow table whose rows read exactly as the row path reads
    them (``tolist`` with NaN/None/NA as None), or None when a column could read differently
    (mixed Python objects, numbers in an object column …) or pyarrow is missing."""
    try:
        pa = importlib.import_module("pyarrow")
    except ImportError:  # pragma: no cover - the tables extra brings pyarrow
        return None
    import pandas as pd

    arrays = []
    for c in read:
        series = df[c]
        kind = series.dtype.kind
        if kind == "O" or isinstance(series.dtype, pd.StringDtype):
            if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "empty"):
                return None
        elif kind not in "iufb":
            return None
        try:
            arrays.append(pa.Array.from_pandas(series))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            return None
    return pa.Table.from_arrays(arrays, names=read)


# ----------------------------------------------------------------------------- Arrow


def _score_arrow(
    table: Any,
    pol: Policy,
    explain: bool,
    lang: str,
    chunk_rows: int | None,
    year: int | None = None,
) -> Any:
    """Columnar: each batch grouped into equal rows by Arrow, each group scored once, the result
    columns taken back to the rows (see :mod:`jixiao.columnar`); no Python object per row.
    Batches of *chunk_rows*; without it, :data:`COLUMNAR_CHUNK_ROWS`, growing after a batch
    whose rows repeat (see :data:`REPEATED_CHUNK_ROWS`)."""
    pa = importlib.import_module("pyarrow")  # an optional dependency without type stubs

    read, added = _columns(list(table.column_names), explain)
    parts: dict[str, list[Any]] = {c: [] for c in added}
    pool = pa.default_memory_pool()
    first = size = chunk_rows or COLUMNAR_CHUNK_ROWS
    longest = chunk_rows or max(first, REPEATED_CHUNK_ROWS)
    for chunk in table.select(read).to_batches():  # the table's own chunks, each sliced
        start = 0
        while start < chunk.num_rows:
            cols, repeats = scored_batch(
                chunk.slice(start, size), pol, explain=explain, lang=lang, year=year
            )
            start += size
            size = min(size * 4, longest) if repeats else first
            for c in added:
                parts[c].append(cols[c])
            del cols
            # the batch's grouping and gathering intermediates are freed: give their pages back
            # now, or the allocator keeps them and the process holds a batch's worth per batch
            pool.release_unused()
    types = arrow_types(pol)
    for c in added:
        table = table.append_column(c, pa.chunked_array(parts[c], type=types[c]))
    return table


def _score_arrow_rows(table: Any, pol: Policy, explain: bool, lang: str, chunk_rows: int) -> Any:
    """Row by row (the reference the columnar path must equal): each row a dict, scored alone."""
    pa = importlib.import_module("pyarrow")

    read, added = _columns(list(table.column_names), explain)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        for batch in table.select(read).to_batches(max_chunksize=chunk_rows):
            rows: list[dict[str, Any]] = batch.to_pylist()
            yield rows

    cols = _results(chunks(), pol, explain, lang, added)
    types = arrow_types(pol)
    for c in added:
        table = table.append_column(c, pa.array(cols[c], type=types[c]))
    return table
