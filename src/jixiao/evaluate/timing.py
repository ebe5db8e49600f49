"""Deadlines as rows read them: the target's deadline placed in the budget year, whether an
actual's date keeps it (:func:`on_time`), and the findings when what the actual says cannot show
that it was kept (:func:`read_timing`)."""

from __future__ import annotations

import calendar
import datetime
import re

import attrs

from jixiao.evaluate.findings import Finding, finding
from jixiao.forms.model import Indicator
from jixiao.targets.ast import Amount, Comparison, Deadline, Node, Target

__all__ = [
    "date_only",
    "milestone",
    "needs_year",
    "on_time",
    "part_done",
    "place_deadline",
    "read_timing",
]


def place_deadline(
    ind: Indicator,
    tnode: Target,
    anode: Node,
    year: int | None,
    findings: list[Finding],
    given: bool = False,
) -> Target:
    """The target deadline placed in the budget *year* (the form's, or with *given* the one the
    caller gave for its rows), where the row needs it: the actual's date names a year and the
    deadline names none (``12月底前`` against ``2024年1月``; ``次年3月底前`` is in the year after).
    The info ``DEADLINE_IN_BUDGET_YEAR`` on the target cell says which year was taken. Any other
    row, or no budget year, keeps its target as read (and such a row is then
    :func:`read_actual`'s ``DEADLINE_YEAR_UNKNOWN``)."""
    if year is None or not isinstance(tnode, Deadline) or not needs_year(tnode, anode):
        return tnode
    placed_year = year + tnode.year_offset
    start = tnode.start
    if start is not None and start[0] is None:  # 1月1日-12月31日: the period is in that year
        start = (placed_year, start[1], start[2])
    placed = attrs.evolve(tnode, year=placed_year, year_offset=0, start=start)
    findings.append(
        finding(
            "DEADLINE_IN_BUDGET_YEAR",
            ind.cell("target"),
            variant="given" if given else "",
            target=_deadline_only(tnode),
            year=year,
            placed=_deadline_only(placed),
        )
    )
    return placed


def needs_year(tnode: Node, anode: Node) -> bool:
    """True when the actual's date names a year and the target's deadline names none: whether
    it is on time rests on the budget year."""
    return (
        isinstance(anode, Deadline)
        and isinstance(tnode, Deadline)
        and anode.year is not None
        and tnode.year is None
    )


def _deadline_only(node: Deadline) -> str:
    """A deadline as written, without the words or the quantity around it (``12月底前``)."""
    return attrs.evolve(node, goal=None, prefix=None, suffix=None, reading=None).render()


def date_only(node: Deadline) -> str:
    """The date of a deadline without the words around it."""
    return Deadline(
        node.year,
        node.month,
        node.written_day,
        node.end_of_month,
        "at",
        node.year_offset,
        node.start,
    ).render()


def read_timing(tnode: Deadline, anode: Node, where: str, findings: list[Finding]) -> None:
    """Findings when what the actual says cannot show that the deadline was kept, or shows that
    it was not while a quantity will be scored. Its date only a month (or a year) with the
    deadline inside it (``11月完成`` against ``11月15日前``): on time or late cannot be told
    (``DEADLINE_UNCHECKED``); its date with part of the work (``11月完成80%``, :func:`part_done`):
    the date names no tier (``DEADLINE_UNCHECKED``, ``part``). Under a deadline fused with a
    quantity (``11月底完成100%``), which a policy scores by the quantity: an actual giving the
    quantity but no date (``DEADLINE_UNCHECKED``, ``no_date``), or a date after the deadline
    (``DEADLINE_LATE``): scoring the quantity alone would give the marks of a row done on time."""
    if isinstance(anode, Deadline):
        met = on_time(tnode, anode)
        if part_done(tnode, anode):
            assert anode.quantity is not None
            findings.append(
                finding(
                    "DEADLINE_UNCHECKED",
                    where,
                    variant="part",
                    actual=anode.render(),
                    quantity=anode.quantity.render(),
                    deadline=_deadline_only(tnode),
                )
            )
        elif met is not False and (words := milestone(anode)) is not None:
            findings.append(
                finding(
                    "DEADLINE_UNCHECKED",
                    where,
                    variant="event",
                    actual=anode.render(),
                    words=words,
                    deadline=_deadline_only(tnode),
                )
            )
        elif met is None:
            findings.append(
                finding(
                    "DEADLINE_UNCHECKED",
                    where,
                    variant="by" if _by(anode) else "" if anode.month is not None else "year",
                    date=date_only(anode),
                    by=_deadline_only(anode),
                    deadline=_deadline_only(tnode),
                    month=anode.month or "",
                )
            )
        elif not met and tnode.quantity is not None and anode.quantity is not None:
            findings.append(
                finding(
                    "DEADLINE_LATE",
                    where,
                    date=date_only(anode),
                    deadline=_deadline_only(tnode),
                    quantity=anode.quantity.render(),
                )
            )
    elif tnode.quantity is not None and isinstance(anode, Amount | Comparison):
        findings.append(
            finding(
                "DEADLINE_UNCHECKED",
                where,
                variant="no_date",
                actual=anode.render(),
                target=tnode.render(),
                deadline=_deadline_only(tnode),
            )
        )


