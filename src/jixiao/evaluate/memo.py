"""The evaluator's shared-outcome memo: rows whose observable inputs are the same share one
evaluation, in a per-policy memo bounded by the bytes it keeps.

共享评分结果缓存：可观察输入相同的指标行共用一次评分。每个策略一份，按**字节**（估算）限额；
采用分段 LRU（试用段 + 保护段），大量只出现一次的行（如各单位各不相同的实际完成值）只在试用段
里轮换，不会把反复出现的结果挤出去。

The outcome of a row depends on the target and actual texts, the weight and the claimed score —
and on the row's name and levels only if the policy's rules read them (decided from the rule
files: :attr:`Policy.row_fields`). The reason text is checked per row, and findings are
re-located per row, so a shared outcome gives exactly what scoring the row alone gives.

**Bounded by bytes.** Every outcome is charged an estimate of the memory it keeps alive
(:func:`entry_bytes`: a fixed part for the outcome, its context and parsed cells, plus its key's
texts and its findings' messages); the memo drops outcomes when the total goes over its budget
(:data:`MEMO_BYTES` per policy, :func:`set_memo_size` to change it). An optional bound on the
number of outcomes (:data:`MEMO_SIZE`) applies as well. Explanations and JSON parts an outcome
builds later, when a result is read, are not charged (they are built only for what is read).

**Scan-resistant.** A segmented LRU: a new outcome enters a *probation* segment (a fifth of the
budget); a second use moves it to the *protected* segment. A stream of one-off rows (1M rows
whose actual cells are each their own number) only churns the probation segment, so the outcomes
that do repeat (the common targets with the common actuals, prose, blank cells) stay.

Lookups are lock-free on a hit in the protected segment (a dict lookup and an
``OrderedDict.move_to_end``, atomic under the GIL); insertions, promotions and evictions take a
lock. Two threads missing the same key both evaluate it; both get equal outcomes.

The memo is the evaluator's state, not the policy's (a policy is plain data): the memos of the
last :data:`MEMO_POLICIES` policies used are kept here, by identity.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

from jixiao.cache import CacheInfo, text_bytes
from jixiao.errors import UsageError
from jixiao.policy.model import Policy

__all__ = [
    "MEMO_BYTES",
    "MEMO_POLICIES",
    "MEMO_SIZE",
    "Memo",
    "entry_bytes",
    "memo_clear",
    "memo_info",
    "memo_of",
    "set_memo_size",
]

MEMO_BYTES = 32 * 2**20
"""How many bytes of scoring outcomes each policy keeps (as :func:`entry_bytes` estimates them;
least recently used are dropped first, one-off outcomes before repeated ones)."""

MEMO_SIZE: int | None = None
"""An optional bound on the number of outcomes each policy keeps, besides :data:`MEMO_BYTES`
(``None``: the byte budget alone bounds the memo)."""

MEMO_POLICIES = 8
"""How many policies' memos the evaluator keeps (the oldest policy's is dropped).

Outcomes refer to their policy, so the memos are held here, by policy identity, in a small LRU
rather than in a weak mapping (a value that refers to its key would never be dropped)."""

#: The outcome, its rule context, its parsed target and actual, the entry and its key tuple. On
#: the benchmark's mostly-distinct rows an outcome keeps about 2.3 kB alive in all (tracemalloc,
#: parse caches cleared), which this with the key's texts charges at about 2.4 kB.
_ENTRY_BYTES = 1300
#: A finding object around its two messages.
_FINDING_BYTES = 200
#: The share of the budget a new outcome may take before it is used a second time.
_PROBATION = 0.2


def entry_bytes(key: tuple[Any, ...], scored: Any) -> int:
    """The bytes charged for one memoised outcome: a fixed part, the key's texts (the target and
    actual texts are kept twice: in the key and, for prose, inside the parsed cell) and the
    findings' messages."""
    size = _ENTRY_BYTES
    for i, part in enumerate(key):
        if type(part) is str:
            size += text_bytes(part) * (2 if i < 2 else 1)
        elif type(part) is tuple:
            size += 64 + text_bytes(part[1])
    for f in scored.findings:
        size += _FINDING_BYTES + text_bytes(f.zh) + text_bytes(f.en) + text_bytes(f.where)
    return size


