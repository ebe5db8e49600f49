"""Scoring the 预算执行率 element: execution rate, budget rules, sub-row checks."""

from __future__ import annotations

from decimal import Decimal

from jixiao.decimals import in_context
from jixiao.evaluate.findings import Finding, cell_label, finding, rule_title, unreadable_cell
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.results import BudgetResult
from jixiao.evaluate.rows import rule_finding as _rule_finding
from jixiao.forms.model import Budget
from jixiao.i18n import Msg
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledRule, Policy


@in_context
def score_budget(policy: Policy, budget: Budget | None) -> BudgetResult:
    """Score the 预算执行率 element of a form under *policy*."""
    findings: list[Finding] = []
    where = budget.where if budget is not None else "budget"
    weight = (
        budget.weight if budget is not None and budget.weight is not None else policy.budget_weight
    )
    claimed = budget.score if budget is not None else None
    annual = budget.annual if budget is not None else None
    executed = budget.executed if budget is not None else None
    bad: set[str] = set()
    if budget is not None:
        for field, text in budget.unreadable:
            findings.append(unreadable_cell(field, text, budget.cell(field)))
            bad.add(field)
        for row in budget.rows:
            for field, text in row.unreadable:
                findings.append(unreadable_cell(field, text, row.cell(field)))
        _check_ranges(budget, findings)
    if budget is not None and budget.rows:
        annual, executed = _check_rows(policy, budget, annual, executed, findings, bad)
    if bad & {"annual", "executed"}:
        # nothing is scored from a cell that could not be read (no OVERSPENT from a garbled
        # executed amount); the line is counted as claimed and shown unverified
        findings.append(
            finding(
                "SCORE_UNVERIFIED",
                where,
                variant="budget" if claimed is None else "budget_claimed",
                claimed=_fmt(claimed),
            )
        )
        return BudgetResult(
            weight, None, claimed, None, None, annual, executed, tuple(findings), policy=policy
        )
    if annual is None or executed is None:
        findings.append(finding("BUDGET_MISSING", where))
        return BudgetResult(
            weight, None, claimed, None, None, annual, executed, tuple(findings), policy=policy
        )
    ctx = Ctx()
    rule = None
    raw = score = rate_pct = None
    chosen: list[CompiledRule] = []  # the rule being applied, for an error's location
    try:
        return _score(policy, budget, weight, claimed, annual, executed, ctx, findings, chosen)
    except (EvalError, ArithmeticError) as err:
        # a budget rule that cannot be applied (a division by zero, a number beyond the decimal
        # context) is a finding on the budget row, never an exception out of score_form
        rule = chosen[0] if chosen else None
        try:
            rate_pct = policy.quantize(ctx.rate * 100, "rate") if ctx.rate is not None else None
        except ArithmeticError:
            rate_pct = None
        if isinstance(err, EvalError):
            loc = str(err.loc) if err.loc else (rule.where if rule else "")
            failed = finding(
                "POLICY_ERROR",
                where,
                variant="budget",
                rule_at=loc,
                error=Msg(err.zh, err.en),
                where=loc,
            )
        else:
            loc = rule.where if rule else ""
            failed = finding(
                "POLICY_ERROR",
                where,
                variant="budget_overflow",
                rule_at=loc,
                kind=type(err).__name__,
                where=loc,
            )
        findings.append(failed)
    return BudgetResult(
        weight, score, claimed, rate_pct, raw, annual, executed, tuple(findings), rule, policy, ctx
    )


