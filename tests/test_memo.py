"""The shared-outcome memo (jixiao.evaluate.memo): bounded by bytes, scan-resistant, and never
changing a result."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

import jixiao
from jixiao import evaluate
from jixiao.errors import UsageError
from jixiao.evaluate import indicators, memo
from jixiao.evaluate import score_indicator_uncached as uncached
from jixiao.policy.model import Policy
from test_batch import snapshot


def score_rows(rows: list[dict[str, Any]], policy: Policy) -> Iterator[Any]:
    """Rows through the memo's path, one by one (``jixiao.score_rows`` scores plain numeric
    rows on columns, past the memo: see jixiao.evaluate.plan)."""
    for row in rows:
        yield evaluate.score_indicator(policy, row)


@pytest.fixture
def policy() -> Iterator[Policy]:
    p = jixiao.load_policy("central")
    memo.set_memo_size(p)  # a fresh memo at the defaults: other tests in this process used it
    yield p
    memo.set_memo_size(p)  # and for the next test


def distinct_rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    """Rows whose actual cells are each their own number, as in real returns."""
    return [
        {"name": "参训人数", "target": "≥45人", "actual": f"{40 + i / 100:.2f}人", "weight": 10}
        for i in range(start, start + n)
    ]


def test_every_public_name_stays_importable_where_it_was() -> None:
    for name in ("MEMO_SIZE", "memo_info", "memo_clear", "set_memo_size", "memo_of"):
        assert getattr(indicators, name) is getattr(memo, name)
    for name in ("MEMO_SIZE", "MEMO_BYTES", "memo_info", "memo_clear", "set_memo_size"):
        assert getattr(evaluate, name) is getattr(memo, name)
    assert indicators.MEMO_POLICIES == memo.MEMO_POLICIES


def test_the_bytes_stay_under_the_budget_and_results_are_unchanged(policy: Policy) -> None:
    budget = 200_000
    memo.set_memo_size(policy, maxbytes=budget)
    rows = distinct_rows(1500)
    peak = 0
    for row, r in zip(rows, score_rows(rows, policy), strict=True):
        assert snapshot(r) == snapshot(uncached(policy, row))
        info = memo.memo_info(policy)
        peak = max(peak, info.bytes)
        assert info.bytes <= budget
    info = memo.memo_info(policy)
    assert info.maxbytes == budget and info.misses == len(rows) and info.hits == 0
    # it filled up and then dropped old outcomes rather than growing
    assert peak > budget * 0.9 and info.currsize < len(rows)
    assert info.bytes == sum(memo.entry_bytes(k, v[0]) for k, v in _entries(policy))


def _entries(policy: Policy) -> list[tuple[Any, Any]]:
    m = memo.memo_of(policy)
    return [*m._new.items(), *m._hot.items()]


def test_repeats_hit_and_stay_through_a_stream_of_one_offs(policy: Policy) -> None:
    memo.set_memo_size(policy, maxbytes=200_000)
    hot = [
        {"name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10},
        {"name": "合规性", "target": "严格执行相关制度规定", "actual": "达成预期指标", "weight": 8},
    ]
    list(score_rows(hot * 2, policy))  # each seen twice: protected
    assert memo.memo_info(policy).hits == 2
    one_offs = distinct_rows(3000)  # several times the budget of one-off outcomes
    list(score_rows(one_offs, policy))
    before = memo.memo_info(policy)
    for row, r in zip(hot, score_rows(hot, policy), strict=True):
        assert snapshot(r) == snapshot(uncached(policy, row))
    after = memo.memo_info(policy)
    assert after.hits - before.hits == len(hot) and after.misses == before.misses


def test_a_plain_lru_would_have_lost_them(policy: Policy) -> None:
    """The same stream with the repeated rows seen once only: they are one-offs too, and go."""
    memo.set_memo_size(policy, maxbytes=200_000)
    row = {"name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10}
    list(score_rows([row], policy))
    list(score_rows(distinct_rows(3000), policy))
    before = memo.memo_info(policy)
    list(score_rows([row], policy))
    assert memo.memo_info(policy).misses == before.misses + 1


def test_the_entry_bound_applies_too(policy: Policy) -> None:
    memo.set_memo_size(policy, 10)
    rows = distinct_rows(50)
    list(score_rows(rows[:5] * 2, policy))  # five protected
    list(score_rows(rows[5:], policy))
    info = memo.memo_info(policy)
    assert info.currsize == 10 and info.maxsize == 10
    before = info.hits
    list(score_rows(rows[:5], policy))
    assert memo.memo_info(policy).hits == before + 5  # the repeated five survived


def test_an_outcome_bigger_than_the_new_segment_is_not_kept(policy: Policy) -> None:
    memo.set_memo_size(policy, maxbytes=1000)
    row = distinct_rows(1)[0]
    for r in score_rows([row, row], policy):
        assert snapshot(r) == snapshot(uncached(policy, row))
    info = memo.memo_info(policy)
    assert info.currsize == 0 and info.bytes == 0 and info.misses == 2


def test_the_charge_is_close_to_the_memory_kept(policy: Policy) -> None:
    """What entry_bytes charges is within a factor of the memory the outcomes keep alive."""
    rows = distinct_rows(2000)
    gc.collect()
    tracemalloc.start()
    try:
        list(score_rows(rows, policy))
        jixiao.targets.cache_clear()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        charged = memo.memo_info(policy).bytes
        memo.memo_clear(policy)
        gc.collect()
        freed = held - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert 0.6 * charged <= freed <= 1.5 * charged, (freed, charged)


def test_clear_forgets_outcomes_and_counts(policy: Policy) -> None:
    list(score_rows(distinct_rows(20) * 2, policy))
    assert memo.memo_info(policy).hits == 20
    memo.memo_clear(policy)
    info = memo.memo_info(policy)
    assert (info.hits, info.misses, info.currsize, info.bytes) == (0, 0, 0, 0)


def test_negative_bounds_are_refused(policy: Policy) -> None:
    with pytest.raises(UsageError):
        memo.set_memo_size(policy, maxbytes=-1)
    with pytest.raises(UsageError):
        memo.set_memo_size(policy, -1)


def test_threads_share_the_memo_and_keep_its_accounting(policy: Policy) -> None:
    memo.set_memo_size(policy, maxbytes=150_000)
    rows = distinct_rows(400) + distinct_rows(100) * 3
    expected = [snapshot(uncached(policy, r)) for r in rows[:50]]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            part = rows[offset:] + rows[:offset]
            for _ in score_rows(part, policy):
                pass
            got = [snapshot(r) for r in score_rows(rows[:50], policy)]
            assert got == expected
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k * 97,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    info = memo.memo_info(policy)
    assert info.bytes <= 150_000
    assert info.bytes == sum(memo.entry_bytes(k, v[0]) for k, v in _entries(policy))
    assert info.currsize == len(_entries(policy))