class Memo:
    """One policy's memo of scoring outcomes: :meth:`get` gives the outcome kept for a key (or
    None), :meth:`add` keeps one (see the module's text for the key, the bound and the
    segments). The memo does not evaluate: the evaluator does, on a miss."""

    __slots__ = (
        "_hot",
        "_hot_bytes",
        "_lock",
        "_new",
        "bytes",
        "hits",
        "levels",
        "maxbytes",
        "maxsize",
        "misses",
        "names",
        "reasons",
    )

    def __init__(
        self, policy: Policy, maxbytes: int = MEMO_BYTES, maxsize: int | None = None
    ) -> None:
        if maxbytes < 0 or (maxsize is not None and maxsize < 0):
            raise UsageError(
                "评分结果缓存的字节数上限和条目数上限不能为负",
                en="the outcome memo's maxbytes and maxsize must be >= 0",
            )
        observed = policy.row_fields
        self.names = "name" in observed
        self.levels = "level1" in observed or "level2" in observed
        self.reasons = "reason" in observed
        self.maxbytes = maxbytes
        self.maxsize = maxsize
        # key -> (outcome, bytes charged); _new is the probation segment, _hot the protected one
        self._new: collections.OrderedDict[tuple[Any, ...], tuple[Any, int]] = (
            collections.OrderedDict()
        )
        self._hot: collections.OrderedDict[tuple[Any, ...], tuple[Any, int]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()
        self.bytes = 0  # both segments
        self._hot_bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Any:
        """The outcome kept for *key* (target, actual, weight key, score key, name, level1,
        level2), or None: the caller evaluates the row and gives the outcome to :meth:`add`."""
        entry = self._hot.get(key)
        if entry is not None:
            try:  # noqa: SIM105 - the hot path: no context manager
                self._hot.move_to_end(key)
            except KeyError:  # demoted or dropped by another thread in between: still valid
                pass
            self.hits += 1
            return entry[0]
        with self._lock:
            entry = self._new.pop(key, None)
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1  # its second use: promote it
            self._hot[key] = entry
            self._hot_bytes += entry[1]
            self._balance()
            return entry[0]

    def add(self, key: tuple[Any, ...], scored: Any) -> Any:
        """Keep *scored* for *key* (as a new outcome, charged :func:`entry_bytes`); returns it."""
        size = entry_bytes(key, scored)
        if size > self.maxbytes * _PROBATION:
            return scored  # too big to keep without pushing out everything new
        with self._lock:
            old = self._new.pop(key, None)
            if old is None:
                old = self._hot.pop(key, None)
                if old is not None:
                    self._hot_bytes -= old[1]
            if old is not None:  # another thread got here first
                self.bytes -= old[1]
            self._new[key] = (scored, size)
            self.bytes += size
            self._balance()
        return scored

    def _balance(self) -> None:
        """Keep the protected segment within its share (demoting its oldest outcomes to
        probation) and the whole within the bounds (dropping the oldest new outcomes first).
        Called with the lock held."""
        hot, new = self._hot, self._new
        hot_budget = self.maxbytes - int(self.maxbytes * _PROBATION)
        limit = self.maxsize
        hot_limit = None if limit is None else limit - max(1, limit // 5)
        while hot and (
            self._hot_bytes > hot_budget or (hot_limit is not None and len(hot) > hot_limit)
        ):
            k, v = hot.popitem(last=False)
            self._hot_bytes -= v[1]
            new[k] = v
            new.move_to_end(k, last=False)  # demoted: the next to go
        while new and (
            self.bytes > self.maxbytes or (limit is not None and len(hot) + len(new) > limit)
        ):
            _, (_, dropped) = new.popitem(last=False)
            self.bytes -= dropped

    def clear(self) -> None:
        """Forget every outcome and the hit and miss counts."""
        with self._lock:
            self._new.clear()
            self._hot.clear()
            self.bytes = 0
            self._hot_bytes = 0
            self.hits = 0
            self.misses = 0

    def __len__(self) -> int:
        return len(self._new) + len(self._hot)

    def info(self) -> CacheInfo:
        """Hits and misses since the last clear, outcomes held, and the bytes charged for them."""
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self), self.bytes, self.maxbytes)


_MEMOS: collections.OrderedDict[int, tuple[Policy, Memo]] = collections.OrderedDict()
_MEMOS_LOCK = threading.Lock()


def memo_of(policy: Policy) -> Memo:
    """The evaluator's outcome memo for *policy* (made on first use; the oldest policy's is
    dropped when more than :data:`MEMO_POLICIES` are in use)."""
    entry = _MEMOS.get(id(policy))  # no lock on a hit: one dict lookup per row
    if entry is not None and entry[0] is policy:
        return entry[1]
    with _MEMOS_LOCK:
        entry = _MEMOS.get(id(policy))
        if entry is not None and entry[0] is policy:
            return entry[1]
        memo = Memo(policy, MEMO_BYTES, MEMO_SIZE)
        _keep(policy, memo)
        return memo


def set_memo_size(
    policy: Policy, size: int | None = MEMO_SIZE, *, maxbytes: int = MEMO_BYTES
) -> None:
    """Give *policy* a fresh outcome memo holding at most *maxbytes* bytes of outcomes (default
    :data:`MEMO_BYTES`) and, when *size* is given, at most *size* outcomes."""
    memo = Memo(policy, maxbytes, size)
    with _MEMOS_LOCK:
        _keep(policy, memo)


def _keep(policy: Policy, memo: Memo) -> None:
    _MEMOS[id(policy)] = (policy, memo)
    _MEMOS.move_to_end(id(policy))
    while len(_MEMOS) > MEMO_POLICIES:
        _MEMOS.popitem(last=False)


def memo_info(policy: Policy) -> CacheInfo:
    """Hits, misses, outcomes held (``currsize``, ``maxsize``) and bytes charged (``bytes``,
    ``maxbytes``) of the policy's outcome memo."""
    return memo_of(policy).info()


def memo_clear(policy: Policy) -> None:
    """Forget the policy's memoised outcomes (the parse caches are separate)."""
    memo_of(policy).clear()
