"""Scoring one indicator row: parse its cells, pick the first rule that applies, run it.

Rows whose observable inputs are the same share one evaluation (a per-policy memo bounded by bytes: :mod:`.memo`).
Never raises for a bad row: every problem becomes a finding and the row is left unscored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.catalog import PARTS, joined
from jixiao.catalog import stronger as _stronger
from jixiao.decimals import in_context
from jixiao.errors import FormError, TargetSyntaxError
from jixiao.evaluate.checks import check_claim_bounds as _check_claim_bounds
from jixiao.evaluate.checks import check_reason as _check_reason
from jixiao.evaluate.findings import (
    UNVERIFYING_CODES,
    VERIFIED_BASES,
    Finding,
    finding,
    unreadable_cell,
)
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import format_template as _format
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.findings import with_severities as _with_severities
from jixiao.evaluate.memo import MEMO_BYTES as MEMO_BYTES  # the memo's names, as before
from jixiao.evaluate.memo import MEMO_POLICIES as MEMO_POLICIES
from jixiao.evaluate.memo import MEMO_SIZE as MEMO_SIZE
from jixiao.evaluate.memo import Memo
from jixiao.evaluate.memo import memo_clear as memo_clear
from jixiao.evaluate.memo import memo_info as memo_info
from jixiao.evaluate.memo import memo_of as memo_of
from jixiao.evaluate.memo import set_memo_size as set_memo_size
from jixiao.evaluate.outcome import Outcome as _Outcome
from jixiao.evaluate.outcome import new_ctx as _new_ctx
from jixiao.evaluate.reading import read_actual as _read_actual
from jixiao.evaluate.reading import unreadable_text as _unreadable
from jixiao.evaluate.results import IndicatorResult
from jixiao.evaluate.results import make_result as _result
from jixiao.evaluate.tiers import score_tiers as _score_tiers
from jixiao.forms.model import Indicator, to_decimal
from jixiao.forms.model import cell_text as _text
from jixiao.i18n import Msg
from jixiao.limits import CACHED_CHARS
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledFinding, CompiledRule, Policy
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import Node, Target


def rule_finding(
    cf: CompiledFinding, r: IndicatorResult | None, fields: Mapping[str, str], where: str
) -> Finding:
    zh = _format(cf.zh, fields)
    en = _format(cf.en, fields) if cf.en else zh
    return Finding(cf.code, cf.severity, zh, en, where, cf.where)


_rule_finding = rule_finding


class _Scored:
    """One indicator evaluated: the outcome and its findings, with the place where the reason
    check goes (the only part that reads the 偏差原因 text, so the rest can be shared)."""

    __slots__ = ("ctx", "exact", "findings", "outcome", "post", "pre", "reason")

    def __init__(
        self,
        outcome: _Outcome,
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


_INEXACT = _Scored(
    _Outcome(
        None, None, None, None, None, None, None, "unscored", None, None, None, None, None, None
    ),
    [],
    exact=False,
)


class _Draft:
    """Where the reason check of a rule goes, and at what severity (set while the rule runs)."""

    __slots__ = ("at", "severity")

    def __init__(self) -> None:
        self.at: int | None = None
        self.severity: str | None = None


@in_context
def score_indicator(policy: Policy, ind: Indicator | Mapping[str, Any]) -> IndicatorResult:
    """Score one indicator row under *policy*; never raises for bad cells (see findings).

    Rows whose observable inputs are the same (target and actual text, weight, claimed score, and
    the labels only when the policy's rules read them) share one evaluation: see :mod:`jixiao.evaluate.memo`.
    """
    memo = memo_of(policy)
    if memo.reasons:  # rules that read the reason text score each row on its own
        return score_indicator_uncached(policy, ind)
    if not isinstance(ind, Indicator):
        if type(ind) is dict and "target" in ind and "actual" in ind and "weight" in ind:
            return _score_mapping(policy, memo, ind)
        ind = Indicator.from_dict(ind)
    if ind.unreadable:
        return score_indicator_uncached(policy, ind)
    if _long(ind.target, ind.actual, ind.name, ind.level1, ind.level2):
        return score_indicator_uncached(policy, ind)  # the memo keeps short texts only
    w, s = ind.weight, ind.score
    key = (
        ind.target,
        ind.actual,
        None if w is None else ("d", str(w)),
        None if s is None else ("d", str(s)),
        ind.name if memo.names else "",
        ind.level1 if memo.levels else "",
        ind.level2 if memo.levels else "",
    )
    scored = memo.get(key)
    if scored is None:
        scored = memo.add(key, memo_miss(policy, *key))
    if not scored.exact:
        return score_indicator_uncached(policy, ind)
    findings = scored.findings
    if findings and (ind.where or ind.cells):
        scored = _Scored(
            scored.outcome,
            [_restamp(f, ind) for f in findings],
            scored.reason,
            len(scored.pre),
        )
    return _assemble(
        scored, ind.name, ind.level1, ind.level2, ind.where, ind.reason, ind.cell("reason")
    )


@in_context
def score_indicator_uncached(policy: Policy, ind: Indicator | Mapping[str, Any]) -> IndicatorResult:
    """:func:`score_indicator` without the shared-outcome memo (the reference the memo must equal)."""
    if not isinstance(ind, Indicator):
        ind = Indicator.from_dict(ind)
    scored = _evaluate(policy, ind, exact=True)
    return _assemble(
        scored,
        ind.name,
        ind.level1,
        ind.level2,
        ind.where,
        ind.reason,
        ind.cell("reason"),
        scored.ctx,
    )


def _restamp(f: Finding, ind: Indicator) -> Finding:
    """A shared finding located at this row: ``""`` is the row, a field name one of its cells."""
    w = f.where
    new = ind.cell(w) if w else ind.where
    return f if new == w else Finding(f.code, f.severity, f.zh, f.en, new, f.rule)


def _assemble(
    scored: _Scored,
    name: str,
    level1: str,
    level2: str,
    where: str,
    reason: str,
    reason_cell: str,
    ctx: Ctx | None = None,
) -> IndicatorResult:
    findings = scored.findings
    severity = scored.reason
    if severity is not None:
        extra: list[Finding] = []
        _check_reason(scored.outcome.policy, reason, reason_cell, severity, extra)
        if extra:
            findings = scored.pre + tuple(extra) + scored.post
    return _result(scored.outcome, name, level1, level2, where, findings, ctx)


def _evaluate(policy: Policy, ind: Indicator, exact: bool = False) -> _Scored:
    """Score *ind* except for its reason check. With ``exact`` the rare outcome that depends on
    the reason text is computed in full (the reference path); otherwise it is marked inexact.

    Fails closed: the policy's severities are applied to built-in codes, and a row whose score
    does not rest on what its cells say (see :func:`is_verified`) always carries a warning or an
    error (``SCORE_UNVERIFIED`` is added when nothing else on the row says so)."""
    scored = _evaluate_row(policy, ind, exact)
    if scored is _INEXACT:
        return scored
    findings = _with_severities(policy.severities, list(scored.findings))
    o = scored.outcome
    if not is_verified(o.score, o.basis, findings) and not any(
        f.severity != "info" for f in findings
    ):
        findings.append(_unverified(policy, ind, o.basis, o.tier, findings))
    if findings == list(scored.findings):
        return scored
    return _Scored(o, findings, scored.reason, len(scored.pre), scored.ctx, scored.exact)


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
            "SCORE_UNVERIFIED", ind.cell("score"), variant="tier", claimed=shown, tier=tier
        )
    codes = sorted({f.code for f in findings if f.code in UNVERIFYING_CODES})
    return finding(
        "SCORE_UNVERIFIED", ind.where, variant="row", why=joined(codes) if codes else basis
    )


def _evaluate_row(policy: Policy, ind: Indicator, exact: bool) -> _Scored:
    findings: list[Finding] = [unreadable_cell(f, raw, ind.cell(f)) for f, raw in ind.unreadable]
    bad_weight = any(f == "weight" for f, _raw in ind.unreadable)
    tnode: Target | None = None
    anode: Node | None = None
    try:
        tnode = parse_target(ind.target)
    except TargetSyntaxError as err:
        findings.append(_unreadable(ind, "target", err))
    try:
        anode = parse_actual(ind.actual, tnode) if tnode is not None else parse_actual(ind.actual)
    except TargetSyntaxError as err:
        findings.append(_unreadable(ind, "actual", err))
    if ind.weight is None and not bad_weight:
        findings.append(finding("WEIGHT_MISSING", ind.cell("weight")))
    if tnode is None or anode is None or ind.weight is None:
        return _finish_unscored(policy, ind, findings, tnode, anode)
    if not _read_actual(ind, tnode, anode, findings):
        return _finish_unscored(policy, ind, findings, tnode, anode)

    ctx = _new_ctx(tnode, anode, ind.weight, ind.score, ind.level1, ind.level2, ind.name)
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
        return _finish_unscored(policy, ind, findings, tnode, anode)

    rule: CompiledRule | None = None
    try:
        for r in policy.rules:
            if r.when is None or r.when(ctx):
                rule = r
                break
    except EvalError as err:
        findings.append(_policy_error(err, ind))
        return _finish_unscored(policy, ind, findings, tnode, anode)
    if rule is None:
        findings.append(
            finding(
                "NO_RULE",
                ind.where,
                policy=policy.name,
                target=tnode.render() or PARTS["empty"],
            )
        )
        return _finish_unscored(policy, ind, findings, tnode, anode)

    draft = _Draft()
    try:
        return _apply_rule(policy, rule, ind, ctx, findings, draft)
    except (EvalError, ArithmeticError) as err:
        if isinstance(err, EvalError):
            findings.append(_policy_error(err, ind, rule))
        else:
            findings.append(_overflow(ind, rule, err))
        if draft.severity is None:
            return _finish_unscored(policy, ind, findings, tnode, anode, rule)
        # The rule failed after its reason check: the findings (and the note taken from the
        # first error among them) depend on the reason text.
        if not exact:
            return _INEXACT
        assert draft.at is not None
        extra: list[Finding] = []
        _check_reason(policy, ind.reason, ind.cell("reason"), draft.severity, extra)
        findings[draft.at : draft.at] = extra
        return _finish_unscored(policy, ind, findings, tnode, anode, rule)


def _out_of_range(rule: CompiledRule, score: Decimal, weight: Decimal, where: str) -> Finding:
    """A rule's score outside 0..weight (e.g. ``weight * 80`` for ``weight * 80%``): the score
    stands as computed, visibly marked as a policy error on the row."""
    return finding(
        "SCORE_OUT_OF_RANGE",
        where,
        rule=rule.name,
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
        rule=rule.name if rule else "",
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
        rule=rule.name,
        kind=type(err).__name__,
        where=rule.where,
    )


def _finish_unscored(
    policy: Policy,
    ind: Indicator,
    findings: list[Finding],
    tnode: Node | None,
    anode: Node | None,
    rule: CompiledRule | None = None,
    ctx: Ctx | None = None,
    note: tuple[str, str] | None = None,
) -> _Scored:
    if ind.score is not None:
        findings.append(finding("SCORE_UNVERIFIED", ind.cell("score"), claimed=_fmt(ind.score)))
    _check_claim_bounds(ind, findings)
    if note is None:
        first = next(
            (f for f in findings if f.severity == "error"), findings[0] if findings else None
        )
        note = (
            (f"无法评分：{first.zh}", f"not scored: {first.en}")
            if first
            else ("无法评分", "not scored")
        )
    outcome = _Outcome(
        ind.weight,
        None,
        ind.score,
        None,
        rule,
        None,
        None,
        "unscored",
        None,
        tnode,
        anode,
        policy,
        ctx,
        note,
    )
    return _Scored(outcome, findings, ctx=ctx)


def _apply_rule(
    policy: Policy,
    rule: CompiledRule,
    ind: Indicator,
    ctx: Ctx,
    findings: list[Finding],
    draft: _Draft,
) -> _Scored:
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
            findings.append(_out_of_range(rule, score, weight, ind.where))
        if rule.met is None:
            ctx.met = score >= weight
    elif rule.tiers is not None:
        table = policy.tiers[rule.tiers]
        outcome = _score_tiers(policy, table, ind, ctx, findings)
        if outcome is None:
            return _finish_unscored(policy, ind, findings, ctx.target, ctx.actual, rule, ctx)
        score, tier, basis, band = outcome
        ctx.met = tier == table.top.name
    else:
        assert rule.unscored is not None
        zh, en = rule.unscored
        text = Msg(zh, en or zh)  # the policy author's words
        findings.append(finding("NOT_SCORED", ind.where, rule_at=rule.where, text=text))
        return _finish_unscored(
            policy,
            ind,
            findings,
            ctx.target,
            ctx.actual,
            rule,
            ctx,
            note=(f"无法评分：{zh}", f"not scored: {en or zh}"),
        )

    done = _Outcome(
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
    result = _result(done, ind.name, ind.level1, ind.level2, ind.where, (), ctx)
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
            findings.append(_rule_finding(cf, result, fields, ind.where))
            if cf.reason_required:
                reason_severity = _stronger(reason_severity, cf.severity)
    if reason_severity is not None:
        draft.at = len(findings)
        draft.severity = reason_severity
    _check_claim_bounds(ind, findings)
    if ind.score is not None and score is not None and abs(ind.score - score) > policy.tolerance:
        accepted = False
        for acc in rule.accepts:
            alt = policy.quantize(acc(ctx))
            if abs(ind.score - alt) <= policy.tolerance:
                accepted = True
                break
        if not accepted:
            findings.append(
                finding(
                    "SCORE_MISMATCH",
                    ind.cell("score"),
                    claimed=_fmt(ind.score),
                    computed=_fmt(score),
                    why=Msg(result.explanation("zh"), result.explanation("en")),
                )
            )
    return _Scored(done, findings, draft.severity, draft.at, ctx)


def memo_miss(
    policy: Policy,
    target: str,
    actual: str,
    weight: Any,
    score: Any,
    name: str,
    level1: str,
    level2: str,
) -> _Scored:
    """Evaluate the row a memo key stands for (on a miss of the outcome memo)."""
    ind = Indicator(
        name=name,
        target=target,
        actual=actual,
        weight=_key_decimal(weight, "weight"),
        score=_key_decimal(score, "score"),
        level1=level1,
        level2=level2,
    )
    return _evaluate(policy, ind)


def _key_decimal(key: Any, where: str) -> Decimal | None:
    if key is None:
        return None
    if type(key) is tuple:
        return to_decimal(float(key[1]), where=where) if key[0] == "f" else Decimal(key[1])
    return to_decimal(key, where=where)


def _num_key(value: Any, where: str) -> Any:
    """A memo key for a weight or score cell: the cell itself when that is exact, else the
    Decimal it reads as, written out (``5`` and ``5.0`` are different cells)."""
    t = type(value)
    if t is str or t is int or value is None:
        return value
    if t is float:
        return ("f", repr(value))  # repr round-trips exactly and keeps -0.0 apart from 0.0
    d = to_decimal(value, where=where)
    return None if d is None else ("d", str(d))


def score_mapping(
    policy: Policy, memo: Memo, row: Mapping[str, Any], where: str = ""
) -> IndicatorResult:
    """Score a dict row (the ``indicators[]`` shape) without building an Indicator: the same
    result as ``score_indicator(policy, Indicator.from_dict(row))``."""
    if memo.reasons:  # rules that read the reason text score each row on its own
        return score_indicator_uncached(policy, row)
    # The hot path of score_rows: the cell normalisation of Indicator.from_dict, inlined. A row
    # that needs more than that (a long or invalid text, a list where text belongs) takes the
    # full path, which checks it (and raises FormError, which score_rows turns into a finding).
    get = row.get
    for key in _TEXT_KEYS:
        v = get(key)
        if v is None or type(v) is int or type(v) is float:
            continue
        if type(v) is not str or len(v) > CACHED_CHARS or _invalid_text(v):
            return score_indicator(policy, Indicator.from_dict(row, where=where))
    name = get("name")
    name = name.strip() if type(name) is str else _text(name)
    level1 = get("level1")
    level1 = level1.strip() if type(level1) is str else _text(level1)
    level2 = get("level2")
    level2 = level2.strip() if type(level2) is str else _text(level2)
    target = get("target")
    actual = get("actual")
    weight = get("weight")
    score = get("score")
    try:
        mkey = (
            target.strip() if type(target) is str else _text(target),
            actual.strip() if type(actual) is str else _text(actual),
            weight if type(weight) is int or type(weight) is str else _num_key(weight, "weight"),
            score
            if score is None or type(score) is int or type(score) is str
            else _num_key(score, "score"),
            name if memo.names else "",
            level1 if memo.levels else "",
            level2 if memo.levels else "",
        )
        scored = memo.get(mkey)
        if scored is None:
            scored = memo.add(mkey, memo_miss(policy, *mkey))
    except FormError:  # a weight or score cell that is not a number: a finding on the row
        return score_indicator_uncached(policy, Indicator.from_dict(row, where=where))
    if scored.reason is None and scored.exact:
        return _result(scored.outcome, name, level1, level2, "", scored.findings)
    if not scored.exact:
        return score_indicator_uncached(policy, row)
    reason = get("reason")
    reason = reason.strip() if type(reason) is str else _text(reason)
    return _assemble(scored, name, level1, level2, "", reason, "reason")


_score_mapping = score_mapping


_TEXT_KEYS = ("name", "level1", "level2", "target", "actual", "reason")


def _invalid_text(text: str) -> bool:
    return not text.isprintable() and any("\ud800" <= ch <= "\udfff" for ch in text)


def _long(*texts: str) -> bool:
    return any(len(t) > CACHED_CHARS for t in texts)
