"""Scoring whole forms (sections, total, grade, form-level audit) and streams of rows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.catalog import joined, part
from jixiao.decimals import in_context
from jixiao.evaluate.budget import score_budget
from jixiao.evaluate.findings import Finding, finding, finding_of, policy_word, unreadable_cell
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import with_severities as _with_severities
from jixiao.evaluate.indicators import in_budget_year, score_indicator
from jixiao.evaluate.results import BudgetResult, FormResult, IndicatorResult, SectionResult
from jixiao.evaluate.results import make_result as _result
from jixiao.evaluate.streams import score_rows as score_rows  # where it was
from jixiao.forms.model import Form, Indicator
from jixiao.i18n import UNCLASSIFIED, Msg, section_label
from jixiao.policy.choose import AUTO, choose_policy
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy


def _section_key(policy: Policy, level1: str) -> str | None:
    """The policy section a 一级指标 belongs to: exact name, else the name without 指标 inside it."""
    if level1 in policy.weights:
        return level1
    for name in policy.section_weights:
        stem = name[:-2] if name.endswith("指标") else name
        if stem and stem in level1:
            return name
    return None


@in_context
def score_form(form: Form | Mapping[str, Any], policy: Policy | str = "central") -> FormResult:
    """Score a whole form: budget execution, every indicator, sections, total, grade, audit.

    >>> import jixiao
    >>> form = jixiao.read_form("examples/seed.json")  # doctest: +SKIP
    >>> jixiao.score_form(form).total  # doctest: +SKIP
    Decimal('95.71')
    """
    if not isinstance(form, Form):
        form = Form.from_dict(form)
    chosen: Finding | None = None
    if isinstance(policy, str) and policy == AUTO:
        choice = choose_policy(form.department, form.year, (form.implementer, form.project))
        pol = choice.policy
        chosen = finding_of("POLICY_CHOSEN", Msg(choice.zh, choice.en), "policy")
    else:
        pol = load_policy(policy)
    budget = score_budget(pol, form.budget)
    results = tuple(
        _numbered(_score_row(pol, ind, form.year), i) for i, ind in enumerate(form.indicators, 1)
    )
    extra: list[Finding] = [
        unreadable_cell(field, raw, form.total_where if field == "total" else field)
        for field, raw in form.unreadable
    ]
    extra += [finding_of(n.code, Msg(n.zh, n.en), n.where) for n in form.notes]
    if chosen is not None:
        extra.insert(0, chosen)
    if not results:
        extra.append(finding("NO_INDICATORS", "indicators"))
    years = pol.years
    if years is not None and form.year is not None:
        low, high = years
        if form.year < low or (high is not None and form.year > high):
            extra.append(
                finding(
                    "POLICY_YEAR",
                    "year",
                    variant="" if high is not None else "open",
                    year=form.year,
                    policy=pol.name,
                    first=low,
                    last=high,
                )
            )

    sections: dict[str, list[IndicatorResult]] = {}
    for r in results:
        sections.setdefault(r.level1 or UNCLASSIFIED, []).append(r)
    section_results = []
    for name, rows in sections.items():
        weight = sum((r.weight or Decimal(0) for r in rows), Decimal(0))
        claimed_values = [r.claimed for r in rows]
        claimed = (
            sum((c for c in claimed_values if c is not None), Decimal(0))
            if any(c is not None for c in claimed_values)
            else None
        )
        section_results.append(
            SectionResult(
                name,
                weight,
                pol.quantize(sum((r.counted for r in rows), Decimal(0)), "total"),
                pol.quantize(claimed, "total") if claimed is not None else None,
            )
        )

    weight_total = budget.weight + sum((r.weight or Decimal(0) for r in results), Decimal(0))
    # a weight cell that could not be read is not 0: no finding may rest on it
    weights_read = not any(f == "weight" for ind in form.indicators for f, _ in ind.unreadable)
    weights_read = weights_read and not (
        form.budget is not None and any(f == "weight" for f, _ in form.budget.unreadable)
    )
    if results and weights_read and weight_total != 100:
        extra.append(
            finding(
                "WEIGHTS_TOTAL",
                "indicators",
                budget=_plain(budget.weight),
                total=_plain(weight_total),
            )
        )
    if weights_read:
        _check_sections(pol, budget, section_results, extra)

    added = _renormalise(pol, form, results, section_results, extra)
    excess = _apply_caps(pol, results, section_results, extra)
    total = pol.quantize(
        budget.counted + sum((r.counted for r in results), Decimal(0)) + added - excess, "total"
    )
    cap = pol.caps.get("")
    if cap is not None and total > cap:
        extra.append(
            finding("CAPPED", "total", variant="total", total=_fmt(total), cap=_plain(cap))
        )
        total = pol.quantize(cap, "total")
    grade = pol.grade(total)
    partial = not results or not any(r.verified for r in results)
    if partial:
        grade = None
        if results:
            extra.append(
                finding("NO_VERIFIED_ROWS", "indicators", count=len(results), total=_fmt(total))
            )
    claimed_total = form.total
    if claimed_total is not None and abs(claimed_total - total) > pol.tolerance:
        extra.append(
            finding(
                "TOTAL_MISMATCH",
                form.total_where,
                claimed=_fmt(claimed_total),
                computed=_fmt(total),
            )
        )
    claimed_lines = [r.claimed for r in results]
    if (
        claimed_total is not None
        and budget.claimed is not None
        and all(c is not None for c in claimed_lines)
    ):
        claimed_sum = budget.claimed + sum((c for c in claimed_lines if c is not None), Decimal(0))
        if abs(claimed_sum - claimed_total) > pol.tolerance:
            extra.append(
                finding(
                    "TOTAL_NOT_SUM",
                    form.total_where,
                    claimed=_fmt(claimed_total),
                    sum=_fmt(claimed_sum),
                )
            )
    claimed_grade = form.grade
    if claimed_grade and grade is not None and claimed_grade != grade:
        extra.append(
            finding(
                "GRADE_WRONG",
                "grade",
                claimed=claimed_grade,
                grade=policy_word(pol, grade),
                total=_fmt(total),
            )
        )
    extra = _with_severities(pol.severities, extra)
    return FormResult(
        form, pol, budget, results, tuple(section_results), total, grade, tuple(extra), partial
    )


def _score_row(pol: Policy, ind: Indicator, year: int | None) -> IndicatorResult:
    """One row of a form: a deadline without a year that its dated actual needs placed is placed
    in the form's budget year, where the form names one (:func:`in_budget_year`)."""
    return in_budget_year(pol, ind, score_indicator(pol, ind), year)


