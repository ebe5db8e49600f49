"""How a row's target and actual cells were read: a cell that cannot be parsed, and the findings
on a reading that is not plain (a quantity out of a sentence, one of several, a bare fraction, an
approximation or a bound)."""

from __future__ import annotations

import calendar
import datetime

import attrs

from jixiao.catalog import joined
from jixiao.errors import TargetSyntaxError
from jixiao.evaluate.findings import Finding, cell_label, finding
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.outcome import new_ctx
from jixiao.forms.model import Indicator
from jixiao.i18n import Msg
from jixiao.targets.ast import (
    Amount,
    Comparison,
    Deadline,
    Node,
    Qualitative,
    Quantity,
    Range,
    Target,
)
from jixiao.targets.framing import (
    actual_change,
    named_change,
    not_achieved,
    note_not_achieved,
    note_undone,
    undone,
)

__all__ = ["on_time", "part_done", "place_deadline", "read_actual", "unreadable_text"]


def unreadable_text(ind: Indicator, field: str, err: TargetSyntaxError) -> Finding:
    return finding(
        "UNREADABLE_CELL",
        ind.cell(field),
        variant="cell",
        label=cell_label(field),
        error=Msg(err.render(), err.message_text("en")),
        column=err.column,
    )


def read_actual(ind: Indicator, tnode: Target, anode: Node, findings: list[Finding]) -> bool:
    """Findings on how the actual cell was read (a quantity out of a sentence, one of several,
    a fraction as a percent, an approximation). False when it cannot be scored as read: the
    cell names several comparable quantities and no rule picks one, a bare fraction under a
    small percent target reads two ways, the actual's date names a year the deadline does not
    (the budget year is not on the row), its words say it is planned, another year's or not done,
    or its number meets the target and the words after it say it did not (``ACTUAL_NOT_ACHIEVED``),
    or it is a change where the target asks for a level (``ACTUAL_CHANGE``)."""
    where = ind.cell("actual")
    candidates: tuple[Quantity, ...] = getattr(anode, "candidates", ())
    reading = getattr(anode, "reading", None)
    names = joined(q.render() for q in candidates)
    if isinstance(anode, Qualitative):
        if candidates:
            findings.append(
                finding(
                    "ACTUAL_AMBIGUOUS",
                    where,
                    actual=anode.text,
                    count=len(candidates),
                    quantities=names,
                )
            )
            return False
        return True
    if isinstance(anode, Deadline) and _needs_year(tnode, anode):
        # 12月底前 against 2024年1月: the deadline is in the budget year (or the one after, for
        # 次年3月底前), which the row does not name; comparing months alone would call a date a
        # year late on time
        findings.append(
            finding(
                "DEADLINE_YEAR_UNKNOWN",
                where,
                actual=_date_only(anode),
                year=anode.year,
                target=tnode.render(),
            )
        )
        return False
    framing = _framing(anode)
    if framing is not None:
        # 预计95%, 计划于11月完成, 上年100人: not what was achieved in the year
        findings.append(_not_achieved("" if framing == "plan" else framing, where, tnode, anode))
        return False
    if isinstance(tnode, Deadline):
        _read_timing(tnode, anode, where, findings)
    if isinstance(anode, Deadline) and anode.reading == "chosen":
        date = _date_only(anode)
        findings.append(finding("ACTUAL_AMBIGUOUS", where, variant="date", date=date))
        return True
    if isinstance(anode, Deadline) and anode.reading == "extracted":
        date = _date_only(anode)
        rest = joined((t for t in (anode.prefix, anode.suffix) if t), "ellipsis")
        findings.append(finding("ACTUAL_NOTE", where, variant="date", date=date, rest=rest))
        return True
    if not isinstance(anode, Amount | Comparison):
        return True
    if not _level(tnode, anode, where, findings):
        return False
    shown = anode.amount.render()
    if reading == "fraction_or_percent":
        low, high = candidates
        findings.append(
            finding(
                "FRACTION_AMBIGUOUS",
                where,
                written=_plain(anode.value),
                percent=low.render(),
                fraction=high.render(),
            )
        )
        return False
    note = getattr(anode, "note", None)
    if note and note_undone(note) and _meets(tnode, anode):
        # 95%（未达标） against ≥90%: the number meets the target and the words say it did not
        findings.append(_not_achieved("contradicts", where, tnode, anode))
        return False
    if reading == "fraction":
        written = _plain(anode.value.scaleb(-2))
        findings.append(finding("FRACTION_AS_PERCENT", where, written=written, quantity=shown))
    elif reading == "chosen":
        findings.append(
            finding(
                "ACTUAL_AMBIGUOUS",
                where,
                variant="chosen",
                count=len(candidates),
                quantities=names,
                quantity=shown,
            )
        )
    elif reading == "extracted":
        rest = joined((t for t in (anode.label, anode.note) if t), "ellipsis")
        findings.append(finding("ACTUAL_NOTE", where, quantity=shown, rest=rest))
    _approximation(anode, tnode, shown, where, findings)
    return True


