"""Batch scoring throughput and memory, Dask on 1 and 2 workers, and the same central rules in
rule-engine: every measurement of issue 14 in one invocation, as ratios within the run.

    python benchmarks/bench_throughput.py                      # 1,000,000 rows, 3 repeats
    python benchmarks/bench_throughput.py --rows 200000 --distinct 50000 --repeat 1
    python benchmarks/bench_throughput.py --quick              # a smoke run for CI (~1 min)
    python benchmarks/bench_throughput.py --profile realistic  # cProfile of one run

What is measured (every run in a fresh child process, so each starts with empty caches and its
peak RSS is its own):

* ``realistic`` — ``jixiao.score_rows`` over ``--rows`` indicator rows with the repetition of real
  cells (see ``benchmarks/rows.py``), end to end from cell text: every target and actual cell
  is text, weights and claimed scores as a reader gives them. The rows stream from their
  generator inside the clock (flat memory is what this run shows; making a row costs about a
  µs, a third of scoring a repeated one, and is inside its rows/s). Results are consumed and
  discarded. Rows/s and peak RSS.
* ``realistic-list`` — the same rows, given as a list generated before the clock starts, as the
  rule-engine anchors' and the other speed runs' are: the speed of ``score_rows`` itself.
* ``realistic+json`` — the same, each result written as a JSON line (``to_dict``) to /dev/null.
* ``realistic/10`` — a tenth of the rows, to show that peak memory does not grow with the count.
* ``distinct`` — ``--distinct`` rows whose target and actual cells are all different: every cell
  is parsed.
* ``mostly-distinct`` — the realistic rows with every numeric actual its own number (``47.23人``;
  ``rows.mostly_distinct``): targets repeat, actuals rarely do, as in real returns.
* ``distinct`` and ``mostly-distinct`` measure speed: like the rule-engine anchors, they are given
  their rows as a list generated before the clock starts (making a mostly-distinct row costs a
  few µs, a real share of scoring it), so jixiao and its anchor are timed on the same work.
  Their peak RSS includes that list.
* ``arrow`` / ``arrow-md`` — the realistic (mostly-distinct) rows as one ``pyarrow.Table``
  (written to an Arrow IPC file by another process first), read and scored by
  ``jixiao.tables.score_table`` (the columnar path). Besides rows/s: the memory the table, the
  scoring and the result take together (peak RSS minus the RSS before the table was read)
  against the input table's ``nbytes``.
* ``rule-engine`` — the central rules (blank cells, qualitative tiers by words, zero target,
  positive, reverse, range) written as ``rule_engine.Rule`` expressions, run over the first
  ``--rule-engine-rows`` rows of the realistic stream, each given its numbers already parsed
  (parsing, and generating the rows into a list, are done before timing). The scores are
  checked against jixiao's on every numeric template. The ratio compares jixiao from text with
  rule-engine on numbers.
* ``rule-engine-md`` — the same on the mostly-distinct rows (the anchor for ``mostly-distinct``
  and ``arrow-md``); ``rule-engine-distinct`` on the distinct rows (the anchor for ``distinct``).
* ``dask-ref`` / ``dask-1`` / ``dask-2`` — ``--dask-rows`` realistic rows in ``--partitions``
  partitions: scored in this one process by ``score_rows``, and by ``jixiao.dask.score_bag`` on a
  ``LocalCluster`` of 1 and of 2 worker processes (one thread each, started with
  ``jixiao.dask.CLUSTER_CONFIG``; rows made and persisted on the workers before the clock starts,
  caches cleared, each result read). With ``--dask-default-too``, ``dask-1-default`` and
  ``dask-2-default`` too: the same with Dask's default settings. Then, untimed, a digest
  of every result's ``to_dict`` per partition: the cluster's results must be identical to the
  one process's (the run fails otherwise). Reported: 2 workers / 1 worker, and the load average
  before and after each run (the machine's cores may be busy with other work; 2 workers cannot
  go faster than the idle cores allow).
* ``procs-2`` — the anchor for ``dask-2`` / ``dask-1``: the same halves of the Dask partitions
  (each the one a ``dask-2`` worker holds) scored by ``score_rows`` in two plain processes,
  released together once both are set up, timed until the later one is done; against
  ``dask-ref`` (one process, every partition) it is the parallelism this machine gave plain
  Python in that round, the ceiling for what Dask's two workers can show.

At the end, the goals of issue 14 with this run's numbers (at ``--quick`` sizes they say nothing:
the goals are for the full sizes).

Runs are interleaved (a, b, c, a, b, c, …) and the median and spread reported, since this
machine's CPU is shared; compare ratios from the same invocation rather than absolute numbers
across invocations.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    """Peak RSS of this process. VmHWM on Linux: ru_maxrss would carry the parent's peak
    across exec."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    # ru_maxrss is in KiB on Linux (bytes on macOS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


