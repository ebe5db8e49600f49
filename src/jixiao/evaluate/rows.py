"""Evaluating one indicator row: parse its cells, pick the first rule of the policy that applies,
run it, and say in findings whatever kept the row from being verified.

Everything but the reason check (the one part that reads the 偏差原因 text) is computed here, so
that rows with the same observable inputs can share the result (:mod:`jixiao.evaluate.indicators`
holds the entry points and the memo). Never raises for a bad row.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from jixiao.catalog import PARTS, joined
from jixiao.catalog import stronger as _stronger
from jixiao.errors import TargetSyntaxError
from jixiao.evaluate.checks import check_claim_bounds, check_reason
from jixiao.evaluate.findings import (
    UNVERIFYING_CODES,
    VERIFIED_BASES,
    Finding,
    finding,
    policy_word,
    rule_title,
    unreadable_cell,
)
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import format_template as _format
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.findings import with_severities as _with_severities
from jixiao.evaluate.outcome import Outcome, new_ctx, unscored_outcome
from jixiao.evaluate.reading import read_actual, unreadable_text
from jixiao.evaluate.results import IndicatorResult, make_result
from jixiao.evaluate.tiers import score_tiers
from jixiao.evaluate.timing import place_deadline
from jixiao.forms.model import Indicator
from jixiao.i18n import Msg
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledFinding, CompiledRule, Policy
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import Node, Target

__all__ = [
    "INEXACT",
    "Draft",
    "Scored",
    "apply_rule",
    "evaluate",
    "finish_unscored",
    "is_verified",
    "out_of_range",
    "rule_finding",
    "score_mismatch",
    "settle",
]


def rule_finding(
    cf: CompiledFinding, r: IndicatorResult | None, fields: Mapping[str, str], where: str
) -> Finding:
    """A rule file's own ``finding`` (the policy author's code and words, not the catalog's), with
    the result's fields filled into its text."""
    zh = _format(cf.zh, fields)
    en = _format(cf.en, fields) if cf.en else zh
    return Finding(cf.code, cf.severity, zh, en, where, cf.where)


class Scored:
    """One indicator evaluated: the outcome and its findings, with the place where the reason
    check goes (the only part that reads the 偏差原因 text, so the rest can be shared)."""

    __slots__ = ("ctx", "exact", "findings", "outcome", "post", "pre", "reason")

    def __init__(
        self,
        outcome: Outcome,
        findings: list[Finding],
        reason: str | None = None,
        at: int | None = None,
        ctx: Ctx | None = None,
        exact: bool = True,
    ) -> None:
        self.outcome = outcome
        self.findings = tuple(findings)
        split = len(findings) if at is None else at
        self.pre = self.findings[:split]
        self.post = self.findings[split:]
        self.reason = reason
        self.ctx = ctx
        # False when the findings already depend on the reason text (a rule failed after the
        # reason check): such an outcome cannot be shared between rows.
        self.exact = exact


INEXACT = Scored(
    Outcome(
        None, None, None, None, None, None, None, "unscored", None, None, None, None, None, None
    ),
    [],
    exact=False,
)


class Draft:
    """Where the reason check of a rule goes, and at what severity (set while the rule runs)."""

    __slots__ = ("at", "severity")

    def __init__(self) -> None:
        self.at: int | None = None
        self.severity: str | None = None


def evaluate(
    policy: Policy,
    ind: Indicator,
    exact: bool = False,
    *,
    year: int | None = None,
    given: bool = False,
) -> Scored:
    """Score *ind* except for its reason check. With ``exact`` the rare outcome that depends on
    the reason text is computed in full (the reference path); otherwise it is marked inexact.
    *year* is the budget year of the form the row is on, if known (*given*: the year the caller
    gave for rows on no form): a deadline without a year is placed in it where the actual's date
    names a year (:func:`place_deadline`).

    Fails closed: the policy's severities are applied to built-in codes, and a row whose score
    does not rest on what its cells say (see :func:`is_verified`) always carries a warning or an
    error (``SCORE_UNVERIFIED`` is added when nothing else on the row says so)."""
    scored = _evaluate_row(policy, ind, exact, year, given)
    if scored is INEXACT:
        return scored
    return settle(policy, ind, scored)


def settle(policy: Policy, ind: Indicator, scored: Scored) -> Scored:
    """The policy's severities applied to built-in codes, and ``SCORE_UNVERIFIED`` added when
    the row's score does not rest on its cells and nothing else on the row says so."""
    findings = _with_severities(policy.severities, list(scored.findings))
    o = scored.outcome
    if not is_verified(o.score, o.basis, findings) and not any(
        f.severity != "info" for f in findings
    ):
        findings.append(_unverified(policy, ind, o.basis, o.tier, findings))
    if findings == list(scored.findings):
        return scored
    return Scored(o, findings, scored.reason, len(scored.pre), scored.ctx, scored.exact)