def _not_achieved(variant: str, where: str, tnode: Target, anode: Node) -> Finding:
    return finding(
        "ACTUAL_NOT_ACHIEVED",
        where,
        variant=variant,
        actual=anode.render(),
        target=tnode.render(),
    )


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
    if year is None or not isinstance(tnode, Deadline) or not _needs_year(tnode, anode):
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


def _needs_year(tnode: Node, anode: Node) -> bool:
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


def _date_only(node: Deadline) -> str:
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


def _framing(anode: Node) -> str | None:
    """What the words around the actual's number or date say it is, when not the year's result
    (:mod:`jixiao.targets.framing`): ``plan``, ``year``, ``negated`` or ``short``. Read are the
    words before it (a date's prefix, and those before its goal: 12月``可完成``100人) and after
    it (a note, a date's suffix); negations only before a number, or around a date."""
    if isinstance(anode, Deadline):
        before = [anode.prefix, anode.goal.label if anode.goal is not None else None]
        after = anode.suffix
    else:
        before = [getattr(anode, "label", None)]
        after = getattr(anode, "note", None)
    words = [w for w in before if w]
    for w in words:
        if (got := not_achieved(w)) is not None:
            return got
    if after and (got := note_not_achieved(after)) is not None:
        return got
    if isinstance(anode, Deadline) and after:
        words.append(after)  # 12月底前未完成
    for w in words:
        if (got := undone(w)) is not None:
            return got
    return None


_RATIO_UNITS = frozenset({"%", "‰", "百分点", "倍"})


def _level(tnode: Target, anode: Amount | Comparison, where: str, findings: list[Finding]) -> bool:
    """False, with ``ACTUAL_CHANGE``, when the actual reports a change from an earlier level
    (``较上年提高5%``, ``同比下降2%``) where the target asks for a level (``≥90%``): its number
    is not the value the target bounds, and scoring it would compare a rise with a level. Also
    when the target asks for a change one way and the actual reports one the other way
    (``增长≥5%`` against ``同比下降8%``). Only the two cells decide (an outcome is shared by
    rows with the same cells): a target that measures a change says so in its own words
    (``同比增长≥6%``, ``增长率≥6%``)."""
    if not anode.label or not isinstance(tnode, Amount | Comparison | Range):
        return True
    unit = anode.amount.unit
    way = actual_change(anode.label, unit is not None and unit.symbol in _RATIO_UNITS)
    if way is None:
        return True
    asked = named_change((tnode.label or "") + (tnode.note or ""))
    if asked is not None and (not way or not asked or way == asked):
        return True
    variant = "" if asked is None else "fall" if way == "down" else "rise"
    findings.append(
        finding(
            "ACTUAL_CHANGE", where, variant=variant, actual=anode.render(), target=tnode.render()
        )
    )
    return False


def _meets(tnode: Target, anode: Amount | Comparison) -> bool:
    """True when the actual's number meets the target's bound as a policy reads it: ``≥``,
    ``>``, ``=`` and a bare amount from below (a number above ``=100%`` is scored as met), ``≤``
    and ``<`` from above, a range between its ends. False when the two do not compare (other
    units: ``UNIT_MISMATCH``)."""
    if not isinstance(tnode, Amount | Comparison | Range):
        return False
    ctx = new_ctx(tnode, anode, None, None)
    value = ctx.aq
    if value is None or ctx.actual_dim != ctx.target_dim:
        return False
    if isinstance(tnode, Range):
        return ctx.tlow is not None and ctx.thigh is not None and ctx.tlow <= value <= ctx.thigh
    if ctx.tq is None:
        return False
    if getattr(tnode, "op", "") in ("<=", "<"):
        return value <= ctx.tq
    return value >= ctx.tq


def _approximation(
    anode: Amount | Comparison, tnode: Target, shown: str, where: str, findings: list[Finding]
) -> None:
    """约45人 / 200余人 / 40人以上 / 不到200人 in an actual: the number is scored and the finding
    says so. A bound on the side that favours the claim (不到200人 against ≥200人: the true value
    is below the number scored) is a warning, since the score may be higher than earned."""
    if isinstance(anode, Comparison):
        side = {">=": "over", ">": "over", "<=": "under", "<": "under"}.get(anode.op)
        if side is None:
            return
    elif anode.approx is not None:
        side = anode.approx
    else:
        return
    text = anode.render()
    t_op = getattr(tnode, "op", "")
    ranged = isinstance(tnode, Range)
    favours = (side == "under" and (ranged or t_op not in ("<=", "<"))) or (
        side == "over" and (ranged or t_op in ("<=", "<", "="))
    )
    if favours:
        findings.append(
            finding("ACTUAL_BOUND_ONLY", where, variant=side, actual=text, quantity=shown)
        )
        return
    findings.append(finding("ACTUAL_APPROXIMATE", where, variant=side, actual=text, quantity=shown))


def _read_timing(tnode: Deadline, anode: Node, where: str, findings: list[Finding]) -> None:
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
        elif met is None:
            findings.append(
                finding(
                    "DEADLINE_UNCHECKED",
                    where,
                    variant="by" if _by(anode) else "" if anode.month is not None else "year",
                    date=_date_only(anode),
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
                    date=_date_only(anode),
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