# ----------------------------------------------------------------------------- jixiao


def _stream(mode: str, n: int, seed: int) -> Any:
    import rows as data

    if mode in ("mostly-distinct", "arrow-md", "rule-engine-md"):
        return data.mostly_distinct(n, seed=seed)
    return data.rows(n, distinct=mode in ("distinct", "rule-engine-distinct"), seed=seed)


def _reset_peak() -> bool:
    """Reset the peak RSS (VmHWM) of this process, where Linux allows it."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _arrow_table(mode: str, n: int, seed: int) -> Any:
    import pyarrow as pa

    parts = []
    buf: list[dict[str, Any]] = []
    for row in _stream(mode, n, seed):
        for k in ("weight", "score"):  # one type per column: numbers as the text a reader gives
            if row[k] is not None:
                row[k] = str(row[k])
        buf.append(row)
        if len(buf) >= 50_000:
            parts.append(pa.Table.from_pylist(buf))
            buf = []
    if buf:
        parts.append(pa.Table.from_pylist(buf))
    return pa.concat_tables(parts).combine_chunks()


def _arrow_file(mode: str, n: int, seed: int) -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / f"jixiao-bench-{os.getpid()}-{mode}-{n}-{seed}.arrow"


def build_arrow(mode: str, n: int, seed: int, path: str) -> dict[str, Any]:
    """Write the rows of *mode* as an Arrow IPC file (in its own process, before the run)."""
    import pyarrow as pa

    table = _arrow_table(mode, n, seed)
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {"mode": "build", "rows": n, "table_mb": table.nbytes / 2**20}


def run_arrow(mode: str, n: int, seed: int, policy_name: str, path: str) -> dict[str, Any]:
    """Score the Arrow table in *path*: rows/s, and the memory the table, the scoring and the
    result take together, from the RSS of the process before the table was read."""
    import gc

    import pyarrow as pa

    import jixiao
    from jixiao.tables import score_table

    policy = jixiao.load_policy(policy_name)
    jixiao.parse_target("合格率≥45人")  # a cell only Lark reads: build the parser now
    score_table(pa.table({"target": ["≥1人"], "actual": ["1人"], "weight": ["1"]}), policy)
    gc.collect()
    before = _current_rss_mb()
    _reset_peak()
    with pa.OSFile(path, "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    start = time.perf_counter()
    out = score_table(table, policy)
    elapsed = time.perf_counter() - start
    peak = _rss_mb()
    table_mb = table.nbytes / 2**20
    return {
        "mode": mode,
        "rows": n,
        "seconds": elapsed,
        "rows_per_s": n / elapsed,
        "peak_rss_mb": peak,
        "rss_before_mb": before,
        "total_mb": peak - before,
        "table_mb": table_mb,
        "result_mb": out.nbytes / 2**20 - table_mb,
        "unscored": out.column("computed_score").null_count,
    }


#: The jixiao runs whose rows are generated into a list before the clock starts, exactly as the
#: rule-engine anchors' are: their purpose is speed, and making a row costs a real share of
#: scoring it (about 1 µs a realistic row, 2 µs a mostly-distinct one). The ``realistic`` runs
#: stream from the generator (the clock and the peak RSS include making the rows): they measure
#: flat memory over a million rows.
MATERIALIZED = frozenset({"mostly-distinct", "distinct", "realistic-list"})


def run_jixiao(mode: str, n: int, seed: int, policy_name: str) -> dict[str, Any]:
    import gc

    import jixiao
    from jixiao.evaluate import memo_info

    policy = jixiao.load_policy(policy_name)
    jixiao.parse_target("合格率≥45人")  # a cell only Lark reads: build the parser now
    # The speed runs (realistic-list, mostly-distinct, distinct) are given their rows as a list
    # made before the clock starts, as the rule-engine anchor is; the realistic runs (the
    # peak-RSS measurement) stream them from the generator, inside the clock.
    stream: Any = _stream(mode, n, seed)
    if mode in MATERIALIZED:
        stream = list(stream)
    gc.collect()
    before = _current_rss_mb()
    scored = unscored = 0
    start = time.perf_counter()
    if mode == "realistic+json":
        with open(os.devnull, "w", encoding="utf-8") as out:
            buf: list[str] = []
            for r in jixiao.score_rows(stream, policy):
                buf.append(json.dumps(r.to_dict(), ensure_ascii=False))
                if len(buf) >= 1000:
                    out.write("\n".join(buf) + "\n")
                    buf.clear()
            out.write("\n".join(buf))
        scored = n
    else:
        for r in jixiao.score_rows(stream, policy):
            if r.score is None:
                unscored += 1
            else:
                scored += 1
    elapsed = time.perf_counter() - start
    info = memo_info(policy)
    return {
        "mode": mode,
        "rows": n,
        "seconds": elapsed,
        "rows_per_s": n / elapsed,
        "peak_rss_mb": _rss_mb(),
        "rss_before_mb": before,
        "unscored": unscored,
        "memo": {"hits": info.hits, "misses": info.misses, "size": info.currsize},
        "parse_cache": {k: v.currsize for k, v in jixiao.targets.cache_info().items()},
    }


# ----------------------------------------------------------------------------- rule-engine

# The central policy (rules/central.policy) in rule-engine's language. Inputs are pre-parsed:
# tkind/akind/top (target kind and comparator), t/a (target and actual in one base unit), lo/hi
# (a range target), tnum/anum (whether a cell has a number), atext/status (the actual's words).
RULES: list[tuple[str, str, str | None]] = [
    ("目标空白", "tkind == 'empty'", None),
    ("实际值空白", "akind == 'empty'", None),
    (
        "定性指标",
        "not tnum or not anum",
        "(atext in done or status == 'done') ? w : "
        "((atext in partial or status == 'partial') ? w * 0.7 : "
        "((atext in notdone or status == 'not_done') ? w * 0.3 : null))",
    ),
    ("零目标", "top in ['<=', '<', '='] and t == 0", "a <= 0 ? w : 0"),
    ("正向指标", "top in ['>=', '>', '='] or tkind == 'quantity'", "a >= t ? w : w * a / t"),
    ("反向指标", "top in ['<=', '<']", "a <= t ? w : w * t / a"),
    (
        "区间指标",
        "tkind == 'range'",
        "(a >= lo and a <= hi) ? w : (a < lo ? w * a / lo : w * hi / a)",
    ),
]
NUMERIC_RULES = {"零目标", "正向指标", "反向指标", "区间指标"}
CENT = Decimal("0.01")


def _preparse(target: str, actual: str, policy: Any) -> dict[str, Any] | None:
    """The numbers and words rule-engine is given for one pair of cells (None: not comparable)."""
    from jixiao import parse_actual, parse_target
    from jixiao.errors import TargetSyntaxError
    from jixiao.evaluate.outcome import new_ctx as _new_ctx
    from jixiao.policy.names import norm_word as _norm

    try:
        tnode = parse_target(target)
        anode = parse_actual(actual, tnode)
    except TargetSyntaxError:
        return None
    ctx = _new_ctx(tnode, anode, None, None)
    if ctx.aq is not None and ctx.target_dim is not None and ctx.actual_dim != ctx.target_dim:
        return None  # a unit mismatch: jixiao leaves the row unscored
    text = getattr(anode, "text", None)
    return {
        "tkind": tnode.kind,
        "akind": anode.kind,
        "top": getattr(tnode, "op", None) or "",
        "t": ctx.tq,
        "a": ctx.aq,
        "lo": ctx.tlow,
        "hi": ctx.thigh,
        "tnum": ctx.tq is not None or ctx.tlow is not None,
        "anum": ctx.aq is not None,
        "atext": _norm(text if isinstance(text, str) else anode.render()),
        "status": getattr(anode, "status", None) or "",
    }


def _number(value: Any) -> Decimal | None:
    from jixiao.forms.model import to_decimal

    try:
        return to_decimal(value, where="weight")
    except ValueError:
        return None


def run_rule_engine(mode: str, n: int, seed: int, policy_name: str) -> dict[str, Any]:
    import gc

    import rule_engine

    import jixiao

    policy = jixiao.load_policy(policy_name)
    table = policy.tiers["定性三档"]
    words: dict[str, list[str]] = {"达成": [], "部分达成": [], "未达成": []}
    for word, tier in table.words.items():
        words.setdefault(tier, []).append(word)
    shared = {"done": words["达成"], "partial": words["部分达成"], "notdone": words["未达成"]}
    compiled = [
        (name, rule_engine.Rule(when), rule_engine.Rule(score) if score else None)
        for name, when, score in RULES
    ]

    def score(ctx: dict[str, Any]) -> tuple[str | None, Decimal | None]:
        for name, when, expr in compiled:
            if when.matches(ctx):
                if expr is None:
                    return name, None
                value = expr.evaluate(ctx)
                if value is None:
                    return name, None
                return name, Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
        return None, None

    # Pre-parse every distinct (target, actual, weight) of the stream, and check agreement with
    # jixiao on the numeric ones, before the clock starts.
    prepared: dict[tuple[Any, ...], dict[str, Any] | None] = {}
    agree = disagree = 0
    examples: list[str] = []
    for row in _stream(mode, n, seed):
        key = (row["target"], row["actual"], row["weight"])
        if key in prepared:
            continue
        base = _preparse(str(row["target"] or ""), str(row["actual"] or ""), policy)
        weight = _number(row["weight"])
        if base is None or weight is None:
            prepared[key] = None
            continue
        ctx = {**shared, **base, "w": weight}
        prepared[key] = ctx
        rule, value = score(ctx)
        if rule in NUMERIC_RULES:
            mine = policy.score(
                {"target": row["target"], "actual": row["actual"], "weight": weight}
            )
            if mine.score == value and mine.rule is not None and mine.rule.name == rule:
                agree += 1
            else:
                disagree += 1
                if len(examples) < 5:
                    examples.append(f"{key}: jixiao {mine.score} vs rule-engine {value}")

    done = 0
    rows = list(_stream(mode, n, seed))  # generated before the clock starts
    gc.collect()
    start = time.perf_counter()
    for row in rows:
        ctx = prepared[(row["target"], row["actual"], row["weight"])]
        if ctx is not None:
            score(ctx)
        done += 1
    elapsed = time.perf_counter() - start
    return {
        "mode": mode,
        "rows": done,
        "seconds": elapsed,
        "rows_per_s": done / elapsed,
        "peak_rss_mb": _rss_mb(),
        "agree": agree,
        "disagree": disagree,
        "disagreements": examples,
    }


# ----------------------------------------------------------------------------- Dask


def _partition(seed: int, n: int) -> list[dict[str, Any]]:
    """One partition of realistic rows (made on the worker that holds it)."""
    import rows as data

    return list(data.rows(n, seed=seed))


def _checksum(results: Any) -> list[tuple[int, str]]:
    """What a job writing its results somewhere does with them, minus the writing: read each."""
    count = 0
    total = Decimal(0)
    for r in results:
        count += 1
        if r.score is not None:
            total += r.score
    return [(count, str(total))]


def _digest(results: Any) -> list[str]:
    """A digest of everything each result says (its ``to_dict``: score, findings, explanation,
    steps …), to compare the cluster's results with one process's."""
    import hashlib

    h = hashlib.sha256()
    for r in results:
        h.update(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return [h.hexdigest()]


def _import_from(folder: str) -> None:
    if folder not in sys.path:
        sys.path.insert(0, folder)


def _clear_caches() -> None:
    """Set a process (a worker, or this one for ``dask-ref``) up as every other run is before
    its clock: jixiao imported (its Dask adapter too), the policies compiled and the parser
    built (a cell only Lark reads); then every cache emptied, as in a fresh process."""
    import jixiao
    import jixiao.dask  # what each task runs
    from jixiao.evaluate import memo_clear

    jixiao.parse_target("合格率≥45人")
    for name in jixiao.shipped_policies():
        memo_clear(jixiao.load_policy(name))
    jixiao.targets.cache_clear()


def run_dask(mode: str, n: int, seed: int, policy_name: str, partitions: int) -> dict[str, Any]:
    """``jixiao.dask.score_bag`` on a LocalCluster of *k* worker processes (one thread each),
    ``dask-k``; ``dask-ref`` scores the same partitions in this process with ``score_rows``.
    The rows are made and persisted on the workers (evenly, in turn) before the clock starts,
    and each process is set up as the other runs are (:func:`_clear_caches`: parser built,
    caches empty). Timed: scoring, each result read (:func:`_checksum`). Then, untimed, a
    digest of every result per partition."""
    import jixiao

    policy = jixiao.load_policy(policy_name)
    per = n // partitions
    seeds = [seed * 1000 + p for p in range(partitions)]
    load = os.getloadavg()[0]
    if mode == "dask-ref":
        parts = [_partition(s, per) for s in seeds]
        flat = [row for part in parts for row in part]
        _clear_caches()
        start = time.perf_counter()
        sums = _checksum(jixiao.score_rows(flat, policy))
        elapsed = time.perf_counter() - start
        results = iter(list(jixiao.score_rows(flat, policy)))
        digests = [_digest(itertools.islice(results, len(part)))[0] for part in parts]
    else:
        import dask
        import dask.bag as db
        from distributed import Client, LocalCluster, wait

        import jixiao.dask as jd

        workers = int(mode.split("-")[1])
        # jixiao's settings for a scoring cluster (profiler off, monitors relaxed), set for the
        # cluster's start (its nannies give them to the workers); dask-k-default: Dask's own
        settings = {} if mode.endswith("-default") else jd.CLUSTER_CONFIG
        with dask.config.set(settings):
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        with cluster, Client(cluster) as client:
            # the workers import rows.py from here (an uploaded copy would not find the
            # shared corpus beside the checkout, and would make other rows)
            client.run(_import_from, str(HERE))
            # the partitions are made evenly on the workers, in turn (as a cluster reading one
            # file per worker would hold them), so each worker scores the ones it holds: left to
            # the scheduler they were sometimes 5 and 3, and the worker with 3 then fetched a
            # partition from the other, busy, one (seconds of waiting, not jixiao's work)
            addresses = sorted(client.scheduler_info()["workers"])
            parts = [
                client.persist(
                    dask.delayed(_partition)(s, per), workers=[addresses[i % len(addresses)]]
                )
                for i, s in enumerate(seeds)
            ]
            wait(parts)
            bag = db.from_delayed(parts)
            client.run(_clear_caches)
            start = time.perf_counter()
            sums = jd.score_bag(bag, policy).map_partitions(_checksum).compute()
            elapsed = time.perf_counter() - start
            digests = jd.score_bag(bag, policy).map_partitions(_digest).compute()
    return {
        "mode": mode,
        "rows": per * partitions,
        "seconds": elapsed,
        "rows_per_s": per * partitions / elapsed,
        "peak_rss_mb": _rss_mb(),
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "checksum": [sum(c for c, _ in sums), str(sum(Decimal(t) for _, t in sums))],
        "digests": digests,
    }


def run_half(n: int, seed: int, policy_name: str, partitions: int, which: int) -> dict[str, Any]:
    """One of the two processes of ``procs-2``: the partitions worker *which* of ``dask-2``
    holds (every other one), scored with ``score_rows`` in this process, no Dask. Set up as a
    worker is (rows made, :func:`_clear_caches`), then it says ``ready`` and waits for ``go`` on
    stdin, so the two start together; timed as ``dask-2`` is (each result read)."""
    import jixiao

    policy = jixiao.load_policy(policy_name)
    per = n // partitions
    parts = [_partition(seed * 1000 + p, per) for p in range(which, partitions, 2)]
    _clear_caches()
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    sums = [_checksum(jixiao.score_rows(part, policy))[0] for part in parts]
    elapsed = time.perf_counter() - start
    return {
        "rows": per * len(parts),
        "seconds": elapsed,
        "peak_rss_mb": _rss_mb(),
        "checksum": [sum(c for c, _ in sums), str(sum(Decimal(t) for _, t in sums))],
    }


# ----------------------------------------------------------------------------- driver


def _child(args: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _procs_2(n: int, seed: int, policy: str, partitions: int) -> dict[str, Any]:
    """``procs-2``: two plain processes (:func:`run_half`), each scoring the partitions one
    ``dask-2`` worker holds, released together once both are set up; the time until the later
    one has finished. Against ``dask-ref`` (one process, every partition), the parallelism this
    machine gives plain Python at that moment: the ceiling for ``dask-2`` / ``dask-1``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "half", str(n), str(seed)]
    procs = [
        subprocess.Popen(
            [*cmd, policy, str(partitions), str(which)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for which in (0, 1)
    ]
    load = os.getloadavg()[0]
    outs: list[dict[str, Any]] = []
    try:
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a procs-2 child failed before it was ready")
        start = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        ends = []
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("a procs-2 child failed while scoring")
            outs.append(json.loads(line))
            ends.append(time.perf_counter())
        # the later of the two ends (each read as soon as that process printed it)
        elapsed = max(ends) - start
    except BaseException:
        for proc in procs:  # one failed: the other may be waiting for "go"
            proc.kill()
        raise
    finally:
        for proc in procs:
            proc.wait()
    if any(proc.returncode for proc in procs):
        raise RuntimeError("a procs-2 child failed")
    rows = sum(o["rows"] for o in outs)
    return {
        "mode": "procs-2",
        "rows": rows,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "halves_s": [o["seconds"] for o in outs],
        "peak_rss_mb": max(o["peak_rss_mb"] for o in outs),
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "checksum": [
            sum(o["checksum"][0] for o in outs),
            str(sum(Decimal(o["checksum"][1]) for o in outs)),
        ],
    }


def _summary(runs: list[dict[str, Any]]) -> str:
    rates = [r["rows_per_s"] for r in runs]
    med = statistics.median(rates)
    spread = (max(rates) - min(rates)) / med * 100 if med else 0.0
    rss = max(r["peak_rss_mb"] for r in runs)
    rounds = f"; rounds {' / '.join(f'{r:,.0f}' for r in rates)}" if len(rates) > 1 else ""
    return (
        f"{med:>12,.0f} rows/s  (min {min(rates):,.0f}, max {max(rates):,.0f}, "
        f"spread {spread:.0f}%{rounds})  peak RSS {rss:,.0f} MB"
    )


def _median(runs: list[dict[str, Any]]) -> float:
    return statistics.median(r["rows_per_s"] for r in runs)


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _dask_summary(results: dict[str, list[dict[str, Any]]]) -> None:
    ref = results["dask-ref"][0]
    one, two = _median(results["dask-1"]), _median(results["dask-2"])
    dask_modes = [m for m in results if m.startswith("dask-") and m != "dask-ref"]
    same = all(
        r["digests"] == ref["digests"] and r["checksum"] == ref["checksum"]
        for mode in dask_modes
        for r in results[mode]
    ) and all(r["checksum"] == ref["checksum"] for r in results["procs-2"])
    print(
        f"  dask: {len(ref['digests'])} partitions of realistic rows; results "
        f"{'IDENTICAL to' if same else 'DIFFERENT FROM'} one process (a digest of every "
        f"result's to_dict, per partition); 2 workers / 1 worker: {two / one:.2f}x; "
        f"1 worker / one process (score_rows): {one / _median(results['dask-ref']):.2f}x"
    )
    # the ceiling for dask-2 / dask-1 at that moment: two plain processes against one, with
    # the same halves (rounds paired, as the runs are interleaved)
    pairs = [
        (p["rows_per_s"] / r["rows_per_s"], d2["rows_per_s"] / d1["rows_per_s"])
        for r, p, d1, d2 in zip(
            results["dask-ref"],
            results["procs-2"],
            results["dask-1"],
            results["dask-2"],
            strict=True,
        )
    ]
    print(
        "    this machine's parallelism, the same halves in two plain processes (procs-2) / one "
        "process (dask-ref), against dask-2 / dask-1, round by round: "
        + "; ".join(f"{m:.2f}x / {d:.2f}x" for m, d in pairs)
    )
    if "dask-1-default" in results:
        one_d, two_d = _median(results["dask-1-default"]), _median(results["dask-2-default"])
        rounds = "; ".join(
            f"{d2['rows_per_s'] / d1['rows_per_s']:.2f}x"
            for d1, d2 in zip(results["dask-1-default"], results["dask-2-default"], strict=True)
        )
        print(
            f"    with Dask's default settings (dask-k-default): 2 workers / 1: "
            f"{two_d / one_d:.2f}x (by round {rounds}); 1 worker: {one / one_d:.2f}x as fast "
            f"with jixiao.dask.CLUSTER_CONFIG, 2 workers: {two / two_d:.2f}x"
        )
    for mode in ("procs-2", *dask_modes):
        loads = ", ".join(f"{r['load_before']:.1f}→{r['load_after']:.1f}" for r in results[mode])
        print(f"    {mode}: 1-minute load average before→after each run: {loads}")
    if not same:
        sys.exit("the Dask results differ from one process's")


def _goals(
    results: dict[str, list[dict[str, Any]]], small: dict[str, Any], ratios: dict[str, float]
) -> None:
    """The goals of issue 14, each with this run's number (sizes as given: the goals are for
    the full sizes)."""
    lines = []
    if "mostly-distinct" in ratios:
        lines.append(f"mostly-distinct / rule-engine-md: {ratios['mostly-distinct']:.2f}x (≥ 3x)")
    if "realistic" in results:
        r = results["realistic"]
        if "realistic-list" in results:
            lines.append(
                f"score_rows, realistic rows in a list: {_median(results['realistic-list']):,.0f}"
                f" rows/s (≥ 300,000; streamed from the generator, making the rows inside the "
                f"clock: {_median(r):,.0f})"
            )
        lines.append(
            f"{r[0]['rows']:,} rows streamed: peak RSS {max(x['peak_rss_mb'] for x in r):.0f} MB "
            f"(< 150 MB; {small['rows']:,} rows: {small['peak_rss_mb']:.0f} MB)"
        )
    if "arrow" in results:
        a = results["arrow"]
        lines.append(f"Arrow path, realistic: {_median(a):,.0f} rows/s (≥ 1,000,000 on one core)")
        for mode in ("arrow", "arrow-md"):
            if mode in results:
                x = max(r["total_mb"] / r["table_mb"] for r in results[mode])
                lines.append(f"{mode}: peak memory {x:.2f}x the input table (< 2x)")
    if "dask-1" in results:
        speedup = _median(results["dask-2"]) / _median(results["dask-1"])
        machine = _median(results["procs-2"]) / _median(results["dask-ref"])
        lines.append(
            f"dask 2 workers / 1: {speedup:.2f}x (≥ 1.8x; two plain processes / one, the same "
            f"run: {machine:.2f}x)"
        )
    print("  goals of issue 14 (this run's sizes):")
    for line in lines:
        print("    " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="realistic rows per run")
    ap.add_argument(
        "--distinct", type=int, default=None, help="distinct-cell rows per run (default --rows)"
    )
    ap.add_argument(
        "--md-rows", type=int, default=None, help="mostly-distinct rows per run (default --rows)"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    ap.add_argument("--rule-engine-rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--policy", default="central")
    ap.add_argument("--no-json", action="store_true", help="skip the to_dict/JSON-lines runs")
    ap.add_argument("--no-arrow", action="store_true", help="skip the Arrow runs")
    ap.add_argument(
        "--dask-rows", type=int, default=None, help="rows of the Dask runs (default --rows)"
    )
    ap.add_argument("--partitions", type=int, default=8, help="partitions of the Dask runs")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask runs")
    ap.add_argument(
        "--dask-default-too",
        action="store_true",
        help="also run dask-1 and dask-2 with Dask's default settings (dask-k-default)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="small sizes, one run each (a smoke run for CI: asserts nothing about time)",
    )
    ap.add_argument("--profile", choices=["realistic", "distinct", "mostly-distinct", "arrow"])
    ap.add_argument("--out", help="write the raw measurements here as JSON")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.quick:
        ns.rows, ns.distinct, ns.md_rows, ns.repeat = 20_000, 2_000, 20_000, 1
        ns.rule_engine_rows, ns.partitions = 10_000, 4
        ns.dask_rows = ns.dask_rows or 20_000

    if ns.child:
        mode, n, seed, policy = ns.child[0], int(ns.child[1]), int(ns.child[2]), ns.child[3]
        if mode.startswith("rule-engine"):
            result = run_rule_engine(mode, n, seed, policy)
        elif mode.startswith("dask"):
            result = run_dask(mode, n, seed, policy, int(ns.child[4]))
        elif mode == "half":
            result = run_half(n, seed, policy, int(ns.child[4]), int(ns.child[5]))
        elif mode == "build":
            result = build_arrow(ns.child[4], n, seed, ns.child[5])
        elif mode.startswith("arrow"):
            result = run_arrow(mode, n, seed, policy, ns.child[4])
        else:
            result = run_jixiao(mode, n, seed, policy)
        print(json.dumps(result))
        return

    if ns.profile:
        import cProfile
        import pstats

        n = ns.rows if ns.profile != "distinct" else (ns.distinct or ns.rows)
        cProfile.runctx(
            "run_jixiao(mode, n, seed, policy)",
            globals(),
            {"mode": ns.profile, "n": n, "seed": ns.seed, "policy": ns.policy},
            "/tmp/bench_throughput.prof",
        )
        pstats.Stats("/tmp/bench_throughput.prof").sort_stats("tottime").print_stats(25)
        return

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        ns.no_arrow = True
    try:
        import distributed  # noqa: F401

        import jixiao.dask  # noqa: F401
    except ImportError:
        ns.no_dask = True
    distinct = ns.rows if ns.distinct is None else ns.distinct
    md = ns.rows if ns.md_rows is None else ns.md_rows
    plan: list[tuple[str, int]] = [("realistic", ns.rows), ("realistic-list", ns.rows)]
    if not ns.no_json:
        plan.append(("realistic+json", ns.rows))
    if distinct:
        plan.append(("distinct", distinct))
    plan.append(("rule-engine", min(ns.rule_engine_rows, ns.rows)))
    if distinct:
        plan.append(("rule-engine-distinct", min(ns.rule_engine_rows, distinct)))
    if md:
        plan += [("mostly-distinct", md), ("rule-engine-md", min(ns.rule_engine_rows, md))]
    if not ns.no_arrow:
        plan.append(("arrow", ns.rows))
        if md:
            plan.append(("arrow-md", md))
    dn = ns.rows if ns.dask_rows is None else ns.dask_rows
    if not ns.no_dask and dn:
        plan += [("dask-ref", dn), ("procs-2", dn), ("dask-1", dn), ("dask-2", dn)]
        if ns.dask_default_too:
            plan += [("dask-1-default", dn), ("dask-2-default", dn)]
    print(
        f"python {platform.python_version()} on {platform.machine()} ({platform.system()}), "
        f"{os.cpu_count()} CPUs; policy {ns.policy}; {ns.repeat} run(s) of each, interleaved; "
        f"load average {_load()} at the start"
    )
    results: dict[str, list[dict[str, Any]]] = {m: [] for m, _ in plan}
    files: dict[str, Path] = {}
    for mode, n in plan:
        if mode.startswith("arrow"):
            files[mode] = _arrow_file(mode, n, ns.seed)
            _child(["build", str(n), str(ns.seed), ns.policy, mode, str(files[mode])])
    try:
        for _ in range(ns.repeat):
            for mode, n in plan:
                extra = [str(files[mode])] if mode in files else []
                if mode == "procs-2":
                    results[mode].append(_procs_2(n, ns.seed, ns.policy, ns.partitions))
                    continue
                if mode.startswith("dask"):
                    extra = [str(ns.partitions)]
                results[mode].append(_child([mode, str(n), str(ns.seed), ns.policy, *extra]))
    finally:
        for path in files.values():
            path.unlink(missing_ok=True)
    small = _child(["realistic", str(max(1, ns.rows // 10)), str(ns.seed), ns.policy])

    for mode, n in plan:
        print(f"{mode:<20} {n:>9,} rows {_summary(results[mode])}")
    print(f"{'realistic/10':<20} {small['rows']:>9,} rows {_summary([small])}")
    real = results["realistic"][0]
    print(
        f"  shared outcomes: {real['memo']['hits']:,} hits, {real['memo']['misses']:,} misses "
        f"(kept {real['memo']['size']:,}); parse cache {real['parse_cache']}; "
        f"RSS before scoring {real['rss_before_mb']:.0f} MB"
    )
    for anchor in ("rule-engine", "rule-engine-md", "rule-engine-distinct"):
        if anchor not in results:
            continue
        re_run = results[anchor][0]
        print(
            f"  {anchor} agrees with jixiao on {re_run['agree']:,} of "
            f"{re_run['agree'] + re_run['disagree']:,} numeric (target, actual, weight) cells"
        )
        for line in re_run["disagreements"]:
            print("    differs:", line)
    for mode in ("arrow", "arrow-md"):
        if mode in results:
            a = results[mode][0]
            print(
                f"  {mode}: input table {a['table_mb']:.0f} MB, result columns "
                f"{a['result_mb']:.0f} MB; reading, scoring and the result took "
                f"{a['total_mb']:.0f} MB at the peak ({a['total_mb'] / a['table_mb']:.2f}x the "
                f"input table)"
            )
    if "dask-1" in results:
        _dask_summary(results)
    ratios: dict[str, float] = {}
    anchors = {
        "realistic": "rule-engine",
        "realistic-list": "rule-engine",
        "arrow": "rule-engine",
        "mostly-distinct": "rule-engine-md",
        "arrow-md": "rule-engine-md",
        "distinct": "rule-engine-distinct",
        "dask-ref": "rule-engine",
        "dask-1": "rule-engine",
        "dask-2": "rule-engine",
    }
    print("  ratios to rule-engine on numbers (the same rows, the same run):")
    for mode, anchor in anchors.items():
        if mode in results and anchor in results:
            ratios[mode] = _median(results[mode]) / _median(results[anchor])
            print(f"    {mode:<16} / {anchor:<20} {ratios[mode]:6.1f}x")
    _goals(results, small, ratios)
    print(f"load average {_load()} at the end")
    if ns.out:
        Path(ns.out).write_text(
            json.dumps({"runs": results, "small": small, "ratios": ratios}, indent=1),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