def is_verified(
    score: Decimal | None, basis: str, findings: tuple[Finding, ...] | list[Finding]
) -> bool:
    """True when a row's score was computed from what its cells say: a score exists, a rule
    reached it from the cells (``VERIFIED_BASES``) and no finding on the row marks the reading
    as a guess (``UNVERIFYING_CODES``)."""
    return (
        score is not None
        and basis in VERIFIED_BASES
        and not any(f.code in UNVERIFYING_CODES for f in findings)
    )


def _unverified(
    policy: Policy, ind: Indicator, basis: str, tier: str | None, findings: list[Finding]
) -> Finding:
    if basis == "claimed" and ind.score is not None:
        shown = _fmt(_q(ind.score, Decimal(1).scaleb(-policy.places)))
        return finding(
            "SCORE_UNVERIFIED",
            ind.cell("score"),
            variant="tier",
            claimed=shown,
            tier=policy_word(policy, tier or ""),
        )
    codes = sorted({f.code for f in findings if f.code in UNVERIFYING_CODES})
    return finding(
        "SCORE_UNVERIFIED", ind.where, variant="row", why=joined(codes) if codes else basis
    )


def _evaluate_row(
    policy: Policy, ind: Indicator, exact: bool, year: int | None = None, given: bool = False
) -> Scored:
    findings: list[Finding] = [unreadable_cell(f, raw, ind.cell(f)) for f, raw in ind.unreadable]
    bad_weight = any(f == "weight" for f, _raw in ind.unreadable)
    tnode: Target | None = None
    anode: Node | None = None
    try:
        tnode = parse_target(ind.target)
    except TargetSyntaxError as err:
        findings.append(unreadable_text(ind, "target", err))
    try:
        anode = parse_actual(ind.actual, tnode) if tnode is not None else parse_actual(ind.actual)
    except TargetSyntaxError as err:
        findings.append(unreadable_text(ind, "actual", err))
    if ind.weight is None and not bad_weight:
        findings.append(finding("WEIGHT_MISSING", ind.cell("weight")))
    if tnode is None or anode is None or ind.weight is None:
        return finish_unscored(policy, ind, findings, tnode, anode)
    tnode = place_deadline(ind, tnode, anode, year, findings, given)
    if not read_actual(ind, tnode, anode, findings):
        return finish_unscored(policy, ind, findings, tnode, anode)

    ctx = new_ctx(tnode, anode, ind.weight, ind.score, ind.level1, ind.level2, ind.name)
    if "reason" in policy.row_fields:  # only a policy that reads it sees the reason
        ctx.reason = ind.reason
    if ctx.aq is not None and ctx.target_dim is not None and ctx.actual_dim != ctx.target_dim:
        tu = tnode.quantity.unit if tnode.quantity is not None else None
        au = anode.quantity.unit if anode.quantity is not None else None
        findings.append(
            finding(
                "UNIT_MISMATCH",
                ind.cell("actual"),
                actual_unit=au.symbol if au else PARTS["no_unit"],
                target_unit=tu.symbol if tu else PARTS["no_unit"],
            )
        )
        return finish_unscored(policy, ind, findings, tnode, anode)

    rule: CompiledRule | None = None
    try:
        for r in policy.rules:
            if r.when is None or r.when(ctx):
                rule = r
                break
    except EvalError as err:
        findings.append(_policy_error(err, ind))
        return finish_unscored(policy, ind, findings, tnode, anode)
    if rule is None:
        findings.append(
            finding(
                "NO_RULE",
                ind.where,
                policy=policy.name,
                target=tnode.render() or PARTS["empty"],
            )
        )
        return finish_unscored(policy, ind, findings, tnode, anode)

    draft = Draft()
    try:
        return apply_rule(policy, rule, ind, ctx, findings, draft)
    except (EvalError, ArithmeticError) as err:
        if isinstance(err, EvalError):
            findings.append(_policy_error(err, ind, rule))
        else:
            findings.append(_overflow(ind, rule, err))
        if draft.severity is None:
            return finish_unscored(policy, ind, findings, tnode, anode, rule)
        # The rule failed after its reason check: the findings (and the note taken from the
        # first error among them) depend on the reason text.
        if not exact:
            return INEXACT
        assert draft.at is not None
        extra: list[Finding] = []
        check_reason(policy, ind.reason, ind.cell("reason"), draft.severity, extra)
        findings[draft.at : draft.at] = extra
        return finish_unscored(policy, ind, findings, tnode, anode, rule)


def out_of_range(rule: CompiledRule, score: Decimal, weight: Decimal, where: str) -> Finding:
    """A rule's score outside 0..weight (e.g. ``weight * 80`` for ``weight * 80%``): the score
    stands as computed, visibly marked as a policy error on the row."""
    return finding(
        "SCORE_OUT_OF_RANGE",
        where,
        rule=rule_title(rule),
        score=_fmt(score),
        weight=_plain(weight),
        where=rule.where,
    )


def _policy_error(err: EvalError, ind: Indicator, rule: CompiledRule | None = None) -> Finding:
    where_rule = str(err.loc) if err.loc is not None else (rule.where if rule else "")
    return finding(
        "POLICY_ERROR",
        ind.where,
        variant="" if rule else "choosing",
        rule_at=where_rule,
        rule=rule_title(rule) if rule else "",
        error=Msg(err.zh, err.en),
        where=where_rule,
    )


