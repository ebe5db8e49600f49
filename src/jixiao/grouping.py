"""Grouping the rows of an Arrow record batch: which rows the columnar path scores once.

Arrow 批内分组：按结果可能依赖的各列（不写说明时偏差原因按其文字的类别）把相同的行归为一组，组号
在 Arrow 的 C 代码里算出，每组只评一次（见 :mod:`jixiao.columnar`）。

:func:`key_columns` names the columns a row's result may depend on under a policy,
:func:`reason_classes` turns a reason column into the classes of its texts, and
:func:`group_rows` / :func:`group_arrays` number the rows equal in all of them, and
:class:`Kept` holds what the groups of tables whose rows repeat put in the result columns, across
batches.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jixiao.evaluate.indicators import reason_class
from jixiao.policy.model import Policy

__all__ = [
    "KEPT_GROUPS",
    "KEPT_REPEATED",
    "KEY_COLUMNS",
    "Entry",
    "Kept",
    "arrow",
    "clear_kept",
    "clear_reasons",
    "group_arrays",
    "group_rows",
    "kept_for",
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


def _values(column: Any) -> Any:
    """*column* with its values in place of dictionary codes (a dictionary column decoded)."""
    t = column.type
    if arrow().types.is_dictionary(t):
        return column.cast(t.value_type, memory_pool=pool())
    return column


def _codes(column: Any) -> tuple[Any, int]:
    """Dictionary codes (int64) of one column and the number of distinct values; nulls form a
    value of their own. Floats are compared by their bits."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    mem = pool()
    column = _values(column)
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
    key, bound = _codes(arrays[0])
    encoded = True  # key is numbered in order of first appearance
    for column in arrays[1:]:
        codes, size = _codes(column)
        if bound * size > _KEY_LIMIT:
            # the combined numbers would not fit in int64: number the groups so far 0, 1, …
            # (fewer than n) first
            key = _renumbered(key)
            bound = int(pc.max(key).as_py()) + 1
        # key < bound and codes < size: key * size + codes is one number per (key, codes) pair,
        # below bound * size <= _KEY_LIMIT (the operations are checked all the same)
        key = pc.multiply_checked(key, size, memory_pool=mem)
        key = pc.add_checked(key, codes, memory_pool=mem)
        bound *= size
        encoded = False
    if not encoded:
        key = _renumbered(key)
    numbers = key.to_numpy(zero_copy_only=False)
    # Arrow numbers a dictionary's values in order of first appearance, so a group's first row
    # is where the running maximum of the numbers first reaches it; checked (every step of the
    # running maximum is 0 or 1), with numpy's sort-based unique where it would not hold
    steps = np.diff(np.maximum.accumulate(numbers), prepend=-1)
    if steps.max() > 1:
        _, first, sizes = np.unique(numbers, return_index=True, return_counts=True)
        return key, first, sizes
    first = np.flatnonzero(steps)
    sizes = np.bincount(numbers, minlength=len(first))
    return key, first, sizes


#: The largest combined group number :func:`group_arrays` makes before renumbering.
_KEY_LIMIT = 2**62


def _renumbered(key: Any) -> Any:
    """*key* (int64) as the numbers 0, 1, … of its distinct values, in order of first appearance."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    mem = pool()
    encoded = pc.dictionary_encode(key, memory_pool=mem)
    return encoded.indices.cast(pa.int64(), memory_pool=mem)


def reason_classes(policy: Policy, column: Any) -> Any:
    """The reason column of a batch as class numbers (int64, one per row): rows whose reason
    cells have the same :func:`~jixiao.evaluate.indicators.reason_class` get the same number;
    a cell with no class (not text, too long, invalid) a number of its own. None when the column
    is not text (then its values are grouped as they are)."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    np = importlib.import_module("numpy")
    mem = pool()
    column = _values(column)
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


