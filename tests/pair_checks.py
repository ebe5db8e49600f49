"""Every target with every actual, on every path: the rows, and the checks that ``score_rows``
(with its plan) and the Arrow columnar path give what the row evaluator gives, field by field.
Used by the tests of one kind of cell (deadlines, actuals framed as changes or plans)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import jixiao
from jixiao.evaluate import score_indicator_uncached
from test_batch import snapshot

Row = dict[str, Any]


def pair_rows(
    make: Callable[[str, str, Any], Row],
    targets: Sequence[str],
    actuals: Sequence[str],
    plain: Sequence[Row],
) -> list[Row]:
    """*plain* rows (past the warm-up, so later chunks go through the plan), then every target
    with every actual and three claims, twice (the second time from what the first kept)."""
    pairs = [
        make(t, a, claim)
        for (t, a), claim in itertools.product(itertools.product(targets, actuals), [10, 7, None])
    ]
    return [*plain, *pairs, *pairs]


def check_score_rows(rows: list[Row], policy: str) -> set[str]:
    """``score_rows`` against the row evaluator on each row; the codes raised."""
    pol = jixiao.load_policy(policy)
    got = list(jixiao.score_rows(rows, pol))
    for i, (r, g) in enumerate(zip(rows, got, strict=True)):
        want = score_indicator_uncached(pol, r)
        assert snapshot(g) == snapshot(want), (i, r)
        assert g.verified == want.verified, (i, r)
    return {f.code for g in got for f in g.findings}


def check_columnar(rows: list[Row], policy: str) -> list[tuple[Any, bool, str]]:
    """The Arrow columnar path, whole and in 97-row chunks, against ``score_rows``; what
    ``score_rows`` gave (score, verified, the codes joined by ``;``)."""
    import pyarrow as pa

    from jixiao.tables import score_table

    want = [
        (r.score, r.verified, ";".join(f.code for f in r.findings))
        for r in jixiao.score_rows(rows, policy)
    ]
    for chunk_rows in (None, 97):
        kw = {} if chunk_rows is None else {"chunk_rows": chunk_rows}
        d = score_table(pa.Table.from_pylist(rows), policy, **kw).to_pydict()
        got = list(zip(d["computed_score"], d["verified"], d["finding_codes"], strict=True))
        assert got == want
    return want
