"""Score partitioned data on Dask: a bag of rows or forms, or a Dask DataFrame of rows.

在 Dask 上评分：输入 Dask bag（指标行或表单）或 Dask DataFrame（每行一个指标），返回同样分区的
结果集合，逐行结果与单进程 :func:`jixiao.score_rows` 完全相同。需要 ``dask`` 扩展
（``pip install 'jixiao[dask]'``）。

>>> import dask.bag as db
>>> import jixiao.dask
>>> rows = db.from_sequence([{"target": "≥45人", "actual": "40人", "weight": 10}] * 4, npartitions=2)
>>> [r.score for r in jixiao.dask.score_bag(rows, "central").compute()]
[Decimal('8.89'), Decimal('8.89'), Decimal('8.89'), Decimal('8.89')]

Each partition is scored by :func:`jixiao.score_rows` (or :func:`jixiao.batch.score_forms`,
:func:`jixiao.tables.score_table`) in the worker that holds it: the policy travels in the task
graph as the compressed text of its rule files (a few kB) and is compiled once per worker
process; results pickle compactly (the policy once per partition, the rule as its index). See
docs/scale.md for running on a cluster and the throughput per worker.
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

from jixiao.batch import RESULT_COLUMNS, collecting, record, score_forms, score_rows
from jixiao.errors import UsageError
from jixiao.evaluate.indicators import budget_year
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy
from jixiao.tables import score_table

__all__ = ["CLUSTER_CONFIG", "score_bag", "score_dataframe", "score_forms_bag"]

#: Dask settings for a cluster that scores: set them before it starts
#: (``with dask.config.set(jixiao.dask.CLUSTER_CONFIG): LocalCluster(...)``; a ``LocalCluster``
#: passes them to its worker processes) or, on a real cluster, in the Dask configuration of
#: every node (docs/scale.md gives them as YAML). Scoring is long, CPU-bound Python: Dask's
#: statistical profiler interrupts each worker every 10 ms to walk its stack, and the scheduler,
#: nannies and client poll memory, the system and their event loops many times a second. Where
#: every core runs a worker, that polling takes CPU from the workers. The price: no profile in
#: the dashboard, and a worker over its memory limit is noticed within a second, not 0.1 s
#: (docs/scale.md, item 45, has both measured).
CLUSTER_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}

_OUTPUTS = ("results", "dicts", "records")


def _policy(policy: Policy | str) -> Policy:
    return load_policy(policy)


def _check_output(output: str) -> None:
    if output not in _OUTPUTS:
        raise UsageError(
            f"output 应为 {'、'.join(_OUTPUTS)} 之一，收到 {output!r} "
            f"(output must be one of {', '.join(_OUTPUTS)})"
        )


def _held(partition: Any) -> list[Any] | tuple[Any, ...]:
    """A partition as a list both its counting and its scoring can read: a bag's partition may be
    an iterator (a generator from ``map_partitions``), which counting would use up and leave the
    scoring nothing. A list or tuple is passed as it is, not copied. (Not ``dask.bag.core.reify``:
    it also turns rows that are iterators into lists, which one process would not.)"""
    return partition if isinstance(partition, (list, tuple)) else list(partition)


def _firsts(counts: list[int]) -> list[int]:
    """The number of each partition's first item in the whole bag, from every partition's count."""
    return list(itertools.accumulate(counts, initial=0))[:-1]


def _each_partition(bag: Any, name: str, func: Any, *args: Any) -> Any:
    """A bag whose partition *p* is ``func(partition p, firsts, p, *args)``, ``firsts[p]`` being
    the number of the partition's first item in the whole *bag*: a row that cannot be read is
    located at ``rows[i]`` as it is in one process.

    Each partition is made a list (:func:`_held`) and counted by tasks taking that partition
    alone, so the scheduler runs them where the partition is, and one small task adds the counts
    up. Every partition's scoring then becomes ready at once, before any worker is busy scoring,
    so the scheduler gives each to the worker holding its partition. (With the start numbers a
    chain, one a partition, the scheduler placed each number, and then each scoring, while the
    worker holding that partition was scoring: it could move the partition to an idle worker,
    which Dask sends item by item and which took longer than scoring it (docs/scale.md), or make
    a small task wait for a whole partition.) The counting reads what the scoring reads (the same
    task's result: a bag read lazily is read once), so every partition is read before any is
    scored."""
    # typed as Any whether or not dask (partly typed) is installed where mypy runs
    tokenize = importlib.import_module("dask.base").tokenize
    bag_type = importlib.import_module("dask.bag").Bag
    graph_type = importlib.import_module("dask.highlevelgraph").HighLevelGraph

    # tasks as tuples (a key inside one is the value of that key), understood by every dask
    # version jixiao supports; one layer, so Dask optimises the counting with the scoring
    token = tokenize(bag.name, func, *args)
    out, held = f"{name}-{token}", f"jixiao-held-{token}"
    counts, firsts = f"jixiao-counts-{token}", f"jixiao-firsts-{token}"
    parts = range(bag.npartitions)
    layer: dict[Any, Any] = {(held, p): (_held, (bag.name, p)) for p in parts}
    layer.update({(counts, p): (len, (held, p)) for p in parts})
    layer[firsts] = (_firsts, [(counts, p) for p in parts])
    for p in parts:
        layer[(out, p)] = (func, (held, p), firsts, p, *args)
    graph = graph_type.from_collections(out, layer, dependencies=[bag])
    return bag_type(graph, out, bag.npartitions)


def _rows_partition(
    rows: Any,
    firsts: list[int],
    p: int,
    policy: Policy,
    output: str,
    lang: str,
    explain: bool,
    year: int | None = None,
) -> list[Any]:
    results = score_rows(rows, policy, start=firsts[p], year=year)
    with collecting():
        if output == "dicts":
            return [r.to_dict(lang) for r in results]
        if output == "records":
            return [record(r, explain=explain, lang=lang) for r in results]
        return list(results)


def _forms_partition(
    forms: Any, firsts: list[int], p: int, policy: Policy, output: str, lang: str
) -> list[Any]:
    results = score_forms(forms, policy, start=firsts[p])
    with collecting():
        if output == "dicts":
            return [r.to_dict(lang) for r in results]
        return list(results)


def score_bag(
    bag: Any,
    policy: Policy | str = "central",
    *,
    output: str = "results",
    lang: str = "zh",
    explain: bool = False,
    year: int | None = None,
) -> Any:
    """A ``dask.bag.Bag`` of indicator rows → a bag of their results, partition for partition.

    *output*: ``"results"`` (:class:`~jixiao.evaluate.IndicatorResult`, the default),
    ``"dicts"`` (``to_dict(lang)``: JSON-ready, e.g. for ``.map(json.dumps).to_textfiles()``) or
    ``"records"`` (:func:`jixiao.batch.record`, flat; *explain* adds the explanation).
    *year*: the budget year of the rows, as for :func:`jixiao.score_rows`.
    """
    _check_output(output)
    pol = _policy(policy)
    placed = budget_year(year)
    return _each_partition(bag, "jixiao-rows", _rows_partition, pol, output, lang, explain, placed)


def score_forms_bag(
    bag: Any, policy: Policy | str = "central", *, output: str = "results", lang: str = "zh"
) -> Any:
    """A ``dask.bag.Bag`` of forms (dicts in the form JSON shape, or :class:`Form`) → a bag of
    :class:`~jixiao.evaluate.FormResult` (or ``"dicts"``: their ``to_dict(lang)``)."""
    if output not in ("results", "dicts"):
        _check_output("?")
    pol = _policy(policy)
    return _each_partition(bag, "jixiao-forms", _forms_partition, pol, output, lang)


def score_dataframe(
    ddf: Any,
    policy: Policy | str = "central",
    *,
    explain: bool = False,
    lang: str = "zh",
    year: int | None = None,
) -> Any:
    """A Dask DataFrame of indicator rows → the same rows with the result columns added.

    Each partition goes through :func:`jixiao.tables.score_table`; the columns are those of
    the input followed by :data:`jixiao.batch.RESULT_COLUMNS` (and ``explanation``). *year*: the
    budget year of the rows, as for :func:`jixiao.score_rows`.
    """
    pol = _policy(policy)
    placed = budget_year(year)
    meta = score_table(ddf._meta, pol, explain=explain, lang=lang, year=placed)
    return ddf.map_partitions(score_table, pol, explain=explain, lang=lang, year=placed, meta=meta)


__all__ += ["RESULT_COLUMNS"]
