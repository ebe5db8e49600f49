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
from jixiao.evaluate.findings import (
    UNVERIFYING_CODES,
    VERIFIED_BASES,
    Finding,
    cell_label,
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
from jixiao.evaluate.results import IndicatorResult
from jixiao.evaluate.results import Outcome as _Outcome
from jixiao.evaluate.results import make_result as _result
from jixiao.evaluate.results import new_ctx as _new_ctx
from jixiao.forms.model import Indicator, to_decimal
from jixiao.forms.model import cell_text as _text
from jixiao.i18n import Msg
from jixiao.limits import CACHED_CHARS
from jixiao.policy.ast import Interval
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledFinding, CompiledRule, Policy, TierTableRT
from jixiao.policy.names import norm_word as _norm
from jixiao.targets import parse_actual, parse_target
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


def _unreadable(ind: Indicator, field: str, err: TargetSyntaxError) -> Finding:
    return finding(
        "UNREADABLE_CELL",
        ind.cell(field),
        variant="cell",
        label=cell_label(field),
        error=Msg(err.render(), err.message_text("en")),
        column=err.column,
    )


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


def _read_actual(ind: Indicator, tnode: Target, anode: Node, findings: list[Finding]) -> bool:
    """Findings on how the actual cell was read (a quantity out of a sentence, one of several,
    a fraction as a percent, an approximation). False when it cannot be scored as read: the
    cell names several comparable quantities and no rule picks one, or a bare fraction under a
    small percent target reads two ways."""
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


def _check_claim_bounds(ind: Indicator, findings: list[Finding]) -> None:
    w = ind.weight
    if w is not None and not 0 < w <= 100:
        findings.append(finding("WEIGHT_OUT_OF_RANGE", ind.cell("weight"), weight=_plain(w)))
    if ind.score is None:
        return
    if ind.weight is not None and ind.score > ind.weight:
        findings.append(
            finding(
                "SCORE_ABOVE_WEIGHT",
                ind.cell("score"),
                claimed=_fmt(ind.score),
                weight=_plain(ind.weight),
            )
        )
    if ind.score < 0:
        findings.append(finding("SCORE_NEGATIVE", ind.cell("score"), claimed=_fmt(ind.score)))


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


def _check_reason(
    policy: Policy | None, reason: str, cell: str, severity: str, findings: list[Finding]
) -> None:
    text = reason.strip()
    if not text:
        findings.append(finding("REASON_MISSING", cell, severity=severity))
        return
    assert policy is not None
    if _norm(text) in policy.placeholders:
        findings.append(finding("REASON_PLACEHOLDER", cell, severity=severity, reason=text))
        return
    cues = policy.reason_cues
    contradicting = [w for w in cues.get("contradicts", ()) if w in text]
    if contradicting:
        findings.append(finding("REASON_CONTRADICTS", cell, word=contradicting[0]))
    required = {k: v for k, v in cues.items() if k in ("cause", "measure")}
    if required:
        missing = [k for k, words in required.items() if not any(w in text for w in words)]
        if missing:
            variant = missing[0] if len(missing) == 1 else "both"
            findings.append(finding("REASON_INCOMPLETE", cell, variant=variant))


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


def _score_tiers(
    policy: Policy, table: TierTableRT, ind: Indicator, ctx: Ctx, findings: list[Finding]
) -> tuple[Decimal, str, str, Interval] | None:
    weight = ind.weight
    assert weight is not None
    actual = ctx.actual
    target = ctx.target
    tier_name: str | None = None
    basis = "words"
    text = _norm(
        actual.text if hasattr(actual, "text") and isinstance(actual.text, str) else actual.render()
    )
    numeric_target = ctx.tq is not None or ctx.tlow is not None
    if (numeric_target or isinstance(target, Deadline)) and (
        ctx.aq is None and not isinstance(actual, Deadline)
    ):
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
    if tier_name is None and isinstance(target, Deadline) and isinstance(actual, Deadline):
        role = "on_time" if _on_time(target, actual) else "late"
        tier_name = table.roles.get(role)
        basis = "deadline"

    def band_of(name: str) -> Interval:
        return table.tier(name).band.scaled(weight, policy.quantize)

    def default_of(name: str) -> Decimal:
        t = table.tier(name)
        point = (
            t.default
            if t.default is not None
            else (t.band.high if t.band.high is not None else Decimal(1))
        )
        return policy.quantize(weight * point)

    claimed = ind.score
    shown = _q(claimed, Decimal(1).scaleb(-policy.places)) if claimed is not None else None
    if tier_name is not None:
        b = band_of(tier_name)
        if claimed is None:
            score = default_of(tier_name)
            if tier_name != table.top.name:
                findings.append(
                    finding(
                        "QUAL_SCORE_ESTIMATED", ind.cell("score"), tier=tier_name, score=_fmt(score)
                    )
                )
            return score, tier_name, basis, b
        if b.contains(claimed):
            return policy.quantize(claimed), tier_name, basis, b
        score = default_of(tier_name)
        band_text = b.render(points=True)
        findings.append(
            finding(
                "QUAL_SCORE_OUT_OF_BAND",
                ind.cell("score"),
                tier=tier_name,
                band=band_text,
                claimed=_fmt(shown),
            )
        )
        return score, tier_name, basis, b
    echo = table.roles.get("echo")
    echoed = echo is not None and _echoes(actual, target)
    if claimed is not None and echo is not None and echoed and band_of(echo).contains(claimed):
        # the actual restates the target and the claim lies in the echo tier: read from the cells
        return policy.quantize(claimed), echo, "echo", band_of(echo)
    if claimed is not None:
        for t in table.tiers:
            b = band_of(t.name)
            if b.contains(claimed):
                findings.append(
                    finding("QUAL_TIER_FROM_SCORE", ind.where, claimed=_fmt(shown), tier=t.name)
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
    if echo is not None and echoed:
        score = default_of(echo)
        findings.append(
            finding(
                "QUAL_SCORE_ESTIMATED",
                ind.cell("score"),
                variant="echo",
                tier=echo,
                score=_fmt(score),
            )
        )
        return score, echo, "echo", band_of(echo)
    findings.append(finding("QUAL_TIER_UNKNOWN", ind.cell("actual"), actual=actual.render()))
    return None


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
    inside a longer sentence (``有效提高`` + the target), or most of them (four fifths)."""
    if not isinstance(target, Qualitative | Deadline):
        return False
    a = _norm(actual.render())
    t = _norm(getattr(target, "text", None) or target.render())
    if not a or not t:
        return False
    return t in a or (a in t and len(a) * 5 >= len(t) * 4)


def _years(target: Deadline, actual: Deadline) -> tuple[int, int] | None:
    """The actual's and the target's years, where both can be placed. 次年/下一年/翌年 count from
    the year the target names, or from the budget year when neither side names a year; a date
    with no year is in the budget year. None when the years cannot be compared (a written year
    on one side only, or a relative target year against a written actual year)."""
    ty, ay = target.year, actual.year
    if ty is not None and ay is not None:
        return ay, ty
    if ty is not None:
        return (ty + actual.year_offset, ty) if actual.year_offset else None
    if ay is None and actual.year_offset:
        return actual.year_offset, target.year_offset
    return None


def _on_time(target: Deadline, actual: Deadline) -> bool:
    if target.month is None:
        return True
    years = _years(target, actual)
    if years is not None and years[0] != years[1]:
        return years[0] < years[1]
    a_month = actual.month or target.month
    if target.relation == "before" and target.day is None:
        return a_month < target.month
    a_day = actual.day or 31
    t_day = target.day or 31
    return (a_month, a_day) <= (target.month, t_day)
