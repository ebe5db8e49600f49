"""Rows found by their cells as given (jixiao.evaluate.cellcache): the same results as without.

A stream that repeats whole rows takes each repeat's result from the first one's parts. These
tests check that this changes nothing a result says, for cells that look alike but read
differently (5, 5.0, "5", True, Decimal 5.0, 0.0 and -0.0), for labels (spaces, blank, not text,
too long), reasons of every kind, and a policy that reads the name; and that a repeat really is
found by its cells.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
import jixiao.evaluate.streams as streams
from jixiao.evaluate import memo_clear
from jixiao.evaluate.cellcache import CellCache
from jixiao.evaluate.indicators import from_shared, mapping_key, memo_miss
from jixiao.evaluate.memo import memo_of
from test_batch import NAME_RULE_POLICY, corpus_rows, generated_rows, snapshot

POLICIES = sorted(
    p.stem for p in (Path(__file__).resolve().parent.parent / "rules").glob("*.policy")
)
WEIGHTS = [10, 10.0, "10", "10.0", True, Decimal("10"), Decimal("10.0"), 5, 5.0, 0.0, -0.0, None]
SCORES = [8, 8.0, "8", Decimal("8.00"), 0.0, -0.0, None, 10, "10"]
REASONS = [None, "", " ", "无", "因疫情影响延期，下一步将加强管理", "已全部完成", 7]
NAMES = ["参训人数", " 参训人数 ", None, "", ["a"], 3, "长" * 300]


def alike_rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row = {
            "name": rng.choice(NAMES),
            "level1": rng.choice(["产出指标", " 产出指标", None]),
            "level2": rng.choice(["数量指标", None]),
            "target": rng.choice(["≥45人", "≤0起", "≥90%", "效果明显", "/", "", None]),
            "actual": rng.choice(["40人", "45人", "1起", "85%", "基本达成", "", None]),
            "weight": rng.choice(WEIGHTS),
            "score": rng.choice(SCORES),
            "reason": rng.choice(REASONS),
        }
        if rng.random() < 0.1:
            del row["score"]
        rows.append(row)
    return rows


def without_cache(monkeypatch: pytest.MonkeyPatch, policy: Any, rows: list[Any]) -> list[Any]:
    with monkeypatch.context() as m:
        m.setattr(CellCache, "usable", staticmethod(lambda memo: False))
        memo_clear(policy)
        return [snapshot(r) for r in jixiao.score_rows(iter(rows), policy)]


@pytest.mark.parametrize("policy_name", POLICIES)
def test_repeats_give_exactly_what_the_memo_path_gives(
    monkeypatch: pytest.MonkeyPatch, policy_name: str
) -> None:
    policy = jixiao.load_policy(policy_name)
    base = alike_rows(300, seed=5) + corpus_rows()[:300] + generated_rows(200)
    rng = random.Random(9)
    rows = base + [dict(rng.choice(base)) for _ in range(3000)]  # every kind of row, repeated
    want = without_cache(monkeypatch, policy, rows)
    memo_clear(policy)
    got = [snapshot(r) for r in jixiao.score_rows(iter(rows), policy)]
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, rows[i]


def test_a_repeat_is_found_by_its_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = jixiao.load_policy("central")
    memo_clear(policy)
    row = {"name": "参训人数", "target": "≥45人", "actual": "40人", "weight": 10, "score": 8,
           "reason": "因疫情影响延期，下一步将加强管理"}  # fmt: skip
    keyed: list[Any] = []
    real = streams._mapping_key

    def spy(memo: Any, r: Any) -> Any:
        keyed.append(r)
        return real(memo, r)

    monkeypatch.setattr(streams, "_mapping_key", spy)
    got = list(jixiao.score_rows((dict(row, name=f"指标{i % 3}") for i in range(1000)), policy))
    # the first (evaluated) and the second (a memo hit, whose parts are kept) only
    assert len(keyed) == 2
    assert [r.name for r in got[:4]] == ["指标0", "指标1", "指标2", "指标0"]
    assert {(r.score, tuple(f.code for f in r.findings)) for r in got} == {
        (Decimal("8.89"), ("SCORE_MISMATCH",))
    }


def test_a_repeat_whose_labels_read_the_same_is_the_same_result() -> None:
    policy = jixiao.load_policy("central")
    memo_clear(policy)
    row = {"name": "参训人数", "level1": "产出指标", "target": "≥45人", "actual": "40人",
           "weight": 10, "score": 8, "reason": "因疫情影响延期，下一步将加强管理"}  # fmt: skip
    # equal labels in new string objects, other labels, then the first labels again
    same = [dict(row, name="".join(["参训", "人数"])) for _ in range(6)]
    other = [dict(row, name="培训人数"), dict(row, level1=" 产出指标"), dict(row, name=None)]
    got = list(jixiao.score_rows([dict(row), *same, *other, dict(row)], policy))
    assert len({id(r) for r in got[2:7]}) == 1  # hits after the first memo hit: one object
    assert [(r.name, r.level1) for r in got[7:]] == [
        ("培训人数", "产出指标"), ("参训人数", "产出指标"), ("", "产出指标"), ("参训人数", "产出指标")
    ]  # fmt: skip
    assert len({id(r) for r in got[6:]}) == 5  # each label change: a result of its own
    assert all(r.score == Decimal("8.89") and r.where == "" and r.row is None for r in got)
    assert {tuple(f.code for f in r.findings) for r in got} == {("SCORE_MISMATCH",)}


@pytest.mark.parametrize("label", ["name", "level1", "level2"])
def test_one_label_that_changes_gets_its_own_result(label: str) -> None:
    policy = jixiao.load_policy("central")
    memo_clear(policy)
    labels = {"name": "参训人数", "level1": "产出指标", "level2": "数量指标"}
    row = {**labels, "target": "≥45人", "actual": "40人", "weight": 10, "score": 8}
    # the same label objects in every row but one label, which alternates between two
    rows = [dict(row, **{label: ("甲", "乙")[k % 2]}) for k in range(40)]
    got = list(jixiao.score_rows(rows, policy))
    assert [getattr(r, label) for r in got] == ["甲", "乙"] * 20
    assert all(getattr(r, x) == labels[x] for r in got for x in labels if x != label)
    assert {r.score for r in got} == {Decimal("8.89")}


def test_cells_that_read_differently_are_different_keys() -> None:
    def key(**cells: Any) -> Any:
        return CellCache.key({"target": "≥45人", "actual": "40人", **cells})

    keys = [key(weight=w) for w in (10, 10.0, "10", "10.0")]
    assert None not in keys and len(set(keys)) == 4
    # equal but read differently: never keyed
    assert key(weight=0.0) is None and key(weight=-0.0) is None and key(score=0.0) is None
    assert key(weight=Decimal("10.0")) is None and key(weight=True) is None
    assert key(reason=7) is None and key(actual=40) is None
    assert key(weight=10, reason="无") != key(weight=10, reason=" 无")


def test_a_policy_that_reads_the_name_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "p.policy"
    path.write_text(NAME_RULE_POLICY, encoding="utf-8")
    policy = jixiao.load_policy(str(path))
    rows = [
        {"name": n, "target": "≥90%", "actual": "85%", "weight": "10", "score": "10"}
        for n in itertools.islice(itertools.cycle(["服务对象满意度", "验收合格率"]), 200)
    ]
    got = [str(r.score) for r in jixiao.score_rows(rows, policy)]
    assert got == ["0.00", "9.44"] * 100


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = jixiao.load_policy("central")
    caches: list[CellCache] = []

    class Small(CellCache):
        __slots__ = ()

        def __init__(self) -> None:
            super().__init__(limit=8)
            caches.append(self)

    rows = alike_rows(200, seed=3) * 5
    want = without_cache(monkeypatch, policy, rows)
    monkeypatch.setattr(streams, "CellCache", Small)
    memo_clear(policy)
    got = [snapshot(r) for r in jixiao.score_rows(iter(rows), policy)]
    assert got == want
    (cache,) = caches
    assert len(cache._new) <= 8 and len(cache._old) <= 8 and len(cache._labels) <= 8 + 3
    assert cache.hits > 0


def test_a_row_found_in_the_older_generation_moves_to_the_newer() -> None:
    policy = jixiao.load_policy("central")
    cache = CellCache(limit=4)
    memo = memo_of(policy)
    rows = [
        {"target": "≥45人", "actual": f"{40 + k}人", "weight": 10, "name": "人数"} for k in range(6)
    ]
    keys = []
    for row in rows:
        key, keyed = cache.key(row), mapping_key(memo, row)
        assert key is not None and keyed is not None
        scored = memo.get(keyed[0]) or memo.add(keyed[0], memo_miss(policy, *keyed[0]))
        cache.add(key, scored, from_shared(policy, row, keyed, scored))
        keys.append(key)
    # 4 then 2: the first four are the older generation
    assert keys[0] in cache._old and keys[5] in cache._new and len(cache._new) == 2
    got = cache.get(keys[0], rows[0])
    assert got is not None and got.score == Decimal("8.89")
    assert keys[0] in cache._new and len(cache._new) == 3
