"""Columnar scoring of Arrow record batches: each distinct row scored once, results by index.

列式评分：一批指标行按列处理。在 Arrow 中（C 代码里）为每一行算出它所属的“相同行”组，每组只用
逐行评分器评一次，结果列再按组号取回到每一行；不为每一行构造 Python 对象。

A batch of indicator rows is mostly repetition: the same target, actual, weight, claimed score and
reason come back row after row. The plan for one batch:

1. **Group** — every column a row's result can depend on (``target``, ``actual``, ``weight``,
   ``score``, ``reason``; ``name``, ``level1``, ``level2`` when the policy's rules read them,
   :attr:`Policy.row_fields`, or when they are not text) is dictionary-encoded by Arrow, and the codes are combined into one
   group number per row, re-encoded after each column so the numbers stay small. Values are
   grouped by their exact bits (a float ``-0.0`` is not ``0.0``; distinct NaN payloads are
   distinct), so two rows share a group only if every cell the evaluator reads is the same.
2. **Score each group once** — one representative row per group goes through
   :func:`jixiao.score_rows`, the row-by-row evaluator, with its caches (so a group's result *is*
   the row evaluator's result for every row of the group).
3. **Gather** — each result column is built with one entry per group and taken back to the rows
   by group number (``Array.take``); the text columns (``rule``, ``tier``, ``basis``,
   ``finding_codes``, ``explanation``) as dictionary arrays whose indices are taken, so a row
   costs 4 bytes rather than its text.

The result columns are exactly what :func:`jixiao.batch.record` gives row by row (compared column
by column in ``tests/test_columnar.py`` on generated tables and every corpus row). Only the
per-group work is Python; per row, everything happens in Arrow's kernels.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any

from jixiao.batch import RESULT_COLUMNS, collecting, record, score_rows
from jixiao.policy.model import Policy

__all__ = [
    "KEY_COLUMNS",
    "arrow_types",
    "gather",
    "group_rows",
    "key_columns",
    "score_batch",
    "text_type",
]

#: The columns a row's result can depend on, in the order they are combined.
KEY_COLUMNS: tuple[str, ...] = (
    "target",
    "actual",
    "weight",
    "score",
    "reason",
    "name",
    "level1",
    "level2",
)


def _pa() -> Any:
    return importlib.import_module("pyarrow")  # optional, without type stubs


_LABELS = ("name", "level1", "level2")


def key_columns(policy: Policy, schema: Any) -> list[str]:
    """The columns of *schema* a row's result may depend on under *policy*: the cells, and the
    labels when the policy's rules read them (:attr:`Policy.row_fields`) or when they are not
    text (a label that is not text makes the row unreadable)."""
    pa = _pa()
    observed = set(policy.row_fields)
    out = []
    for c in KEY_COLUMNS:
        if c not in schema.names:
            continue
        if c in _LABELS and c not in observed:
            t = schema.field(c).type
            if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
                continue
        out.append(c)
    return out


def _codes(column: Any) -> tuple[Any, int]:
    """Dictionary codes (int64) of one column and the number of distinct values; nulls form a
    value of their own. Floats are compared by their bits."""
    pa = _pa()
    pc = importlib.import_module("pyarrow.compute")
    t = column.type
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type)
        t = column.type
    if pa.types.is_floating(t):
        width = {16: pa.int16(), 32: pa.int32(), 64: pa.int64()}[t.bit_width]
        column = column.view(width)
    try:
        encoded = pc.dictionary_encode(column, null_encoding="encode")
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        # a type Arrow cannot hash (lists, structs …): every row is its own value
        n = len(column)
        return pa.array(range(n), type=pa.int64()), n
    return encoded.indices.cast(pa.int64()), len(encoded.dictionary)


def group_rows(batch: Any, columns: Sequence[str]) -> tuple[Any, Any]:
    """Group numbers (an int64 Arrow array, one per row, numbered in order of first appearance)
    and each group's first row (a numpy array), for the rows of *batch* equal in *columns*."""
    pa = _pa()
    pc = importlib.import_module("pyarrow.compute")
    np = importlib.import_module("numpy")
    n = batch.num_rows
    if n == 0 or not columns:
        return pa.array([0] * n, type=pa.int64()), np.array([0][:n], dtype=np.int64)
    key, groups = _codes(batch.column(columns[0]))
    for c in columns[1:]:
        codes, _size = _codes(batch.column(c))
        # key < groups and codes < _size, so the combination is below groups * size <= n * n
        # (checked: a batch of billions of rows fails loudly rather than merging groups)
        key = pc.add_checked(pc.multiply_checked(key, groups), codes)
        encoded = pc.dictionary_encode(key)
        key, groups = encoded.indices.cast(pa.int64()), len(encoded.dictionary)
    _, first = np.unique(key.to_numpy(zero_copy_only=False), return_index=True)
    return key, first


