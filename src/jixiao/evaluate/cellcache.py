"""Results of dict rows by their cells exactly as given: the first lookup of :func:`jixiao.score_rows`.

按原样单元格缓存：一行的目标、实际、分值、自评得分、偏差原因与之前某行完全相同（同值同类型）时，
直接复用那一行的评分结果（仅换上本行的名称与级次），不再规范化单元格、查共享结果、检查原因。

Real returns repeat whole rows: the same target, actual, weight, claimed score and reason come
back many times. The outcome memo (:mod:`.memo`) finds such a row by a normalised key (texts
trimmed and checked, numbers written out) and then checks its reason text again; this cache finds
it by the cells themselves, as one tuple, and keeps what the memo's path made of them: the shared
outcome and the findings after the reason check. A hit costs a tuple, a dict lookup and the
row's labels.

Cells are the same only if they are equal *and* of the same type, and only kinds of cell whose
equality is exact are keyed: text and blank for the texts; text, blank, ``int`` and non-zero
``float`` for the weight and the claim (``5``, ``5.0`` and ``"5"`` are three keys; ``0.0`` and
``-0.0`` are equal but read differently, and equal Decimals may be written differently, so those
rows take the memo's path every time). The labels (name, 一级/二级指标) are not part of the
key: a policy whose rules read them gets no cache (:class:`~.memo.Memo` ``names``/``levels``);
otherwise each hit checks its own labels as the memo's path does, and a label that path would not
take (too long, invalid text, not text) sends the row there.

Bounded by count: two generations of :data:`CELL_ROWS` rows each (the older is dropped when the
newer fills; a row found in the older moves to the newer), so a stream of rows that never repeat
only churns it, and the rows that keep coming back are found with one look-up.
"""

from __future__ import annotations

from typing import Any

from jixiao.evaluate.findings import Finding
from jixiao.evaluate.indicators import label_of
from jixiao.evaluate.memo import Memo
from jixiao.evaluate.outcome import Outcome
from jixiao.evaluate.results import IndicatorResult, make_result
from jixiao.evaluate.rows import Scored

__all__ = ["CELL_ROWS", "CellCache"]

#: Rows kept in each of the two generations.
CELL_ROWS = 1 << 14

_NUMBER_CELLS = frozenset({str, int, float, type(None)})

Key = tuple[Any, ...]
Parts = tuple[Outcome, tuple[Finding, ...]]


class CellCache:
    """One stream's cache (see the module's text): :meth:`key` of a dict row, :meth:`get` the
    row's result from an earlier row with the same key, :meth:`add` what the memo's path made."""

    __slots__ = ("_labels", "_new", "_old", "hits", "limit")

    def __init__(self, limit: int = CELL_ROWS) -> None:
        self._new: dict[Key, Parts] = {}
        self._old: dict[Key, Parts] = {}
        self._labels: dict[str | None, str] = {}  # a label cell: as the memo's path reads it
        self.limit = limit
        self.hits = 0

    @staticmethod
    def usable(memo: Memo) -> bool:
        """Whether rows may share results by their cells under *memo*'s policy: not when its
        rules read the labels (they would be part of the key) or the reason text (no row
        shares anything then)."""
        return not (memo.names or memo.levels or memo.reasons)

    @staticmethod
    def key(row: dict[str, Any]) -> Key | None:
        """The cells of *row* as a key, or None for a row whose cells are not all of the kinds
        keyed (see the module's text)."""
        get = row.get
        target, actual, reason = get("target"), get("actual"), get("reason")
        if not (
            (type(target) is str or target is None)
            and (type(actual) is str or actual is None)
            and (type(reason) is str or reason is None)
        ):
            return None
        w, s = get("weight"), get("score")
        tw, ts = type(w), type(s)
        if tw not in _NUMBER_CELLS or ts not in _NUMBER_CELLS:
            return None
        if (tw is float and not w) or (ts is float and not s):
            return None  # 0.0 == -0.0
        return (target, actual, w, tw, s, ts, reason)

    def get(self, key: Key, row: dict[str, Any]) -> IndicatorResult | None:
        """The result of *row* from the parts kept for *key* with the row's own labels, or None
        (not kept, or a label the memo's path would not take)."""
        parts = self._new.get(key)
        if parts is None:
            parts = self._old.get(key)
            if parts is None:
                return None
            self._keep(key, parts)  # used again: into the newer generation (found first)
        get = row.get
        known = self._labels
        try:  # the hot path: labels seen before, as the memo's path reads them
            name, level1, level2 = known[get("name")], known[get("level1")], known[get("level2")]
        except (KeyError, TypeError):  # a label not seen yet (or not hashable)
            labels = self._learn(row)
            if labels is None:
                return None
            name, level1, level2 = labels
        self.hits += 1
        return make_result(parts[0], name, level1, level2, "", parts[1])

    def _learn(self, row: dict[str, Any]) -> tuple[str, str, str] | None:
        """The labels of *row* as the memo's path reads them, kept for the next rows; None if
        that path would not take one of them."""
        cells = (row.get("name"), row.get("level1"), row.get("level2"))
        name, level1, level2 = (label_of(v) for v in cells)
        if name is None or level1 is None or level2 is None:
            return None
        known = self._labels
        if len(known) >= self.limit:
            known.clear()
        for v, read in zip(cells, (name, level1, level2), strict=True):
            known[v] = read
        return name, level1, level2

    def add(self, key: Key, scored: Scored, result: IndicatorResult) -> None:
        """Keep what the memo's path made of *key*'s row: the shared outcome (*scored*) and the
        findings of its *result* (after the reason check). Only an exact outcome is kept (one
        whose findings do not depend on the reason text already)."""
        if not scored.exact or type(result) is not IndicatorResult:
            return
        self._keep(key, (scored.outcome, result.findings))

    def _keep(self, key: Key, parts: Parts) -> None:
        if len(self._new) >= self.limit:
            self._old, self._new = self._new, {}
        self._new[key] = parts