def _overflow(ind: Indicator, rule: CompiledRule, err: ArithmeticError) -> Finding:
    # e.g. a weight of 1e30 cannot be rounded to 2 places within Decimal's 28 digits
    return finding(
        "POLICY_ERROR",
        ind.where,
        variant="overflow",
        rule_at=rule.where,
        rule=rule_title(rule),
        kind=type(err).__name__,
        where=rule.where,
    )


def finish_unscored(
    policy: Policy,
    ind: Indicator,
    findings: list[Finding],
    tnode: Node | None,
    anode: Node | None,
    rule: CompiledRule | None = None,
    ctx: Ctx | None = None,
    note: tuple[str, str] | None = None,
) -> Scored:
    if ind.score is not None:
        findings.append(finding("SCORE_UNVERIFIED", ind.cell("score"), claimed=_fmt(ind.score)))
    check_claim_bounds(ind, findings)
    if note is None:
        first = next(
            (f for f in findings if f.severity == "error"), findings[0] if findings else None
        )
        note = (
            (f"无法评分：{first.zh}", f"not scored: {first.en}")
            if first
            else ("无法评分", "not scored")
        )
    outcome = unscored_outcome(ind.weight, ind.score, rule, tnode, anode, policy, ctx, note)
    return Scored(outcome, findings, ctx=ctx)


def apply_rule(
    policy: Policy,
    rule: CompiledRule,
    ind: Indicator,
    ctx: Ctx,
    findings: list[Finding],
    draft: Draft,
) -> Scored:
    weight = ind.weight
    assert weight is not None
    if rule.met is not None:
        ctx.met = bool(rule.met(ctx))
    raw: Decimal | None = None
    score: Decimal | None = None
    tier = None
    basis = "formula"
    band = None
    if rule.score is not None:
        raw = rule.score(ctx)
        assert raw is not None
        score = policy.quantize(raw)
        if score > weight or score < 0:
            findings.append(out_of_range(rule, score, weight, ind.where))
        if rule.met is None:
            ctx.met = score >= weight
    elif rule.tiers is not None:
        table = policy.tiers[rule.tiers]
        outcome = score_tiers(policy, table, ind, ctx, findings)
        if outcome is None:
            return finish_unscored(policy, ind, findings, ctx.target, ctx.actual, rule, ctx)
        score, tier, basis, band = outcome
        ctx.met = tier == table.top.name
    else:
        assert rule.unscored is not None
        zh, en = rule.unscored
        text = Msg(zh, en or zh)  # the policy author's words
        findings.append(finding("NOT_SCORED", ind.where, rule_at=rule.where, text=text))
        return finish_unscored(
            policy,
            ind,
            findings,
            ctx.target,
            ctx.actual,
            rule,
            ctx,
            note=(f"无法评分：{zh}", f"not scored: {en or zh}"),
        )

    done = Outcome(
        weight,
        score,
        ind.score,
        ctx.met,
        rule,
        raw,
        tier,
        basis,
        band,
        ctx.target,
        ctx.actual,
        policy,
        ctx,
        None,
    )
    ctx.scored = score
    result = make_result(done, ind.name, ind.level1, ind.level2, ind.where, (), ctx)
    # A reason the rule requires (a deduction) is an error when missing; one that a finding
    # requires (e.g. a large over-achievement) takes that finding's severity.
    reason_severity: str | None = None
    if rule.reason_always or (rule.reason is not None and bool(rule.reason(ctx))):
        reason_severity = "error"
    fields: dict[str, str] | None = None
    for cf in rule.findings:
        if cf.when is None or cf.when(ctx):
            if fields is None:
                fields = result._fields("zh")
            findings.append(rule_finding(cf, result, fields, ind.where))
            if cf.reason_required:
                reason_severity = _stronger(reason_severity, cf.severity)
    if reason_severity is not None:
        draft.at = len(findings)
        draft.severity = reason_severity
    check_claim_bounds(ind, findings)
    if ind.score is not None and score is not None and abs(ind.score - score) > policy.tolerance:
        accepted = False
        for acc in rule.accepts:
            alt = policy.quantize(acc(ctx))
            if abs(ind.score - alt) <= policy.tolerance:
                accepted = True
                break
        if not accepted:
            findings.append(score_mismatch(ind, score, result))
    return Scored(done, findings, draft.severity, draft.at, ctx)


def score_mismatch(ind: Indicator, score: Decimal, result: IndicatorResult) -> Finding:
    """``SCORE_MISMATCH``: the claimed score differs from the computed *score* beyond the
    tolerance (and no ``accept`` formula gives it); the text quotes the result's explanation."""
    return finding(
        "SCORE_MISMATCH",
        ind.cell("score"),
        claimed=_fmt(ind.score),
        computed=_fmt(score),
        why=Msg(result.explanation("zh"), result.explanation("en")),
    )
