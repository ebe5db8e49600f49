"""Scoring on a local distributed cluster (two worker processes) equals scoring in one process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.batch import RESULT_COLUMNS, record, score_forms, score_rows

db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import jixiao.dask as jd  # noqa: E402 - after the skips: needs dask
from test_batch import ROWS, generated_rows, snapshot  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes started with the settings jixiao recommends for scoring."""
    import dask

    with dask.config.set(jd.CLUSTER_CONFIG):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _settings(dask_worker: Any) -> tuple[dict[str, object], list[str]]:
    import dask

    return {k: dask.config.get(k) for k in jd.CLUSTER_CONFIG}, sorted(
        dask_worker.periodic_callbacks
    )


def test_the_cluster_settings_reach_the_worker_processes(client: Any) -> None:
    """Set around the LocalCluster's start, the settings are those of the spawned workers, and
    the profiler is off (a worker with it on has a ``profile`` periodic callback)."""
    got = client.run(_settings)
    assert len(got) == 2
    for settings, callbacks in got.values():
        assert settings == jd.CLUSTER_CONFIG
        assert "profile" not in callbacks and "heartbeat" in callbacks


def test_the_cluster_settings_in_the_docs_are_jixiaos() -> None:
    """docs/scale.md gives the settings as YAML for a real cluster's nodes: the same ones."""
    import yaml

    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2  # the Chinese and the English section

    def flat(tree: Any, prefix: str = "") -> dict[str, object]:
        if not isinstance(tree, dict):
            return {prefix: tree}
        out: dict[str, object] = {}
        for k, v in tree.items():
            out.update(flat(v, f"{prefix}.{k}" if prefix else k))
        return out

    for block in blocks:
        assert flat(yaml.safe_load(block)) == jd.CLUSTER_CONFIG


def test_a_bag_of_rows_scores_as_in_one_process(client: Any) -> None:
    policy = jixiao.load_policy("central")
    rows = ROWS + generated_rows(600, seed=11)
    bag = db.from_sequence(rows, npartitions=6)
    with distributed.get_task_stream(client) as stream:
        got = jd.score_bag(bag, policy).compute()
    want = list(score_rows(rows, policy))
    assert len(got) == len(want)
    assert [snapshot(g) for g in got] == [snapshot(w) for w in want]
    assert any(f.code == "UNREADABLE_CELL" for r in got for f in r.findings)  # rows[i] agree
    assert len({t["worker"] for t in stream.data}) == 2  # both worker processes scored


_MADE: list[int] = []


def _made(k: int) -> list[dict[str, Any]]:
    """A partition read lazily (as from a file): each call is counted."""
    _MADE.append(k)
    return [dict(r) for r in ROWS[k::4]]


def test_a_lazy_bag_reads_each_partition_once() -> None:
    # the start numbers count each partition, and the scoring reads it too: the same task,
    # not a second reading fused into the counting (``to_delayed`` optimised on its own)
    import dask

    _MADE.clear()
    bag = db.from_delayed([dask.delayed(_made)(k) for k in range(4)])
    with dask.config.set(scheduler="sync"):
        got = jd.score_bag(bag, "central").compute()
    assert sorted(_MADE) == [0, 1, 2, 3]
    want = list(score_rows([r for k in range(4) for r in ROWS[k::4]], "central"))
    assert [snapshot(g) for g in got] == [snapshot(w) for w in want]


def test_start_numbers_come_from_one_sum_of_counts_taken_beside_each_partition() -> None:
    # a count takes its partition alone (the scheduler can only run it where the partition is);
    # one small task adds the counts up; scoring a partition takes that partition and that sum,
    # nothing else: no small task between two partitions, no chain
    from dask.core import get_dependencies

    # (the partition reaches both as one list: a task taking the bag's partition alone)
    bag = db.from_sequence(ROWS, npartitions=5)
    scored = jd.score_bag(bag, "central")
    graph = dict(scored.__dask_graph__())
    sums = set()
    counts = set()
    held = []
    for p in range(bag.npartitions):
        deps = get_dependencies(graph, (scored.name, p))
        assert len(deps) == 2
        (part,) = [d for d in deps if isinstance(d, tuple) and d[1] == p]
        assert get_dependencies(graph, part) == {(bag.name, p)}
        held.append(part)
        (firsts,) = deps - {part}
        sums.add(firsts)
        counts |= get_dependencies(graph, firsts)
    assert len(sums) == 1 and len(counts) == bag.npartitions
    assert sorted(next(iter(get_dependencies(graph, c))) for c in counts) == held
    assert scored.npartitions == bag.npartitions


