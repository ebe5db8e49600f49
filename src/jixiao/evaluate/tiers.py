"""Scoring a row by a tier table: the tier the actual's words, status, date, grade scale or echo
of the target names, the band the claimed score must lie in, and the findings when it does not.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.evaluate.findings import Finding, finding, policy_word
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.timing import milestone, on_time, part_done
from jixiao.forms.model import Indicator
from jixiao.policy.ast import Interval
from jixiao.policy.compiler import Ctx
from jixiao.policy.model import Policy, TierTableRT
from jixiao.policy.names import norm_word as _norm
from jixiao.targets.ast import Deadline, Node, Qualitative
from jixiao.targets.framing import qualifier

__all__ = ["cells_tier", "not_numeric", "score_tiers", "tier_band", "tier_default", "tier_score"]


def score_tiers(
    policy: Policy, table: TierTableRT, ind: Indicator, ctx: Ctx, findings: list[Finding]
) -> tuple[Decimal, str, str, Interval] | None:
    weight = ind.weight
    assert weight is not None
    actual = ctx.actual
    target = ctx.target
    if not_numeric(ctx):
        # 已完成 / 达成预期指标 under ≥10场 or 12月底前完成: a tier may be read from the words,
        # but the number (or date) the target asks for is not there to check
        findings.append(
            finding(
                "ACTUAL_NOT_NUMERIC",
                ind.cell("actual"),
                variant="date" if isinstance(target, Deadline) else "",
                target=target.render(),
                actual=actual.render(),
            )
        )
    tier_name, basis = cells_tier(table, ctx)
    claimed = ind.score
    shown = _q(claimed, Decimal(1).scaleb(-policy.places)) if claimed is not None else None
    if tier_name is not None:
        score, b, flag = tier_score(policy, table, tier_name, weight, claimed)
        if flag == "estimated":
            findings.append(
                finding(
                    "QUAL_SCORE_ESTIMATED",
                    ind.cell("score"),
                    tier=policy_word(policy, tier_name),
                    score=_fmt(score),
                )
            )
        elif flag == "out_of_band":
            findings.append(
                finding(
                    "QUAL_SCORE_OUT_OF_BAND",
                    ind.cell("score"),
                    tier=policy_word(policy, tier_name),
                    band=b.render(points=True),
                    claimed=_fmt(shown),
                )
            )
        return score, tier_name, basis, b
    echo = table.roles.get("echo")
    echoed = echo is not None and _echoes(actual, target)
    echo_band = tier_band(policy, table, echo, weight) if echo is not None and echoed else None
    if (
        claimed is not None
        and echo is not None
        and echo_band is not None
        and echo_band.contains(claimed)
    ):
        # the actual restates the target and the claim lies in the echo tier: read from the cells
        return policy.quantize(claimed), echo, "echo", echo_band
    if claimed is not None:
        for t in table.tiers:
            b = tier_band(policy, table, t.name, weight)
            if b.contains(claimed):
                findings.append(
                    finding(
                        "QUAL_TIER_FROM_SCORE",
                        ind.where,
                        claimed=_fmt(shown),
                        tier=policy_word(policy, t.name),
                    )
                )
                return policy.quantize(claimed), t.name, "claimed", b
        findings.append(
            finding(
                "QUAL_SCORE_OUT_OF_BAND",
                ind.cell("score"),
                variant="no_band",
                claimed=_fmt(shown),
                weight=_plain(weight),
            )
        )
        return None
    if echo is not None and echo_band is not None:
        score = tier_default(policy, table, echo, weight)
        findings.append(
            finding(
                "QUAL_SCORE_ESTIMATED",
                ind.cell("score"),
                variant="echo",
                tier=policy_word(policy, echo),
                score=_fmt(score),
            )
        )
        return score, echo, "echo", echo_band
    findings.append(finding("QUAL_TIER_UNKNOWN", ind.cell("actual"), actual=actual.render()))
    return None


def not_numeric(ctx: Ctx) -> bool:
    """True when the target asks for a number or a date and the actual gives neither
    (``ACTUAL_NOT_NUMERIC``): a tier may be read from its words, but not checked."""
    numeric_target = ctx.tq is not None or ctx.tlow is not None
    return (numeric_target or isinstance(ctx.target, Deadline)) and (
        ctx.aq is None and not isinstance(ctx.actual, Deadline)
    )


def cells_tier(table: TierTableRT, ctx: Ctx) -> tuple[str | None, str]:
    """The tier the cells name, and how (``scale``, ``words``, ``status`` or ``deadline``):
    the actual's place in a grade scale the target writes out, its words, its status, or its
    date against the target's deadline. ``(None, …)`` when the cells name none (the echo of the
    target and the claimed score are read by :func:`score_tiers`)."""
    actual = ctx.actual
    target = ctx.target
    tier_name: str | None = None
    basis = "words"
    text = _norm(
        actual.text if hasattr(actual, "text") and isinstance(actual.text, str) else actual.render()
    )
    if isinstance(target, Qualitative) and target.scale and text:
        role = _scale_role(text, target.scale)
        if role is not None and role in table.roles:
            tier_name = table.roles[role]
            basis = "scale"
    if text and tier_name is None:
        tier_name = table.words.get(text)
    if tier_name is None and actual.kind == "outcome":
        tier_name = table.status.get(actual.status)
        basis = "status"
    if (
        tier_name is None
        and isinstance(target, Deadline)
        and isinstance(actual, Deadline)
        and not part_done(target, actual)  # 11月完成80%: when, not that it was done
    ):
        met = on_time(target, actual)
        if met is not False and milestone(actual) is not None:
            met = None  # 11月开工, 11月底基本完成: when, not that it was done (late is late)
        if met is not None:  # else the date is too coarse to tell (DEADLINE_UNCHECKED)
            tier_name = table.roles.get("on_time" if met else "late")
            basis = "deadline"
    return tier_name, basis


def tier_band(policy: Policy, table: TierTableRT, name: str, weight: Decimal) -> Interval:
    """The band of tier *name* in points, for a row of *weight*."""
    return table.tier(name).band.scaled(weight, policy.quantize)


def tier_default(policy: Policy, table: TierTableRT, name: str, weight: Decimal) -> Decimal:
    """The score tier *name* gives a row of *weight* when its claim cannot be taken."""
    t = table.tier(name)
    point = (
        t.default
        if t.default is not None
        else (t.band.high if t.band.high is not None else Decimal(1))
    )
    return policy.quantize(weight * point)


def tier_score(
    policy: Policy, table: TierTableRT, name: str, weight: Decimal, claimed: Decimal | None
) -> tuple[Decimal, Interval, str | None]:
    """The score of a row whose cells name tier *name*: the claim when it lies in the tier's
    band, else the tier's default. With the band, and what :func:`score_tiers` notes about the
    claim: ``"estimated"`` (no claim, below the top tier: ``QUAL_SCORE_ESTIMATED``),
    ``"out_of_band"`` (``QUAL_SCORE_OUT_OF_BAND``) or None."""
    b = tier_band(policy, table, name, weight)
    if claimed is None:
        flag = "estimated" if name != table.top.name else None
        return tier_default(policy, table, name, weight), b, flag
    if b.contains(claimed):
        return policy.quantize(claimed), b, None
    return tier_default(policy, table, name, weight), b, "out_of_band"


_SCALE_PREFIXES = ("评价为", "评定为", "等级为", "等级", "评价", "为")


_SCALE_SUFFIXES = ("等级", "等", "级", "档")


def _scale_role(text: str, scale: tuple[str, ...]) -> str | None:
    """The position of the actual *text* in a grade *scale* written as the target: the tier
    role ``scale_first`` (the scale's first grade), ``scale_last`` or ``scale_middle``; None
    when the text is not one of the scale's grades (``评定为良``, ``良等`` read as ``良``)."""
    candidates = [text]
    for prefix in _SCALE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            candidates.append(text[len(prefix) :])
    for c in list(candidates):
        for suffix in _SCALE_SUFFIXES:
            if c.endswith(suffix) and len(c) > len(suffix):
                candidates.append(c[: -len(suffix)])
    for c in candidates:
        if c in scale:
            i = scale.index(c)
            return (
                "scale_first" if i == 0 else "scale_last" if i == len(scale) - 1 else "scale_middle"
            )
    return None


def _echoes(actual: Node, target: Node) -> bool:
    """True when the actual restates a qualitative target: the same words, or the target's words
    inside a longer sentence (``有效提高`` + the target), or most of them (four fifths). Not when
    the words around the target take it back (``未``/``基本``/``预计`` + the target, the target +
    ``效果不明显``), nor when the words of the target left out negate it (``发生安全事故`` against
    ``未发生安全事故``): :func:`jixiao.targets.framing.qualifier`."""
    if not isinstance(target, Qualitative | Deadline):
        return False
    a = _norm(actual.render())
    t = _norm(getattr(target, "text", None) or target.render())
    if not a or not t:
        return False
    if t in a:
        return qualifier(a.replace(t, "|", 1)) is None
    if a in t and len(a) * 5 >= len(t) * 4:
        return qualifier(t.replace(a, "|", 1)) != "negated"
    return False