#: What one group puts in the result columns: computed score, met (1, 0, -1 for None), rule
#: label, tier, basis, number of findings, of errors, the finding codes (``;``-joined), verified
#: (1 or 0), and the explanation (None without explanations).
Entry = tuple[Decimal | None, int, str | None, str | None, str, int, int, str, int, str | None]

#: Groups kept per policy across batches (each of two generations; see :class:`Kept`).
KEPT_GROUPS = 1 << 14
#: The share of a batch's rows in groups of more than one row at or above which its groups are
#: looked up and kept (in a table that repeats that much they come back in later batches; in
#: one whose actuals are mostly distinct, about half the rows are groups of one, which do not).
KEPT_REPEATED = 0.9


class Kept:
    """What the groups that repeat put in the result columns, kept across the batches of a
    table (and across tables) for one policy, without explanations: a group of a later batch
    with the same cells takes its entry rather than being scored again. Real tables repeat
    their rows across batches as much as within one: after the first batch, most groups are
    found here.

    Used for a batch in which at least :data:`KEPT_REPEATED` of the rows are in groups of more
    than one (elsewhere, rows that never repeat would only churn it and cost a lookup each).
    Two generations of :data:`KEPT_GROUPS`.

    Keyed by the group's cells as Python values *with their types* (``5``, ``5.0`` and ``"5"``
    are three keys), and the reason by its class when the batch grouped it so; a group with a
    cell whose equality is not exact (a float zero, since ``0.0 == -0.0``; a Decimal, since equal
    Decimals may be written differently; a date-time; any kind not in :data:`_EXACT`) or with a
    reason that has no class is not kept."""

    __slots__ = ("_new", "_old")

    def __init__(self) -> None:
        self._new: dict[tuple[Any, ...], Entry] = {}
        self._old: dict[tuple[Any, ...], Entry] = {}

    @staticmethod
    def key(
        row: dict[str, Any], keys: tuple[str, ...], reasons: dict[Any, Any] | None
    ) -> tuple[Any, ...] | None:
        """The key of a group whose first row is *row*: its *keys* cells, and the reason by its
        class in *reasons* (:func:`known_reasons`) when the batch grouped it so (else None); or
        None for a group not kept. The column names and whether the reason is classed are part
        of it: a table without a score column whose reason reads ``"10"`` is not one whose score
        does."""
        parts: list[Any] = [keys, reasons is not None]
        for c in keys:
            v = row[c]
            t = type(v)
            if t not in _EXACT or (t is float and not v):
                return None
            if reasons is not None and c == "reason":
                v = reasons.get(v, reasons)
                if v is None or v is reasons:  # no class, or not known (cleared)
                    return None
            parts.append(v)
            parts.append(t)
        return tuple(parts)

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        got = self._new.get(key)
        return self._old.get(key) if got is None else got

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if len(self._new) >= KEPT_GROUPS:
            self._old, self._new = self._new, {}
        self._new[key] = entry


#: The kinds of cell kept groups are keyed by: those whose equality (with the type) means the
#: same cell. Not a Decimal (``Decimal("5") == Decimal("5.0")``), a date-time (equal across time
#: zones, written differently) or anything else; a float zero is left out as well.
_EXACT = frozenset({str, int, float, bool, bytes, type(None)})

_KEPT_BY_POLICY: dict[int, tuple[Policy, Kept]] = {}


def clear_kept() -> None:
    """Forget the groups kept for every policy."""
    _KEPT_BY_POLICY.clear()


def kept_for(policy: Policy) -> Kept:
    """The kept groups of *policy* (by identity; the last few policies' only)."""
    entry = _KEPT_BY_POLICY.get(id(policy))
    if entry is None or entry[0] is not policy:
        if len(_KEPT_BY_POLICY) >= 4:
            _KEPT_BY_POLICY.clear()
        entry = _KEPT_BY_POLICY[id(policy)] = (policy, Kept())
    return entry[1]
