"""Results of dict rows by their cells exactly as given: the first lookup of :func:`jixiao.score_rows`.

按原样单元格缓存：一行的目标、实际、分值、自评得分、偏差原因与之前某行完全相同（同值同类型）时，
直接复用那一行的评分结果（仅换上本行的名称与级次；名称与级次也相同时，即同一个结果对象），
不再规范化单元格、查共享结果、检查原因。

Real returns repeat whole rows: the same target, actual, weight, claimed score and reason come
back many times. The outcome memo (:mod:`.memo`) finds such a row by a normalised key (texts
trimmed and checked, numbers written out) and then checks its reason text again; this cache finds
it by the cells themselves, as one tuple, and keeps what the memo's path made of them: the shared
outcome and the findings after the reason check. A hit costs a tuple, a dict lookup and the
row's labels; a chunk of rows is looked up in one call (:meth:`CellCache.found`).

Results are immutable, so a hit whose labels read the same as those of the last result made for
its cells (the same strings: the labels read are kept) gets that result object itself: every
field of a new one would be the same (on realistic rows, most hits; making a result was a
quarter of a hit's time).

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

from jixiao.evaluate.indicators import label_of
from jixiao.evaluate.memo import Memo
from jixiao.evaluate.results import IndicatorResult, make_result
from jixiao.evaluate.rows import Scored

__all__ = ["CELL_ROWS", "CellCache"]

#: Rows kept in each of the two generations.
CELL_ROWS = 1 << 14

_NUMBER_CELLS = frozenset({str, int, float, type(None)})
#: A row without a weight cell: never keyed (the routing leaves it to the full path).
_ABSENT = object()

Key = tuple[Any, ...]
#: What is kept for a key: the shared outcome, the findings after the reason check, the last
#: result made from them (handed out again to a row whose labels read the same: results are
#: immutable, and every field of a new one would be the same) and the label cells (name,
#: level1, level2) of the row it was made for (a row whose label cells are those very objects,
#: as rows read from one sheet's shared strings or copied from one template are, takes it
#: without reading them).
Parts = list[Any]


class CellCache:
    """One stream's cache (see the module's text): :meth:`found` a chunk's results from
    earlier rows with the same cells (and the keys of the rows not found), :meth:`add` what the
    memo's path made of a row, :meth:`get` a row whose key was kept since; :meth:`key` of one
    dict row."""

    __slots__ = ("_labels", "_new", "_old", "added", "hits", "limit")

    def __init__(self, limit: int = CELL_ROWS) -> None:
        self._new: dict[Key, Parts] = {}
        self._old: dict[Key, Parts] = {}
        self._labels: dict[str | None, str] = {}  # a label cell: as the memo's path reads it
        #: The keys kept (:meth:`add`) since the last :meth:`found`: only a row with one of
        #: these can be found again before the next chunk (:meth:`get`).
        self.added: set[Key] = set()
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
        got = _NOTHING_KEPT._look([row])[0][0]
        return got if type(got) is tuple and keyable(got) else None

    def found(self, chunk: list[Any]) -> tuple[list[Any], list[int]]:
        """For each row of *chunk*, in order: its result, if rows with the same cells were kept
        (:meth:`add`) and its labels are ones the memo's path takes; else its cells' key (for
        :meth:`add`, which keeps only :func:`keyable` ones); else None (not a dict). Then the
        indices of the rows not found.

        The hot path of :func:`jixiao.score_rows` on repeating rows: a chunk at a time, and each
        row costs a tuple of its cells and their types, a dict look-up and its labels (a key
        of cells not keyable is never kept, so it is looked up without being checked)."""
        self.added.clear()
        return self._look(chunk)

    def _look(self, chunk: list[Any]) -> tuple[list[Any], list[int]]:
        new_get = self._new.get
        known = self._labels
        out: list[Any] = []
        put = out.append
        missed: list[int] = []
        miss = missed.append
        for j, row in enumerate(chunk):
            if type(row) is not dict:
                miss(j)
                put(None)
                continue
            get = row.get
            target, actual, w, s, reason = (
                get("target", _ABSENT),
                get("actual", _ABSENT),
                get("weight", _ABSENT),
                get("score"),
                get("reason"),
            )
            key = (target, type(target), actual, type(actual), w, type(w), s, type(s), reason,
                   type(reason))  # fmt: skip
            try:
                parts = new_get(key)
                if parts is None:
                    parts = self._old.get(key)
                    if parts is None:
                        miss(j)
                        put(key)
                        continue
                    self._keep(key, parts)  # used again: into the newer generation
                    new_get = self._new.get  # (which _keep may have replaced)
            except TypeError:  # a cell that cannot be hashed
                miss(j)
                put(None)
                continue
            n1, n2, n3 = get("name"), get("level1"), get("level2")
            last = parts[2]
            if last is not None and n1 is parts[3] and n2 is parts[4] and n3 is parts[5]:
                put(last)  # the very label cells the last result was made for
                continue
            try:  # labels seen before, as the memo's path reads them
                name, level1, level2 = known[n1], known[n2], known[n3]
            except (KeyError, TypeError):  # a label not seen yet (or not hashable)
                labels = self._learn(row)
                if labels is None:
                    miss(j)
                    put(key)
                    continue
                name, level1, level2 = labels
            if (
                last is None
                or last.name is not name
                or last.level1 is not level1
                or last.level2 is not level2
            ):
                parts[2] = last = make_result(parts[0], name, level1, level2, "", parts[1])
            parts[3:] = n1, n2, n3
            put(last)
        self.hits += len(chunk) - len(missed)
        return out, missed

    def get(self, key: Key, row: dict[str, Any]) -> IndicatorResult | None:
        """The result of *row* (whose key is *key*, from :meth:`found`) if its key was kept
        since :meth:`found` looked it up (a row repeating one earlier in its chunk), with the
        row's own labels; else None (as :meth:`found` said, or a label the memo's path would
        not take)."""
        if key not in self.added:
            return None
        got = self._look([row])[0][0]
        return got if type(got) is IndicatorResult else None

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
        if not scored.exact or type(result) is not IndicatorResult or not keyable(key):
            return
        self._keep(key, [scored.outcome, result.findings, None, None, None, None])
        self.added.add(key)

    def _keep(self, key: Key, parts: Parts) -> None:
        if len(self._new) >= self.limit:
            self._old, self._new = self._new, {}
        self._new[key] = parts


_NOTHING_KEPT = CellCache(limit=1)  # finds nothing: only works out keys


def keyable(key: Key) -> bool:
    """Whether rows with the cells of *key* (from :meth:`CellCache.found`) may share results:
    only if each cell is of a kind whose equality is exact (see the module's text)."""
    target, tt, actual, ta, w, tw, s, ts, reason, tr = key
    return (
        (tt is str or target is None)
        and (ta is str or actual is None)
        and (tr is str or reason is None)
        and tw in _NUMBER_CELLS
        and ts in _NUMBER_CELLS
        and not (tw is float and not w)  # 0.0 == -0.0, read differently
        and not (ts is float and not s)
    )
