"""Grouping the rows of an Arrow record batch: which rows the columnar path scores once.

Arrow 批内分组：按结果可能依赖的各列（不写说明时偏差原因按其文字的类别）把相同的行归为一组，组号
在 Arrow 的 C 代码里算出，每组只评一次（见 :mod:`jixiao.columnar`）。

:func:`key_columns` names the columns a row's result may depend on under a policy,
:func:`reason_classes` turns a reason column into the classes of its texts, and
:func:`group_rows` / :func:`group_arrays` number the rows equal in all of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from jixiao.evaluate.indicators import reason_class
from jixiao.policy.model import Policy

__all__ = [
    "KEY_COLUMNS",
    "arrow",
    "clear_reasons",
    "group_arrays",
    "group_rows",
    "key_columns",
    "known_reasons",
    "pool",
    "reason_classes",
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


def arrow() -> Any:
    """pyarrow (imported when first needed: an optional dependency without type stubs)."""
    return importlib.import_module("pyarrow")


def pool() -> Any:
    """The Arrow memory pool of the columnar path's arrays: the system allocator's.

    Grouping a batch hashes its columns and makes a few arrays as long as the batch, all freed
    at once; Arrow's default pool (mimalloc) keeps the pages so freed, and on a batch of 100,000
    mostly distinct rows held about 30 MB more at the peak than the system allocator, which
    gives large blocks back when they are freed (measured: docs/scale.md)."""
    return arrow().system_memory_pool()


_LABELS = ("name", "level1", "level2")


def key_columns(policy: Policy, schema: Any) -> list[str]:
    """The columns of *schema* a row's result may depend on under *policy*: the cells, and the
    labels when the policy's rules read them (:attr:`Policy.row_fields`) or when they are not
    text (a label that is not text makes the row unreadable)."""
    pa = arrow()
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
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    mem = pool()
    t = column.type
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type, memory_pool=mem)
        t = column.type
    if pa.types.is_floating(t):
        width = {16: pa.int16(), 32: pa.int32(), 64: pa.int64()}[t.bit_width]
        column = column.view(width)
    try:
        encoded = pc.dictionary_encode(column, null_encoding="encode", memory_pool=mem)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        # a type Arrow cannot hash (lists, structs …): every row is its own value
        n = len(column)
        return pa.array(range(n), type=pa.int64(), memory_pool=mem), n
    return encoded.indices.cast(pa.int64(), memory_pool=mem), len(encoded.dictionary)


def group_rows(batch: Any, columns: Sequence[str]) -> tuple[Any, Any]:
    """Group numbers (an int64 Arrow array, one per row, numbered in order of first appearance)
    and each group's first row (a numpy array), for the rows of *batch* equal in *columns*."""
    key, first, _sizes = group_arrays([batch.column(c) for c in columns], batch.num_rows)
    return key, first


def group_arrays(arrays: Sequence[Any], n: int) -> tuple[Any, Any, Any]:
    """:func:`group_rows` of the rows equal in every one of *arrays* (each *n* long), and the
    number of rows in each group (a numpy array)."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    np = importlib.import_module("numpy")
    mem = pool()
    if n == 0 or not arrays:
        none = np.array([0][:n], dtype=np.int64)
        return pa.array([0] * n, type=pa.int64()), none, none + n
    key, _groups = _codes(arrays[0])
    for column in arrays[1:]:
        codes, size = _codes(column)
        # key < groups <= n and codes < size <= n: key * size + codes is one number per (key,
        # codes) pair, below n * n (checked: a batch of billions of rows fails loudly rather
        # than merging groups); re-encoded so that the numbers stay below n
        combined = pc.multiply_checked(key, size, memory_pool=mem)
        combined = pc.add_checked(combined, codes, memory_pool=mem)
        encoded = pc.dictionary_encode(combined, memory_pool=mem)
        key = encoded.indices.cast(pa.int64(), memory_pool=mem)
    _, first, sizes = np.unique(
        key.to_numpy(zero_copy_only=False), return_index=True, return_counts=True
    )
    return key, first, sizes


def reason_classes(policy: Policy, column: Any) -> Any:
    """The reason column of a batch as class numbers (int64, one per row): rows whose reason
    cells have the same :func:`~jixiao.evaluate.indicators.reason_class` get the same number;
    a cell with no class (not text, too long, invalid) a number of its own. None when the column
    is not text (then its values are grouped as they are)."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    np = importlib.import_module("numpy")
    mem = pool()
    t = column.type
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type, memory_pool=mem)
        t = column.type
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)):
        return None
    encoded = pc.dictionary_encode(column, null_encoding="encode", memory_pool=mem)
    known = known_reasons(policy)
    numbers: dict[tuple[str, ...], int] = {}
    ids = np.empty(len(encoded.dictionary), dtype=np.int64)
    for k, value in enumerate(encoded.dictionary.to_pylist()):
        found = known.get(value, known)
        if found is known:
            found = known[value] = reason_class(policy, value)
        ids[k] = len(ids) + k if found is None else numbers.setdefault(found, len(numbers))
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pa.array(ids[indices], type=pa.int64(), memory_pool=mem)


#: Reason texts whose class is kept, per policy (the batches of a table repeat their texts).
REASON_TEXTS = 1 << 16
_REASONS: dict[int, tuple[Policy, dict[Any, Any]]] = {}


def clear_reasons() -> None:
    """Forget the reason classes kept for every policy."""
    _REASONS.clear()


def known_reasons(policy: Policy) -> dict[Any, Any]:
    """The reason classes kept for *policy* (by identity; the last few policies' only), emptied
    when they reach :data:`REASON_TEXTS`."""
    entry = _REASONS.get(id(policy))
    if entry is None or entry[0] is not policy:
        if len(_REASONS) >= 4:
            _REASONS.clear()
        entry = _REASONS[id(policy)] = (policy, {})
    if len(entry[1]) >= REASON_TEXTS:
        entry[1].clear()
    return entry[1]