def _one_by_one(partition: list[Any]) -> Iterator[Any]:
    yield from partition


def test_partitions_that_are_iterators_are_scored_whole() -> None:
    # a partition may be a generator (map_partitions, a reader yielding rows): counting it for
    # the start numbers must not use it up and leave the scoring nothing
    import dask

    rows = ROWS + generated_rows(200, seed=13)
    bag = db.from_sequence(rows, npartitions=4).map_partitions(_one_by_one)
    with dask.config.set(scheduler="sync"):
        got = jd.score_bag(bag, "central").compute()
    assert [snapshot(g) for g in got] == [snapshot(w) for w in score_rows(rows, "central")]
    seed = json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))
    forms = [seed, {"indicators": None}, seed]
    bag = db.from_sequence(forms, npartitions=2).map_partitions(_one_by_one)
    with dask.config.set(scheduler="sync"):
        got_forms = jd.score_forms_bag(bag, "central").compute()
    assert [g.to_dict() for g in got_forms] == [w.to_dict() for w in score_forms(forms)]
    assert got_forms[1].findings[0].where == "forms[1]"


def _rows_of(seed: int) -> list[dict[str, Any]]:
    return generated_rows(400, seed=seed)


def test_partitions_held_by_workers_are_scored_where_they_are(client: Any) -> None:
    # rows already on the workers (as read there, or persisted), in turn: each partition is
    # scored by the worker holding it, never sent to the other one (Dask sends a list of rows
    # item by item, slower than scoring it); the results are those of one process
    import dask

    workers = sorted(client.scheduler_info()["workers"])
    seeds = list(range(40, 48))
    parts = [
        client.persist(dask.delayed(_rows_of)(s), workers=[workers[i % 2]])
        for i, s in enumerate(seeds)
    ]
    distributed.wait(parts)
    held = {p: next(iter(client.who_has(parts[p]).values()))[0] for p in range(len(parts))}
    assert sorted(set(held.values())) == workers
    bag = db.from_delayed(parts)
    scored = jd.score_bag(bag, "central")
    with distributed.get_task_stream(client) as stream:
        got = scored.compute()
    ran = {t["key"][1]: t["worker"] for t in stream.data if t["key"][0] == scored.name}
    assert ran == held
    rows = [r for s in seeds for r in _rows_of(s)]
    assert [snapshot(g) for g in got] == [snapshot(w) for w in score_rows(rows, "central")]


def test_bag_outputs_and_a_custom_policy(client: Any) -> None:
    policy = jixiao.load_policy(str(ROOT / "examples" / "myprovince.policy"))
    rows = generated_rows(300, seed=12)
    bag = db.from_sequence(rows, npartitions=4)
    dicts = jd.score_bag(bag, policy, output="dicts", lang="en").compute()
    assert dicts == [r.to_dict("en") for r in score_rows(rows, policy)]
    recs = jd.score_bag(bag, policy, output="records", explain=True).compute()
    assert recs == [record(r, explain=True) for r in score_rows(rows, policy)]
    with pytest.raises(ValueError, match="output"):
        jd.score_bag(bag, policy, output="csv")


def test_a_bag_of_forms(client: Any) -> None:
    seed = json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))
    split = json.loads((ROOT / "examples" / "sichuan_split.json").read_text(encoding="utf-8"))
    forms = [seed, split, {"indicators": None}, seed]
    got = jd.score_forms_bag(db.from_sequence(forms, npartitions=2), "central").compute()
    want = list(score_forms(forms, "central"))
    assert [g.to_dict() for g in got] == [w.to_dict() for w in want]
    assert got[2].findings[0].where == "forms[2]"  # numbered in the whole bag


def test_a_dask_dataframe(client: Any) -> None:
    from jixiao.tables import score_table

    rows = generated_rows(500, seed=13)
    df = pd.DataFrame(rows)
    ddf = dd.from_pandas(df, npartitions=5)
    out = jd.score_dataframe(ddf, "central", explain=True).compute()
    want = score_table(df, "central", explain=True)
    cols = [*RESULT_COLUMNS, "explanation"]
    assert list(out.columns) == list(want.columns)
    assert out.index.tolist() == want.index.tolist()
    assert out[cols].astype(object).to_dict("list") == want[cols].astype(object).to_dict("list")
