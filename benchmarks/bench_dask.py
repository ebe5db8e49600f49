"""Throughput of jixiao.dask on a local distributed cluster with 1 and 2 worker processes.

    python benchmarks/bench_dask.py                          # 1,000,000 rows, 8 partitions
    python benchmarks/bench_dask.py --rows 2000000 --partitions 16 --workers 1 2 --repeat 3
    python benchmarks/bench_dask.py --scheduler tcp://10.0.0.5:8786   # a real cluster
    python benchmarks/bench_dask.py --quick                  # small sizes: a smoke run for CI

(``bench_throughput.py`` runs Dask on 1 and 2 workers too, checks the results against one
process's, and reports them beside the other measurements of issue 14.)

The rows (realistic repetition, see ``benchmarks/rows.py``) are generated on the workers and
persisted there before the clock starts, so the timing is the scoring: ``score_bag`` (results
reduced on the workers to a count and a checksum of the scores, as a job writing its results
to storage would do) and ``score_dataframe`` (a Dask DataFrame of the same rows, result columns
added). The single-process rate of ``jixiao.score_rows`` on one partition is measured in the
same run for comparison. Each worker is one process with one thread, and the LocalCluster is
started with ``jixiao.dask.CLUSTER_CONFIG`` (``--dask-defaults``: with Dask's own settings).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def make_partition(seed: int, n: int) -> list[dict[str, Any]]:
    import rows

    return list(rows.rows(n, seed=seed))


def reduce_results(results: Any) -> list[tuple[int, Decimal]]:
    count = 0
    total = Decimal(0)
    for r in results:
        count += 1
        if r.score is not None:
            total += r.score
    return [(count, total)]


def reduce_frame(df: Any) -> Any:
    import pandas as pd

    return pd.DataFrame({"n": [len(df)], "scored": [int(df["computed_score"].notna().sum())]})


def run(client: Any, n: int, partitions: int, policy: Any, repeat: int) -> dict[str, Any]:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import wait

    import jixiao.dask as jd

    per = n // partitions
    parts = [dask.delayed(make_partition)(seed, per) for seed in range(partitions)]
    bag = db.from_delayed(parts).persist()
    wait(bag)
    frames = [dask.delayed(pd.DataFrame)(p) for p in bag.to_delayed()]
    ddf = dd.from_delayed(frames, meta=pd.DataFrame(make_partition(0, 200))).persist()
    wait(ddf)
    rows_total = per * partitions
    out: dict[str, Any] = {"rows": rows_total, "bag": [], "dataframe": []}
    for _ in range(repeat):
        # a fresh policy copy per run would defeat the workers' memo; a real job scores once,
        # so each run clears the workers' caches first
        client.run(_clear_caches)
        start = time.perf_counter()
        counts = jd.score_bag(bag, policy).map_partitions(reduce_results).compute()
        out["bag"].append(rows_total / (time.perf_counter() - start))
        assert sum(c for c, _ in counts) == rows_total
        client.run(_clear_caches)
        start = time.perf_counter()
        res = jd.score_dataframe(ddf, policy).map_partitions(reduce_frame).compute()
        out["dataframe"].append(rows_total / (time.perf_counter() - start))
        assert int(res["n"].sum()) == rows_total
    return out


def _import_from(folder: str) -> None:
    if folder not in sys.path:
        sys.path.insert(0, folder)


def _clear_caches() -> None:
    import jixiao
    from jixiao.evaluate import memo_clear

    for name in jixiao.shipped_policies():
        memo_clear(jixiao.load_policy(name))
    jixiao.targets.cache_clear()


def single_process(n: int, policy: Any) -> float:
    import jixiao

    data = make_partition(0, n)
    _clear_caches()
    start = time.perf_counter()
    reduce_results(jixiao.score_rows(data, policy))
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--policy", default="central")
    ap.add_argument("--scheduler", help="address of a running dask scheduler (else LocalCluster)")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run for CI)")
    ap.add_argument(
        "--dask-defaults",
        action="store_true",
        help="start the LocalCluster with Dask's default settings, not jixiao.dask.CLUSTER_CONFIG",
    )
    ns = ap.parse_args()
    if ns.quick:
        ns.rows, ns.partitions, ns.repeat = 40_000, 4, 1

    import dask
    from distributed import Client, LocalCluster

    import jixiao
    import jixiao.dask as jd

    policy = jixiao.load_policy(ns.policy)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{ns.rows:,} rows in {ns.partitions} partitions; policy {ns.policy}"
    )
    one = single_process(ns.rows // ns.partitions, policy)
    print(f"single process, score_rows on one partition: {one:>10,.0f} rows/s")
    setups: list[tuple[str, Any]] = []
    if ns.scheduler:
        setups.append((ns.scheduler, None))
    else:
        for k in ns.workers:
            setups.append((f"{k} worker(s)", k))
    for label, k in setups:
        if k is None:
            client = Client(label)
            cluster = None
        else:
            # jixiao's settings for a scoring cluster, unless --dask-defaults (the nannies give
            # the settings at the cluster's start to the workers)
            with dask.config.set({} if ns.dask_defaults else jd.CLUSTER_CONFIG):
                cluster = LocalCluster(
                    n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None
                )
            client = Client(cluster)
        try:
            # the workers import rows.py from here (an uploaded copy would not find the
            # shared corpus beside the checkout, and would make other rows)
            client.run(_import_from, str(HERE))
            out = run(client, ns.rows, ns.partitions, policy, ns.repeat)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        for what in ("bag", "dataframe"):
            rates = out[what]
            med = statistics.median(rates)
            print(
                f"{label:<12} {what:<10} {med:>10,.0f} rows/s  (min {min(rates):,.0f}, "
                f"max {max(rates):,.0f}; {med / one:.2f}x one process)"
            )


if __name__ == "__main__":
    main()
