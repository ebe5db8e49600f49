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
from collections.abc import Callable
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
    and, when *maxsize* is given, at most that many entries.

    With *sizer*, every entry is charged ``sizer(key)`` (a cache of cells keyed by their text),
    and nothing but the value is kept for an entry: one object fewer for each of the tens of
    thousands of entries a parse cache holds, for the allocator and the garbage collector to
    walk. Without it, :meth:`put` is given each entry's size, which is remembered."""

    __slots__ = (
        "_data",
        "_lock",
        "_sizer",
        "_sizes",
        "bytes",
        "hits",
        "maxbytes",
        "maxsize",
        "misses",
    )

    def __init__(
        self,
        maxbytes: int,
        maxsize: int | None = None,
        *,
        sizer: Callable[[K], int] | None = None,
    ) -> None:
        if maxbytes < 0 or (maxsize is not None and maxsize < 0):
            raise UsageError(
                "缓存的字节数上限和条目数上限不能为负",
                en="a cache's maxbytes and maxsize must be >= 0",
            )
        self.maxbytes = maxbytes
        self.maxsize = maxsize  # an optional bound on the number of entries as well
        self._data: OrderedDict[K, V] = OrderedDict()
        self._sizer = sizer
        self._sizes: dict[K, int] = {}  # what each entry was charged, when there is no sizer
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | Any:
        """The value kept for *key* (now the most recently used), or :data:`MISSING`."""
        data = self._data
        value = data.get(key, MISSING)
        if value is MISSING:
            self.misses += 1
            return MISSING
        try:  # noqa: SIM105 - the hot path: no context manager
            data.move_to_end(key)
        except KeyError:  # evicted by another thread in between: still a valid answer
            pass
        self.hits += 1
        return value

    def put(self, key: K, value: V, size: int | None = None) -> None:
        """Keep *value* for *key*, charged *size* bytes (with a *sizer*: ``sizer(key)``, and
        *size* is not given); evict the oldest entries over budget."""
        sizer = self._sizer
        if sizer is not None:
            if size is not None:
                raise UsageError(
                    "这个缓存按键计算每项的字节数，不能另给",
                    en="this cache charges an entry by its key: no size is given",
                )
            size = sizer(key)
        elif size is None:
            raise UsageError("缓存的每一项需要给出字节数", en="a cache entry needs its size")
        if size > self.maxbytes:
            return
        data = self._data
        with self._lock:
            held = len(data)
            data[key] = value
            if len(data) == held:  # it replaced an entry: charged anew, now the most recent
                data.move_to_end(key)
                self.bytes -= size if sizer is not None else self._sizes[key]
            if sizer is None:
                self._sizes[key] = size
            self.bytes += size
            limit = self.maxsize
            if self.bytes > self.maxbytes or (limit is not None and len(data) > limit):
                self._evict()

    def _charged(self, key: K) -> int:
        sizer = self._sizer
        return sizer(key) if sizer is not None else self._sizes.pop(key)

    def _evict(self) -> None:
        # under the lock: the oldest entries go until the cache is within its bounds
        data = self._data
        limit = self.maxsize
        while data and (self.bytes > self.maxbytes or (limit is not None and len(data) > limit)):
            key, _ = data.popitem(last=False)
            self.bytes -= self._charged(key)

    def resize(self, maxbytes: int) -> None:
        """Change the budget (evicting at once if the cache now holds too much)."""
        with self._lock:
            self.maxbytes = maxbytes
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._sizes.clear()
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
