"""Scoring a stream of indicator rows: :func:`score_rows`, routing each row to the cheapest path
that gives its exact result.

指标行流式评分：逐行选择最省的评分路径（按原样单元格缓存、共享评分结果、列式计划、逐行评分器），
各路径结果逐字段相同。

Each dict row is looked up, in order, by its cells exactly as given (:mod:`.cellcache`), then by
its normalised key in the shared outcomes (:mod:`.memo`); a row found in neither goes to the row
evaluator (into the memo) or, with the chunk's other such rows, through the policy's columnar
plan (:mod:`.plan`), as :func:`_score_rows_routed` decides. Every path gives the same result,
field by field.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from jixiao.decimals import in_context_iter
from jixiao.errors import FormError
from jixiao.evaluate.cellcache import CellCache
from jixiao.evaluate.findings import finding
from jixiao.evaluate.indicators import Keyed as _Keyed
from jixiao.evaluate.indicators import budget_year, in_budget_year, score_indicator
from jixiao.evaluate.indicators import from_shared as _from_shared
from jixiao.evaluate.indicators import mapping_key as _mapping_key
from jixiao.evaluate.indicators import score_mapping as _score_mapping
from jixiao.evaluate.indicators import score_missed as _score_missed
from jixiao.evaluate.memo import memo_of as _memo_of
from jixiao.evaluate.plan import Plan, plan_of, score_chunk
from jixiao.evaluate.results import IndicatorResult
from jixiao.forms.model import Indicator
from jixiao.i18n import Msg
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = ["collecting", "score_rows"]


def score_rows(
    rows: Iterable[Indicator | Mapping[str, Any]],
    policy: Policy | str = "central",
    *,
    start: int = 0,
    year: int | None = None,
) -> Iterator[IndicatorResult]:
    """Score a stream of indicator rows (dicts in the ``indicators[]`` shape) lazily, in order.

    A row that cannot even be read as an indicator yields an unscored result with a finding
    located at ``rows[i]`` (counting from *start*, e.g. a partition's first row number); the
    stream never stops on a bad row. Memory stays flat however long the stream: nothing is kept
    but the bounded caches (parsed cells, shared outcomes, rows found by their cells).

    *year*: the budget year of the rows, when they are all of one year. A deadline without a
    year whose actual names one (``12月底前`` against ``2024年1月``) is then placed in it, as on a
    form that names its year (``DEADLINE_IN_BUDGET_YEAR``); without it such a row is unscored
    and unverified (``DEADLINE_YEAR_UNKNOWN``).

    >>> import jixiao
    >>> rows = [{"target": "≥45人", "actual": "40人", "weight": 10}, {"target": "≥45人"}]
    >>> [(r.score, [f.code for f in r.findings]) for r in jixiao.score_rows(rows)]
    [(Decimal('8.89'), ['REASON_MISSING']), (None, ['UNREADABLE_CELL'])]
    """
    placed = budget_year(year)
    if placed is None:
        for results in _scored(rows, policy, start):  # a chunk at a time in jixiao's context,
            yield from results  # then its results without switching the context for each
        return
    pol = load_policy(policy)
    read: collections.deque[Any] = collections.deque()  # rows read, results not yet given out

    def reading() -> Iterator[Any]:
        for row in rows:
            read.append(row)
            yield row

    for results in _scored(reading(), pol, start):
        for r in results:
            row = read.popleft()
            # a scored row has no deadline to place (checked here: most rows, no call)
            yield r if r.score is not None else in_budget_year(pol, row, r, placed, given=True)


@in_context_iter
def _scored(
    rows: Iterable[Indicator | Mapping[str, Any]], policy: Policy | str, start: int
) -> Iterator[list[IndicatorResult]]:
    pol = load_policy(policy)
    memo = _memo_of(pol)
    if not memo.reasons:
        yield from _paused(_score_rows_routed(rows, pol, start))
        return
    # rules that read the reason text: no shared outcomes and no plan, each row on its own
    for i, row in enumerate(rows, start):
        yield [_score_row(pol, memo, row, i)]


#: The first chunk of rows read; each next chunk is twice as long, up to :data:`CHUNK_ROWS` (a
#: slow stream gets its first results soon, a long one runs in big chunks: the plan runs each
#: rule over longer columns; on mostly distinct rows 2,048 took about a twentieth less time than
#: 1,024, and 4,096 no less than 2,048).
FIRST_CHUNK = 64
CHUNK_ROWS = 2048

#: The share of memo hits in a chunk at or above which the next chunk's misses go to the row
#: evaluator (into the memo: rows repeat that much, so a miss will most likely come back and be
#: a hit of a few µs) rather than to the plan (a fraction of the evaluator's cost, for rows that
#: never come back). Hits are taken from the memo either way; results are identical either way.
MEMO_HIT_SHARE = 0.6

#: The first rows of a stream, whose misses go to the row evaluator: the memo starts cold, and a
#: stream of repeating rows never needs the plan (compiling it, importing numpy: tenths of a s).
WARMUP_ROWS = 512

#: How many rows scored by the plan are remembered (by memo key hash), in each of 2 generations.
SEEN_ROWS = 1 << 16

#: A row the plan has scored this many times goes to the row evaluator the next time, into the
#: memo, and is a hit from then on. Into the memo costs about six plan rows (on mostly distinct
#: rows, about 60 µs against 10 µs), and each later sighting then saves most of a plan row: it
#: pays for a row that comes back some six more times. Of the rows that come back at all, most
#: come back only a few times (300,000 mostly distinct rows: 3,054 keys seen 3 times, 1,262 seen
#: 4 times, 1,505 seen 10 times or more); at 4 those few stay with the plan (mostly distinct
#: rows a fifteenth faster than at 2, realistic rows level).
PLAN_SIGHTINGS = 4


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large list of results is built.

    Scoring makes no reference cycles, but every result allocated and kept makes the collector
    walk everything already alive again: building a partition of 125,000 results costs a third
    more with it running. Used by :func:`score_rows` around each chunk (not while the caller
    reads its results) and by the table and Dask adapters around each chunk or partition; the
    previous state is restored on exit (cycles made meanwhile are collected then).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _paused(chunks: Iterator[list[IndicatorResult]]) -> Iterator[list[IndicatorResult]]:
    """*chunks* with the collector paused while each is read and scored (see
    :func:`collecting`; on 300,000 realistic rows streamed, a tenth less time)."""
    while True:
        with collecting():
            got = next(chunks, None)
        if got is None:
            return
        yield got


def _score_rows_routed(
    rows: Iterable[Indicator | Mapping[str, Any]], pol: Policy, start: int
) -> Iterator[list[IndicatorResult]]:
    """:func:`score_rows` routing each row, a chunk's results at a time: a row whose cells are
    those of an earlier memo hit takes what that row got (:mod:`.cellcache`, about a µs); a memo
    hit is taken (a few µs); a miss goes to the row evaluator, into the memo, in the first
    WARMUP_ROWS, when MEMO_HIT_SHARE of the last chunk hit, or when the plan scored it
    PLAN_SIGHTINGS times; the chunk's other misses go together through the plan (compiled on
    first use), the rows it does not handle to the row evaluator. Every path gives the same
    results field by field."""
    memo = _memo_of(pol)
    cells = CellCache() if CellCache.usable(memo) else None
    plan: Plan | None = None  # compiled when first needed
    planless = False  # plan_of said there is none (no numpy, or no rule runs on columns)
    it = iter(rows)
    size = FIRST_CHUNK
    i = start
    seen: dict[int, int] = {}  # the hash of the memo key of a row the plan scored: how often
    older: dict[int, int] = {}  # the generation before
    to_memo = WARMUP_ROWS > 0  # misses go to the evaluator (see WARMUP_ROWS, MEMO_HIT_SHARE)
    while True:
        chunk: list[Any] = list(itertools.islice(it, size))  # a row keyed below is a dict
        if not chunk:
            return
        n = len(chunk)
        out: list[Any]  # each row's result; until found, its cells' key or None
        added: set[Any] | frozenset[Any] = frozenset()
        if cells is None:
            out, missed = [None] * n, list(range(n))
        else:
            out, missed = cells.found(chunk)
            added = cells.added
        hits = n - len(missed)
        to_plan: list[int] = []
        keys: list[_Keyed] = []
        for j in missed:
            row = chunk[j]
            ck = out[j]
            if ck is not None and ck in added:  # its cells kept since the chunk began
                got = cast(CellCache, cells).get(ck, row)
                if got is not None:
                    hits += 1
                    out[j] = got
                    continue
            keyed = None
            if type(row) is dict and "target" in row and "actual" in row and "weight" in row:
                try:  # noqa: SIM105 - the hot path: no context manager
                    keyed = _mapping_key(memo, row)
                except FormError:  # a cell that is not a number: the full path makes its finding
                    pass
            if keyed is None:
                out[j] = _score_row(pol, memo, row, i + j)
                continue
            try:
                scored = memo.get(keyed[0])
                if scored is not None:
                    hits += 1
                    out[j] = shared = _from_shared(pol, row, keyed, scored)
                    if cells is not None and ck is not None:
                        cells.add(ck, scored, shared)
                    continue
                if not to_memo:
                    h = hash(keyed[0])
                    count = seen.get(h) or older.get(h, 0)
                if to_memo or count >= PLAN_SIGHTINGS:  # the evaluator scores it into the memo
                    out[j] = _score_missed(pol, memo, row, keyed, f"rows[{i + j}]")
                    continue
            except Exception as err:  # one row never stops the batch; the finding names it
                out[j] = _row_failed(pol, row, i + j, err)
                continue
            seen[h] = count + 1
            if len(seen) >= SEEN_ROWS:
                older, seen = seen, {}
            to_plan.append(j)
            keys.append(keyed)
        if to_plan:
            if plan is None and not planless:
                plan = plan_of(pol)
                planless = plan is None
            done: list[IndicatorResult | None] = [None] * len(to_plan)
            if plan is not None:
                try:
                    # tier rows repeat in a stream: to the evaluator, into the memo
                    done = score_chunk(plan, [chunk[j] for j in to_plan], keys, tiers=False)
                except Exception:  # the plan never loses a row: the row evaluator scores them
                    done = [None] * len(to_plan)
            for j, keyed, result in zip(to_plan, keys, done, strict=True):
                if result is None:  # the row evaluator scores it, into the memo
                    row = chunk[j]
                    try:
                        result = _score_missed(pol, memo, row, keyed, f"rows[{i + j}]")
                    except Exception as err:  # one row never stops the batch
                        result = _row_failed(pol, row, i + j, err)
                out[j] = result
        to_memo = planless or hits >= MEMO_HIT_SHARE * n or i + n - start < WARMUP_ROWS
        # the chunk's keys are freed now, not kept while the caller reads: the collector (back
        # on then) would walk each of them (2 tuples a row sent to the plan)
        keys.clear()
        yield cast(list[IndicatorResult], out)  # every row's result is in
        i += n
        size = min(size * 2, CHUNK_ROWS)


def _score_row(pol: Policy, memo: Any, row: Any, i: int) -> IndicatorResult:
    try:
        if type(row) is dict and "target" in row and "actual" in row and "weight" in row:
            return _score_mapping(pol, memo, row, f"rows[{i}]")
        return score_indicator(pol, row)
    except Exception as err:  # one row never stops the batch; the finding names the error
        return _row_failed(pol, row, i, err)


def _row_failed(pol: Policy, row: Any, i: int, err: Exception) -> IndicatorResult:
    where = f"rows[{i}]"
    if isinstance(err, FormError):
        failed = finding(
            "UNREADABLE_CELL", where, variant="row", error=Msg(err.render(), err.render("en"))
        )
    else:
        failed = finding(
            "POLICY_ERROR", where, variant="row", kind=type(err).__name__, error=str(err)
        )
    name = str(row.get("name", "")) if isinstance(row, Mapping) else ""
    return IndicatorResult(
        name=name,
        weight=None,
        score=None,
        claimed=None,
        met=None,
        findings=(failed,),
        basis="unscored",
        where=where,
        policy=pol,
        note=(f"无法评分：{failed.zh}", f"not scored: {failed.en}"),
    )
