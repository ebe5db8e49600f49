"""Checking a list of intervals: overlaps, gaps and the range they must cover."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A

__all__ = ["check_bands"]


def _bound(value: Decimal, percent: bool) -> str:
    return f"{(value * 100).normalize():f}%" if percent else f"{value.normalize():f}"


def check_bands(
    intervals: Sequence[A.Interval],
    problems: list[PolicyProblem],
    loc: Location,
    what: Msg,
    *,
    cover: tuple[Decimal, Decimal | None] | None = None,
    prefer: str | None = None,
    percent: bool = False,
) -> None:
    """Report overlaps and gaps between intervals, and any part of *cover* left uncovered.

    Each problem points at one of the two intervals involved: the one written in the file
    *prefer* (the most derived file of an ``extends`` chain) when there is one.
    """

    def at(a: A.Interval, b: A.Interval) -> Location:
        if prefer is not None and a.loc.source == prefer and b.loc.source != prefer:
            return a.loc
        return b.loc

    def low_key(iv: A.Interval) -> tuple[Decimal, int]:
        return (iv.low if iv.low is not None else Decimal("-1e999"), 0 if iv.low_inclusive else 1)

    ordered = sorted(intervals, key=low_key)
    for prev, nxt in itertools.pairwise(ordered):
        if prev.high is None:
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"{what.zh}：区间 {nxt.render(percent)} 与 {prev.render(percent)} 重叠",
                        f"{what.en}: bands {nxt.render(percent)} and {prev.render(percent)} overlap",
                    ),
                    nxt.loc,
                    code="bands",
                )
            )
            continue
        if (
            nxt.low is None
            or nxt.low < prev.high
            or (nxt.low == prev.high and prev.high_inclusive and nxt.low_inclusive)
        ):
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"{what.zh}：区间 {nxt.render(percent)} 与 {prev.render(percent)} 重叠",
                        f"{what.en}: bands {nxt.render(percent)} and {prev.render(percent)} overlap",
                    ),
                    at(prev, nxt),
                    Msg(
                        "相邻两档在交界处应一含一不含，如 [80%, 100%] 与 [60%, 80%)",
                        "adjacent bands share an edge that exactly one includes, "
                        "as [80%, 100%] and [60%, 80%)",
                    ),
                    code="bands",
                )
            )
        elif nxt.low > prev.high or (
            nxt.low == prev.high and not prev.high_inclusive and not nxt.low_inclusive
        ):
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"{what.zh}：区间 {prev.render(percent)} 与 {nxt.render(percent)} 之间有空档",
                        f"{what.en}: a gap between bands {prev.render(percent)} "
                        f"and {nxt.render(percent)}",
                    ),
                    at(prev, nxt),
                    Msg(
                        f"例如 {_bound(prev.high, percent)} 不属于任何一档",
                        f"{_bound(prev.high, percent)}, for one, is in no band",
                    ),
                    code="bands",
                )
            )
    if cover is not None and ordered:
        low, high = cover
        first, last = ordered[0], ordered[-1]
        if first.low is not None and (
            first.low > low or (first.low == low and not first.low_inclusive)
        ):
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"{what.zh}：最低一档从 {first.render(percent)} 开始，"
                        f"{low.normalize():f} 不属于任何一档",
                        f"{what.en}: the lowest band is {first.render(percent)}; the bands do "
                        f"not reach down to {low.normalize():f}",
                    ),
                    first.loc,
                    code="bands",
                )
            )
        if high is None:
            if last.high is not None:
                problems.append(
                    PolicyProblem.of(
                        Msg(
                            f"{what.zh}：最高一档止于 {last.render(percent)}，更大的值不属于任何一档"
                            "（最后一档以 inf 结束）",
                            f"{what.en}: the last band ends at {last.render(percent)}; values "
                            "above it fall in no band (end it with inf)",
                        ),
                        last.loc,
                        code="bands",
                    )
                )
        elif last.high is not None and (
            last.high < high or (last.high == high and not last.high_inclusive)
        ):
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"{what.zh}：最高一档止于 {last.render(percent)}，"
                        f"{high.normalize():f} 不属于任何一档",
                        f"{what.en}: the highest band is {last.render(percent)}; the bands do "
                        f"not reach up to {high.normalize():f}",
                    ),
                    last.loc,
                    code="bands",
                )
            )
