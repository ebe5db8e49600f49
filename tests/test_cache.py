"""Caches bounded by bytes (jixiao.cache) and the two parse caches built on them."""

from __future__ import annotations

import threading

import pytest

from jixiao import targets
from jixiao.cache import MISSING, ByteLRU, text_bytes
from jixiao.targets import parse_actual, parse_actual_uncached, parse_target, parse_target_uncached


def test_least_recently_used_go_first() -> None:
    cache: ByteLRU[str, int] = ByteLRU(300)
    for i, key in enumerate("abc"):
        cache.put(key, i, 100)
    assert cache.get("a") == 0  # a is now the most recent
    cache.put("d", 3, 100)
    assert cache.get("b") is MISSING and "a" in cache and "c" in cache and "d" in cache
    info = cache.info()
    assert (info.currsize, info.bytes, info.maxbytes, info.hits, info.misses) == (3, 300, 300, 1, 1)


def test_bounded_by_bytes_and_by_entries() -> None:
    cache: ByteLRU[int, str] = ByteLRU(1000, maxsize=5)
    for i in range(50):
        cache.put(i, "x", 150)
        assert cache.bytes <= 1000 and len(cache) <= 5
    assert len(cache) == 5  # 5 × 150 bytes: the entry bound bites first
    cache.resize(400)
    assert cache.bytes <= 400 and len(cache) == 2 and 49 in cache and 48 in cache


def test_an_entry_larger_than_the_budget_is_not_kept() -> None:
    cache: ByteLRU[str, str] = ByteLRU(100)
    cache.put("small", "v", 60)
    cache.put("big", "v", 101)
    assert "big" not in cache and "small" in cache and cache.bytes == 60
    cache.put("small", "w", 10)  # replacing an entry re-charges it
    assert cache.get("small") == "w" and cache.bytes == 10
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0 and cache.info().hits == 0
    with pytest.raises(ValueError):
        ByteLRU(-1)


@pytest.mark.parametrize("sized_by_key", [False, True])
def test_threads_keep_the_accounting_right(sized_by_key: bool) -> None:
    def size(key: int) -> int:
        return 10 + key % 50

    cache: ByteLRU[int, int] = ByteLRU(5000, sizer=size) if sized_by_key else ByteLRU(5000)

    def work(offset: int) -> None:
        for i in range(3000):
            key = (i * 7 + offset) % 400
            if cache.get(key) is MISSING:
                if sized_by_key:
                    cache.put(key, key)
                else:
                    cache.put(key, key, size(key))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    charged = sum(size(k) for k in range(400) if k in cache)
    assert cache.bytes == charged <= 5000


def test_a_cache_sized_by_its_keys() -> None:
    """Entries charged ``sizer(key)``: the same bounds, evictions and accounting, with nothing
    kept for an entry but its value (None among the values)."""
    cache: ByteLRU[str, str | None] = ByteLRU(100, maxsize=4, sizer=len)
    cache.put("a" * 30, None)
    assert cache.get("a" * 30) is None and cache.bytes == 30
    cache.put("b" * 30, "x")
    cache.put("c" * 30, "y")
    assert cache.get("a" * 30) is None  # now the most recent
    cache.put("d" * 30, "z")  # over 100 bytes: the least recently used (b) goes
    assert "b" * 30 not in cache and cache.bytes == 90 and len(cache) == 3
    cache.put("c" * 30, "w")  # replacing: charged once, now the most recent
    assert cache.bytes == 90 and cache.get("c" * 30) == "w"
    cache.put("e" * 101, "too big")
    assert "e" * 101 not in cache and cache.bytes == 90
    for key in ("f", "g", "h"):
        cache.put(key, key)  # the entry bound bites first
    assert len(cache) == 4 and cache.bytes == sum(len(k) for k in ("c" * 30, "f", "g", "h"))
    cache.resize(2)
    assert cache.bytes == 2 and len(cache) == 2 and "g" in cache and "h" in cache
    info = cache.info()
    assert (info.currsize, info.bytes, info.maxbytes, info.maxsize) == (2, 2, 2, 4)
    with pytest.raises(ValueError, match="按键计算每项的字节数，不能另给"):
        cache.put("i", "i", 1)  # charged by its key: a size of its own is refused
    with pytest.raises(ValueError, match="需要给出字节数"):
        ByteLRU[str, str](100).put("j", "j")  # and a cache without a sizer needs one
    cache.clear()
    assert (len(cache), cache.bytes) == (0, 0)


def test_parse_caches_hold_bytes_not_entries() -> None:
    """Long distinct cells (the hostile case) stay within the byte budgets, and every answer
    is still the parser's."""
    try:
        targets.cache_resize(200_000, 300_000)
        targets.cache_clear()
        unit = parse_target("≥45人")
        for i in range(60):
            text = f"第{i}项" + "效果明显" * 2000  # 8,000 characters
            assert parse_target(text) == parse_target_uncached(text)
            assert parse_actual(text, unit) == parse_actual_uncached(text, unit)
        info = targets.cache_info()
        assert info["target"].bytes <= 200_000 and info["actual"].bytes <= 300_000
        assert 0 < info["target"].currsize < 60 and 0 < info["actual"].currsize < 60
        assert info["target"].bytes >= info["target"].currsize * 2 * text_bytes("效果明显" * 2000)
    finally:
        targets.cache_resize(targets.parser.TARGET_CACHE_BYTES, targets.parser.ACTUAL_CACHE_BYTES)
        targets.cache_clear()


def test_actual_cache_is_keyed_by_the_targets_unit() -> None:
    targets.cache_clear()
    people, money = parse_target("≥45人"), parse_target("≤5万元")
    a = parse_actual("40", people)
    b = parse_actual("40", money)
    assert a.to_dict()["unit"] == "人" and b.to_dict()["unit"] == "万元"
    assert parse_actual("40", parse_target("不少于45人")) is a  # same unit: the same entry
    assert targets.cache_info()["actual"].hits >= 1