def score_batch(
    batch: Any, policy: Policy, *, explain: bool = False, lang: str = "zh"
) -> dict[str, Any]:
    """The result columns (:data:`jixiao.batch.RESULT_COLUMNS`, and ``explanation`` with
    *explain*) of one Arrow record batch of indicator rows, as Arrow arrays."""
    keys = key_columns(policy, batch.schema)
    group, first = group_rows(batch, keys)
    reps = _representatives(batch, keys, first)
    columns = [*RESULT_COLUMNS, *(["explanation"] if explain else [])]
    per_group: dict[str, list[Any]] = {c: [] for c in columns}
    with collecting():
        for r in score_rows(reps, policy):
            rec = record(r, explain=explain, lang=lang)
            for c in columns:
                per_group[c].append(rec[c])
    types = arrow_types(policy)
    return {c: gather(per_group[c], types[c], group) for c in columns}


#: Groups whose representative rows are turned into Python dicts at a time.
_REPRESENTATIVES = 4096


def _representatives(batch: Any, keys: list[str], first: Any) -> Iterator[dict[str, Any]]:
    """Each group's first row as a dict of its *keys* cells, made a block at a time (so the
    Python objects of a batch's many groups are not all alive at once)."""
    pa = _pa()
    for start in range(0, len(first), _REPRESENTATIVES):
        picked = pa.array(first[start : start + _REPRESENTATIVES])
        values = [batch.column(c).take(picked).to_pylist() for c in keys]
        for cells in zip(*values, strict=True):
            yield dict(zip(keys, cells, strict=True))


def gather(values: list[Any], type: Any, group: Any) -> Any:
    """The column of one value per group (*values*) taken back to the rows by group number.

    A text column comes out dictionary-encoded (:func:`text_type`): its distinct values once,
    and a 4-byte index per row, taken from the groups' indices (no row's text is hashed)."""
    pa = _pa()
    if pa.types.is_dictionary(type):
        encoded = pa.array(values, type=type.value_type).dictionary_encode()
        return pa.DictionaryArray.from_arrays(encoded.indices.take(group), encoded.dictionary)
    return pa.array(values, type=type).take(group)


def text_type() -> Any:
    """The Arrow type of the text result columns (``rule``, ``tier``, ``basis``,
    ``finding_codes``, ``explanation``): ``dictionary<int32, string>``. A batch has few distinct
    values in them, so a row costs 4 bytes rather than its text (the values read as the same
    strings: ``to_pylist``, and pandas output is unchanged, see :mod:`jixiao.tables`)."""
    pa = _pa()
    return pa.dictionary(pa.int32(), pa.string())


def arrow_types(policy: Policy) -> dict[str, Any]:
    """The Arrow type of each result column (:data:`jixiao.batch.RESULT_COLUMNS` and
    ``explanation``)."""
    pa = _pa()
    text = text_type()
    return {
        "computed_score": pa.decimal128(38, policy.places),
        "met": pa.bool_(),
        "rule": text,
        "tier": text,
        "basis": text,
        "n_findings": pa.int32(),
        "n_errors": pa.int32(),
        "finding_codes": text,
        "verified": pa.bool_(),
        "explanation": text,
    }