def _by(actual: Deadline) -> bool:
    """True when the actual is itself a deadline (``12月底前完成``): done on that day or an
    earlier one it does not say (a period, ``1月1日-12月31日``, is done at its end)."""
    return actual.relation != "at" and actual.start is None


def part_done(target: Deadline, actual: Deadline) -> bool:
    """True when the actual's date comes with less than all of the work (``11月完成80%``,
    ``截至11月完成80%``) under a deadline asking for it done, with no quantity of its own
    (``11月底前完成``): the date shows when, not that it was done, so it names no tier."""
    q = actual.quantity
    return (
        target.quantity is None
        and q is not None
        and q.unit is not None
        and q.unit.symbol == "%"
        and q.value < 100
    )


#: Words around an actual's date saying it dates something short of the work done: its start
#: (11月开工, 11月启动), part of it (11月底基本完成, 11月完成第一阶段, 11月底完成主体工程), or a
#: delay (11月完成（延期）).
_SHORT_OF_DONE = re.compile(
    r"启动|开工|动工|开始|进场|立项"
    r"|基本|部分|大部|阶段性|第[一二三四五六七八九十0-9]+阶段|初验|初步|主体|初稿|前期|首批"
    r"|延期|推迟|逾期|滞后|延后|延迟"
)


def milestone(actual: Deadline) -> str | None:
    """The words around the actual's date (``开工``, ``基本完成``, ``完成第一阶段``) that say it
    dates a start, a part of the work or a delay; None for a date of the work done (``11月完成``,
    ``11月通过验收``) or one with a quantity (which is scored). Like :func:`part_done`, such a
    date tells when, not that it was done: on or before the deadline it names no tier (after
    it, the work was late all the same)."""
    if actual.quantity is not None:
        return None
    words = "".join(w for w in (actual.prefix, actual.suffix) if w)
    m = _SHORT_OF_DONE.search(words)
    return None if m is None else m.group()


def _years(target: Deadline, actual: Deadline) -> tuple[int, int] | None:
    """The actual's and the target's years, where both can be placed. 次年/下一年/翌年 count from
    the year the target names, or from the budget year when neither side names a year; a date
    with no year is in the budget year. None when the years cannot be compared: a written target
    year against an actual without one (taken as the same year), or a written actual year against
    a deadline without one (such a row is not scored: ``DEADLINE_YEAR_UNKNOWN``, see
    :func:`read_actual`)."""
    ty, ay = target.year, actual.year
    if ty is not None and ay is not None:
        return ay, ty
    if ty is not None:
        return (ty + actual.year_offset, ty) if actual.year_offset else None
    if ay is None and actual.year_offset:
        return actual.year_offset, target.year_offset
    return None


def on_time(target: Deadline, actual: Deadline) -> bool | None:
    """Whether the actual's date keeps the deadline: True on time, False late, None when the
    date is too coarse to tell. A date written to the month (``11月完成``) is any day of that
    month, and one written to the year (``2023年完成``) any day of that year: on time when its
    last day keeps the deadline, late when its first day does not, else None (``11月完成``
    against ``11月15日前``). An actual that is itself a deadline (``12月底前完成``) is any day up
    to it. ``by`` and ``at`` deadlines include their date (a month or 底/末: its last day);
    ``before`` excludes it (``9月前``: before September; ``早于12月31日``)."""
    years = _years(target, actual)
    if years is not None and years[0] != years[1]:
        if years[0] < years[1]:
            return True
        return None if _by(actual) else False  # 2024年3月底前完成: maybe still in 2023
    if target.month is None:  # a year (2023年完成): any date in it
        return True
    year = actual.year or target.year or 2001  # the calendar Deadline.day reads months in

    def day_of(month: int, day: int | None, last: bool) -> datetime.date:
        end = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, min(day, end) if day else end if last else 1)

    before = datetime.timedelta(days=1)
    if target.relation == "before":  # 9月前: by the day before September; 早于12月31日
        limit = day_of(target.month, target.day, False) - before
    else:  # by or at: the date itself, a month's last day
        limit = day_of(target.month, target.day, True)
    if actual.month is None:  # 2023年完成: any day of the year
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    else:
        first = day_of(actual.month, actual.day, False)
        last = day_of(actual.month, actual.day, True)
    if _by(actual):  # 12月底前完成 as the actual: done by that date, on a day it does not say
        if actual.relation == "before":  # 12月前: by the end of November; 早于12月31日
            last = first - before
        first = datetime.date(year, 1, 1)
    if last <= limit:
        return True
    return None if first <= limit else False
