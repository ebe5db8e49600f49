"""How a row's target and actual cells were read: a cell that cannot be parsed, and the findings
on a reading that is not plain (a quantity out of a sentence, one of several, a bare fraction, an
approximation or a bound)."""

from __future__ import annotations

from jixiao.catalog import joined
from jixiao.errors import TargetSyntaxError
from jixiao.evaluate.findings import Finding, cell_label, finding
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.outcome import new_ctx
from jixiao.evaluate.timing import date_only, needs_year, read_timing
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
    other_basis,
    part_of_year,
    provisional,
    undone,
)

__all__ = ["read_actual", "unreadable_text"]


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
    or it is a change where the target asks for a level (``ACTUAL_CHANGE``), or a total where the
    target is a figure per person (``ACTUAL_BASIS``). A figure for part of the year, or one its
    words call unchecked or incomplete, is scored with a warning (``ACTUAL_PART_YEAR``,
    ``ACTUAL_PROVISIONAL``)."""
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
    if isinstance(anode, Deadline) and needs_year(tnode, anode):
        # 12月底前 against 2024年1月: the deadline is in the budget year (or the one after, for
        # 次年3月底前), which the row does not name; comparing months alone would call a date a
        # year late on time
        findings.append(
            finding(
                "DEADLINE_YEAR_UNKNOWN",
                where,
                actual=date_only(anode),
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
        read_timing(tnode, anode, where, findings)
    if isinstance(anode, Deadline) and anode.reading == "chosen":
        date = date_only(anode)
        findings.append(finding("ACTUAL_AMBIGUOUS", where, variant="date", date=date))
        return True
    if isinstance(anode, Deadline) and anode.reading == "extracted":
        date = date_only(anode)
        rest = joined((t for t in (anode.prefix, anode.suffix) if t), "ellipsis")
        findings.append(finding("ACTUAL_NOTE", where, variant="date", date=date, rest=rest))
        return True
    if isinstance(anode, Deadline) and anode.goal is not None:
        _as_of(tnode, anode, where, findings)
    if not isinstance(anode, Amount | Comparison):
        return True
    if not _level(tnode, anode, where, findings):
        return False
    if not _basis(tnode, anode, where, findings):
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
    period = part_of_year(anode.label, note)
    if period is not None:
        # 上半年95%, 前三季度累计完成120人: the number is not the year's
        findings.append(
            finding("ACTUAL_PART_YEAR", where, actual=anode.render(), period=period, quantity=shown)
        )
    words = provisional(anode.label, note)
    if words is not None:
        # 95%（待核实）, 初步统计95%: the unit says its number is not final
        findings.append(
            finding("ACTUAL_PROVISIONAL", where, actual=anode.render(), words=words, quantity=shown)
        )
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


def _as_of(tnode: Target, anode: Deadline, where: str, findings: list[Finding]) -> None:
    """``ACTUAL_PART_YEAR`` (``date``) when a quantity dated before the year's end (截至10月底支出
    50万元) stands against a cap or a range (``≤60万元``): what came in the rest of the year is not
    in it, so it cannot show the year stayed within the bound. Under ``≥`` a figure reached by
    then (10月底前完成120人) stands: it is what was achieved, early."""
    capped = isinstance(tnode, Range) or (isinstance(tnode, Comparison) and tnode.op in ("<=", "<"))
    if not capped or anode.goal is None:
        return
    day = anode.written_day
    if anode.month is None or (anode.month == 12 and (day is None or day >= 31)):
        return
    findings.append(
        finding(
            "ACTUAL_PART_YEAR",
            where,
            variant="date",
            actual=anode.render(),
            date=date_only(anode),
            target=tnode.render(),
            quantity=anode.goal.render(),
        )
    )


def _not_achieved(variant: str, where: str, tnode: Target, anode: Node) -> Finding:
    return finding(
        "ACTUAL_NOT_ACHIEVED",
        where,
        variant=variant,
        actual=anode.render(),
        target=tnode.render(),
    )


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


def _basis(tnode: Target, anode: Amount | Comparison, where: str, findings: list[Finding]) -> bool:
    """False, with ``ACTUAL_BASIS``, when the target is a figure per something (``人均≥500元``)
    and the actual's words say it is a total (``共发放50万元``) or per something else (``户均``):
    its number is not what the target bounds (:func:`jixiao.targets.framing.other_basis`)."""
    twords = "".join(w for w in (getattr(tnode, "label", None), getattr(tnode, "note", None)) if w)
    words = other_basis(twords, anode.label)
    if words is None:
        return True
    basis, other = words
    findings.append(
        finding(
            "ACTUAL_BASIS",
            where,
            variant="other" if other else "",
            target=tnode.render(),
            actual=anode.render(),
            basis=basis,
            other=other,
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


def _at_lower_edge(tnode: Target, anode: Amount | Comparison) -> bool:
    """True when the actual's number meets the target and is its lower bound (100人 under
    ``≥100人``, 100% under ``=100%``, 80% under ``80%-90%``): any less would not meet it."""
    if not isinstance(tnode, Amount | Comparison | Range) or getattr(tnode, "op", "") in (
        "<=",
        "<",
    ):
        return False
    ctx = new_ctx(tnode, anode, None, None)
    if ctx.aq is None or ctx.actual_dim != ctx.target_dim:
        return False
    if isinstance(tnode, Range):  # the low end, in a range that has one above it
        return ctx.aq == ctx.tlow and ctx.thigh is not None and ctx.aq <= ctx.thigh
    return ctx.aq == ctx.tq


def _approximation(
    anode: Amount | Comparison, tnode: Target, shown: str, where: str, findings: list[Finding]
) -> None:
    """约45人 / 200余人 / 40人以上 / 不到200人 / 将近100人 in an actual: the number is scored and
    the finding says so. A bound on the side that favours the claim (不到200人 against ≥200人: the
    true value is below the number scored) is a warning, since the score may be higher than
    earned; so is a number approached from below (将近100人, 接近100%) that meets the target only
    at its lower edge (≥100人, =100%): a little short of it, the target is not met."""
    if isinstance(anode, Comparison):
        side = {">=": "over", ">": "over", "<=": "under", "<": "under"}.get(anode.op)
        if side is None:
            return
    elif anode.approx is not None:
        side = anode.approx
    else:
        return
    text = anode.render()
    if side == "near":
        # 将近100人: the true value is a little short of the number
        if _at_lower_edge(tnode, anode):
            findings.append(
                finding("ACTUAL_BOUND_ONLY", where, variant="under", actual=text, quantity=shown)
            )
        else:
            findings.append(
                finding("ACTUAL_APPROXIMATE", where, variant="about", actual=text, quantity=shown)
            )
        return
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