def _numbered(r: IndicatorResult, row: int) -> IndicatorResult:
    """*r* as the *row*-th indicator of its form: its findings name the row as a person would
    (``第3行「执法资格培训通过率」``)."""
    findings = tuple(
        Finding(f.code, f.severity, f.zh, f.en, f.where, f.rule, row, r.name) for f in r.findings
    )
    return _result(r._o, r.name, r.level1, r.level2, r.where, findings, r._ctx, row)


def _check_sections(
    pol: Policy, budget: BudgetResult, sections: list[SectionResult], out: list[Finding]
) -> None:
    defaults = pol.section_weights
    if not sections or all(s.name == UNCLASSIFIED for s in sections):
        return
    diffs: list[Msg] = []
    seen: set[str] = set()
    for s in sections:
        key = _section_key(pol, s.name)
        name = Msg(s.name, section_label(s.name, "en"))
        if key is None:
            diffs.append(part("section_unknown", name=name, weight=_plain(s.weight)))
            continue
        seen.add(key)
        if defaults.get(key) != s.weight:
            default = _plain(defaults.get(key))
            diffs.append(
                part("section_default", name=name, weight=_plain(s.weight), default=default)
            )
    for key, value in defaults.items():
        if key not in seen:
            diffs.append(part("section_default", name=key, weight=0, default=_plain(value)))
    if budget.weight != pol.budget_weight:
        diffs.append(
            part(
                "section_default",
                name=pol.budget_section,
                weight=_plain(budget.weight),
                default=_plain(pol.budget_weight),
            )
        )
    if diffs:
        out.append(
            finding(
                "WEIGHTS_NONDEFAULT",
                "indicators",
                severity=pol.deviation,
                differences=joined(diffs, "clauses"),
            )
        )


def _renormalise(
    pol: Policy,
    form: Form,
    results: tuple[IndicatorResult, ...],
    sections: list[SectionResult],
    extra: list[Finding],
) -> Decimal:
    """``not_applicable "不适用" "不涉及"``: a row whose actual says only that is left out of its
    一级指标, and the section's other rows are scaled up to the section's weight (scoring-rules
    S7: renormalise when an indicator does not apply). Returns what this adds to the total."""
    if not pol.not_applicable:
        return Decimal(0)
    added = Decimal(0)
    words = {w.strip() for w in pol.not_applicable}
    out = {
        id(r)
        for ind, r in zip(form.indicators, results, strict=False)
        if str(ind.actual).strip() in words
    }
    for i, s in enumerate(sections):
        rows = [r for r in results if (r.level1 or "（未分类）") == s.name]
        dropped = [r for r in rows if id(r) in out]
        kept = [r for r in rows if id(r) not in out]
        w_out = sum((r.weight or Decimal(0) for r in dropped), Decimal(0))
        w_kept = sum((r.weight or Decimal(0) for r in kept), Decimal(0))
        if not dropped or w_kept <= 0:
            continue
        before = sum((r.counted for r in rows), Decimal(0))
        kept_score = sum((r.counted for r in kept), Decimal(0))
        after = pol.quantize(kept_score * (w_kept + w_out) / w_kept, "total")
        added += after - before
        sections[i] = SectionResult(s.name, s.weight, after, s.claimed)
        extra.append(
            finding(
                "RENORMALISED",
                s.name,
                section=s.name,
                count=len(dropped),
                left_out=_plain(w_out),
                kept=_plain(w_kept),
                whole=_plain(w_kept + w_out),
                before=_plain(kept_score),
                after=_fmt(after),
            )
        )
    return added


def _apply_caps(
    pol: Policy,
    results: tuple[IndicatorResult, ...],
    sections: list[SectionResult],
    extra: list[Finding],
) -> Decimal:
    """``cap "成本指标" 5``: the rows of a 一级 or 二级指标 count for at most so many points. The
    excess comes off the subtotal of the 一级指标 holding those rows (and off the total, which
    this returns); a CAPPED finding says so."""
    removed = Decimal(0)
    for name, cap in pol.caps.items():
        if not name:
            continue
        rows = [r for r in results if name in (r.level1, r.level2)]
        got = sum((r.counted for r in rows), Decimal(0))
        if not rows or got <= cap:
            continue
        over = got - cap
        removed += over
        left = over
        for i, s in enumerate(sections):
            if left <= 0:
                break
            mine = sum(
                (r.counted for r in rows if (r.level1 or "（未分类）") == s.name), Decimal(0)
            )
            take = min(mine, left)
            if take > 0:
                sections[i] = SectionResult(
                    s.name, s.weight, pol.quantize(s.score - take, "total"), s.claimed
                )
                left -= take
        extra.append(finding("CAPPED", name, name=name, got=_plain(got), cap=_plain(cap)))
    return removed