def _score(
    policy: Policy,
    budget: Budget | None,
    weight: Decimal,
    claimed: Decimal | None,
    annual: Decimal,
    executed: Decimal,
    ctx: Ctx,
    findings: list[Finding],
    chosen: list[CompiledRule],
) -> BudgetResult:
    where = budget.where if budget is not None else "budget"
    ctx.weight = weight
    ctx.claimed = claimed
    ctx.annual = annual
    ctx.executed = executed
    ctx.initial = budget.initial if budget is not None else None
    ctx.reason = budget.reason if budget is not None else ""
    ctx.rate = executed / annual if annual else None
    ctx.printed_rate = budget.rate / 100 if budget is not None and budget.rate is not None else None
    rate_pct = policy.quantize(ctx.rate * 100, "rate") if ctx.rate is not None else None
    cell = budget.cell if budget is not None else (lambda f: f"budget.{f}")
    if (
        budget is not None
        and budget.rate is not None
        and rate_pct is not None
        and abs(budget.rate - rate_pct) > policy.tolerance
    ):
        findings.append(
            finding(
                "RATE_MISPRINTED",
                cell("rate"),
                printed=_fmt(budget.rate),
                computed=_fmt(rate_pct),
            )
        )
    rule = None
    raw = score = None
    for r in policy.budget_rules:
        if r.when is None or r.when(ctx):
            rule = r
            chosen.append(r)
            break
    if rule is not None and rule.score is not None:
        if rule.met is not None:
            ctx.met = bool(rule.met(ctx))
        raw = rule.score(ctx)
        score = policy.quantize(raw) if raw is not None else None
        ctx.scored = score
        if score is not None and (score > weight or score < 0):
            findings.append(
                finding(
                    "SCORE_OUT_OF_RANGE",
                    where,
                    variant="budget",
                    rule=rule_title(rule),
                    score=_fmt(score),
                    weight=_plain(weight),
                    where=rule.where,
                )
            )
    elif rule is not None and rule.unscored is not None:
        zh, en = rule.unscored
        text = Msg(zh, en or zh)  # the policy author's words
        findings.append(finding("NOT_SCORED", where, rule_at=rule.where, text=text))
    fields = {
        "rate": f"{rate_pct:f}%" if rate_pct is not None else "",
        "annual": _plain(annual),
        "executed": _plain(executed),
        "weight": _plain(weight),
        "score": _fmt(score) or "—",
        "claimed": _fmt(claimed) or "—",
        "rule": rule.name if rule else "",
    }
    reason_needed = False
    if rule is not None:
        reason_needed = rule.reason_always or (rule.reason is not None and bool(rule.reason(ctx)))
        for cf in rule.findings:
            if cf.when is None or cf.when(ctx):
                findings.append(
                    _rule_finding(cf, None, {k: fields.get(k, "") for k in _ALL_FIELDS}, where)
                )
                reason_needed = reason_needed or cf.reason_required
    if reason_needed and budget is not None and not budget.reason.strip():
        findings.append(finding("REASON_MISSING", cell("reason"), variant="budget"))
    if claimed is not None and score is not None and abs(claimed - score) > policy.tolerance:
        alts = [policy.quantize(a(ctx)) for a in (rule.accepts if rule else ())]
        if not any(abs(claimed - alt) <= policy.tolerance for alt in alts):
            findings.append(
                finding(
                    "SCORE_MISMATCH",
                    cell("score"),
                    variant="budget",
                    claimed=_fmt(claimed),
                    computed=_fmt(score),
                    rate=str(rate_pct),
                )
            )
    if claimed is not None and claimed > weight:
        findings.append(
            finding(
                "SCORE_ABOVE_WEIGHT",
                cell("score"),
                variant="budget",
                claimed=_fmt(claimed),
                weight=_plain(weight),
            )
        )
    return BudgetResult(
        weight, score, claimed, rate_pct, raw, annual, executed, tuple(findings), rule, policy, ctx
    )


_ALL_FIELDS = (
    "actual", "target", "weight", "score", "completion", "inclusive", "rule", "tier", "band",
    "claimed", "name", "rate", "annual", "executed",
)  # fmt: skip


def _check_ranges(budget: Budget, findings: list[Finding]) -> None:
    """Budget amounts are never negative; the weight is 0 to 100; the claimed
    score is not negative (each an error on its cell)."""
    for key in ("initial", "annual", "executed"):
        value = getattr(budget, key)
        if value is not None and value < 0:
            findings.append(finding("BUDGET_OUT_OF_RANGE", budget.cell(key), amount=_plain(value)))
    for row in budget.rows:
        for key in ("initial", "annual", "executed"):
            value = getattr(row, key)
            if value is not None and value < 0:
                findings.append(
                    finding(
                        "BUDGET_OUT_OF_RANGE",
                        f"{row.where}.{key}",
                        variant="row",
                        row=row.name,
                        amount=_plain(value),
                    )
                )
    w = budget.weight
    if w is not None and not 0 <= w <= 100:
        findings.append(
            finding(
                "BUDGET_OUT_OF_RANGE", budget.cell("weight"), variant="weight", weight=_plain(w)
            )
        )
    if budget.score is not None and budget.score < 0:
        findings.append(
            finding(
                "SCORE_NEGATIVE", budget.cell("score"), variant="budget", claimed=_fmt(budget.score)
            )
        )


def _check_rows(
    policy: Policy,
    budget: Budget,
    annual: Decimal | None,
    executed: Decimal | None,
    findings: list[Finding],
    bad: frozenset[str] | set[str] = frozenset(),
) -> tuple[Decimal | None, Decimal | None]:
    if bad & {"annual", "executed"}:
        return annual, executed  # never rebuilt over a cell that could not be read
    # a sub-row cell that could not be read is not 0: its column's sum is not checked
    unread = {f for r in budget.rows for f, _raw in r.unreadable} | bad
    sums: dict[str, Decimal | None] = {}
    for field in ("initial", "annual", "executed"):
        if field in unread:
            sums[field] = None
            continue
        values = [getattr(r, field) for r in budget.rows]
        present = [v for v in values if v is not None]
        sums[field] = sum(present, Decimal(0)) if present else None
    rebuilt = False
    if (not annual) and sums["annual"]:
        annual = sums["annual"]
        rebuilt = True
    if (not executed) and sums["executed"] and (rebuilt or executed is None):
        executed = sums["executed"]
        rebuilt = True
    if rebuilt:
        findings.append(
            finding(
                "BUDGET_REBUILT", budget.where, annual=_plain(annual), executed=_plain(executed)
            )
        )
        return annual, executed
    for field, total in (
        ("initial", budget.initial),
        ("annual", annual),
        ("executed", executed),
    ):
        s = sums[field]
        if s is not None and total is not None and abs(s - total) > policy.tolerance:
            findings.append(
                finding(
                    "BUDGET_ROWS_SUM",
                    budget.cell(field),
                    column=cell_label(field),
                    total=_plain(total),
                    sum=_plain(s),
                )
            )
    return annual, executed
