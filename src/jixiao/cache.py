"""Caches bounded by the bytes they hold, not by their number of entries.

A cache of parsed cells or of scoring outcomes bounded by its entry count grows with the size of
what it keeps: twenty thousand 20,000-character cells are more than a gigabyte. :class:`ByteLRU`
charges every entry an estimate of the memory it keeps alive (its key's text, its value's text
and a fixed overhead for the objects around them) and drops the least recently used entries
when the total goes over its budget. An entry larger than the whole budget is not kept at all.

Lookups are lock-free (a dict lookup and an ``OrderedDict.move_to_end``, both atomic under the
GIL); insertions and evictions take a lock, so concurrent threads never corrupt the accounting.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any, Generic, NamedTuple, TypeVar

from jixiao.errors import UsageError

__all__ = ["MISSING", "ByteLRU", "CacheInfo", "text_bytes"]

K = TypeVar("K")
V = TypeVar("V")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: What :meth:`ByteLRU.get` returns for a key it does not hold (None may be a cached value).
MISSING: Any = _Missing()


class CacheInfo(NamedTuple):
    """Hits and misses since the last clear, entries held, and the bytes charged for them."""

    hits: int
    misses: int
    maxsize: int | None
    currsize: int
    bytes: int
    maxbytes: int


def text_bytes(text: object) -> int:
    """What a string keeps alive (``sys.getsizeof``: 1, 2 or 4 bytes a character plus ~50)."""
    return sys.getsizeof(text) if isinstance(text, str) else 0


class ByteLRU(Generic[K, V]):
    """A least-recently-used map holding at most *maxbytes* bytes (as charged by :meth:`put`)
    and, when *maxsize* is given, at most that many entries."""

    __slots__ = ("_data", "_lock", "bytes", "hits", "maxbytes", "maxsize", "misses")

    def __init__(self, maxbytes: int, maxsize: int | None = None) -> None:
        if maxbytes < 0 or (maxsize is not None and maxsize < 0):
            raise UsageError(
                "缓存的字节数上限和条目数上限不能为负",
                en="a cache's maxbytes and maxsize must be >= 0",
            )
        self.maxbytes = maxbytes
        self.maxsize = maxsize  # an optional bound on the number of entries as well
        self._data: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | Any:
        """The value kept for *key* (now the most recently used), or :data:`MISSING`."""
        data = self._data
        entry = data.get(key)
        if entry is None:
            self.misses += 1
            return MISSING
        try:  # noqa: SIM105 - the hot path: no context manager
            data.move_to_end(key)
        except KeyError:  # evicted by another thread in between: still a valid answer
            pass
        self.hits += 1
        return entry[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep *value* for *key*, charged *size* bytes; evict the oldest entries over budget."""
        if size > self.maxbytes:
            return
        data = self._data
        with self._lock:
            old = data.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            data[key] = (value, size)
            self.bytes += size
            limit = self.maxsize
            while self.bytes > self.maxbytes or (limit is not None and len(data) > limit):
                _, (_, dropped) = data.popitem(last=False)
                self.bytes -= dropped

    def resize(self, maxbytes: int) -> None:
        """Change the budget (evicting at once if the cache now holds too much)."""
        with self._lock:
            self.maxbytes = maxbytes
            while self.bytes > maxbytes and self._data:
                _, (_, dropped) = self._data.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.bytes = 0
            self.hits = 0
            self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def info(self) -> CacheInfo:
        return CacheInfo(
            self.hits, self.misses, self.maxsize, len(self._data), self.bytes, self.maxbytes
        )
