"""Explanations and arithmetic steps: the sentence saying how a score was reached (Chinese or
English) and the formulas, values and results behind it, built from a scoring outcome.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from jixiao.evaluate.findings import QUANTITY_REFS, Step, display_unit, value_text
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.outcome import Outcome
from jixiao.i18n import Msg
from jixiao.policy.compiler import EvalError
from jixiao.targets.ast import Amount, Comparison, Deadline, Node

if TYPE_CHECKING:
    from jixiao.evaluate.results import BudgetResult

__all__ = [
    "DEFAULT_EXPLAIN",
    "actual_text",
    "budget_explanation",
    "budget_steps",
    "explain",
    "fields_of",
    "reading_clause",
    "steps_of",
    "tier_sentence",
]


def fields_of(o: Outcome, name: str, lang: str) -> dict[str, str]:
    """The fields an explanation template may use (``{actual}``, ``{score}`` …) in *lang*."""
    places = o.policy.places if o.policy else 2
    q = Decimal(1).scaleb(-places)
    ctx = o.ctx  # the quantities only: the same for every row sharing the outcome
    completion = ""
    if ctx is not None and ctx.aq is not None and ctx.tq:
        completion = f"{_q(ctx.aq / ctx.tq * 100, q):f}%"
    inclusive = ""
    if o.target is not None and o.target.kind in ("comparison", "quantity"):
        inc = getattr(o.target, "inclusive", True)
        inclusive = (
            ("含本数" if inc else "不含本数")
            if lang != "en"
            else ("inclusive" if inc else "exclusive")
        )
    band = ""
    if o.band is not None:
        band = o.band.render(points=True)
    return {
        "actual": actual_text(o.actual),
        "target": o.target.render() if o.target is not None else "",
        "weight": _plain(o.weight),
        "score": _fmt(o.score) or "—",
        "completion": completion,
        "inclusive": inclusive,
        "rule": o.rule.title(lang) if o.rule else "",
        "tier": (o.policy.label(o.tier, lang) if o.policy else o.tier) if o.tier else "",
        "band": band,
        "claimed": format(_q(o.claimed, q), "f") if o.claimed is not None else "—",
        "name": name,
        "rate": "",
        "annual": "",
        "executed": "",
    }


def explain(o: Outcome, name: str, lang: str) -> str:
    """The sentence saying how the outcome's score was reached, in *lang*."""
    en = lang == "en"
    if o.note is not None:
        return o.note[1] if en else o.note[0]
    return _explain_scored(o, name, lang) + reading_clause(o.actual, en)


def _explain_scored(o: Outcome, name: str, lang: str) -> str:
    f = fields_of(o, name, lang)
    en = lang == "en"
    if o.basis == "formula":
        template = None
        if o.rule is not None:
            key = "met" if o.met else "unmet"
            chosen = o.rule.explain.get(key) or o.rule.explain.get("always")
            if chosen is not None:
                template = chosen[1] if en and chosen[1] else chosen[0]
        if template is None:
            template = DEFAULT_EXPLAIN[("met" if o.met else "unmet", en)]
            if not f["inclusive"]:
                template = template.replace("（{inclusive}）", "").replace(" ({inclusive})", "")
            if not f["completion"]:
                template = template.replace("完成率{completion}，", "").replace(
                    "{completion} achieved, ", ""
                )
        return template.format(**f)
    return tier_sentence(o, f, en)


def steps_of(o: Outcome) -> tuple[Step, ...]:
    """The arithmetic behind the outcome's score: each formula, its values, its result."""
    out: list[Step] = []
    # the shared context: a formula reads the name or levels only if they are in the key
    rule, ctx, policy = o.rule, o.ctx, o.policy
    if rule is None or ctx is None or policy is None:
        return ()
    values = []
    unit = display_unit(ctx)
    for name, fn in rule.score_refs:
        try:
            value = fn(ctx)
        except EvalError:
            continue
        if unit is not None and name in QUANTITY_REFS and isinstance(value, Decimal):
            # the policy computes in base units (90% is 0.9, 64.253万元 is 642530 元);
            # the trace shows them as the target cell writes them
            values.append((name, value_text(value / unit.factor) + unit.symbol))
        else:
            values.append((name, value_text(value)))
    if rule.met is not None and o.met is not None:
        out.append(Step("met", rule.met_text, tuple(values), "true" if o.met else "false"))
    if o.basis == "formula" and o.raw is not None:
        out.append(
            Step(
                "score",
                rule.score_text,
                tuple(values),
                value_text(o.raw),
                f"{_fmt(o.score)} ({policy.rounding}, {policy.places})",
            )
        )
    elif o.tier is not None:
        out.append(
            Step(
                "tier",
                f"score by tiers {rule.tiers}",
                (("basis", o.basis),),
                o.tier,
                _fmt(o.score),
            )
        )
    return tuple(out)


#: The sentence of a formula rule that gives none of its own: (met or unmet, English?)
DEFAULT_EXPLAIN = {
    ("met", False): "实际完成{actual}，目标{target}（{inclusive}），已达到目标，得满分{weight}分",
    (
        "met",
        True,
    ): "Actual {actual} against target {target} ({inclusive}): met, full marks {weight}",
    (
        "unmet",
        False,
    ): "实际完成{actual}，目标{target}（{inclusive}），未达到目标，完成率{completion}，按规则「{rule}」得{score}分（满分{weight}分）",
    (
        "unmet",
        True,
    ): "Actual {actual} against target {target} ({inclusive}): not met, {completion} achieved, rule '{rule}' gives {score} of {weight}",
}


def actual_text(actual: Node | None) -> str:
    """The actual as the explanation quotes it: for a quantity read out of a longer text, the
    quantity alone (the rest is quoted as the note)."""
    if actual is None:
        return ""
    if isinstance(actual, Amount) and actual.reading in ("extracted", "chosen"):
        return Amount(actual.amount, actual.approx).render()
    if isinstance(actual, Comparison) and actual.reading in ("extracted", "chosen"):
        return Comparison(actual.op, actual.amount).render()
    if isinstance(actual, Deadline) and actual.reading in ("extracted", "chosen"):
        return attrs.evolve(actual, prefix=None, suffix=None, goal=None).render()
    return actual.render()


def reading_clause(actual: Node | None, en: bool) -> str:
    """What the explanation adds about how the actual was read: the note kept beside the
    quantity, the candidate picked, a fraction read as a percent, an approximation."""
    if isinstance(actual, Deadline) and actual.reading in ("extracted", "chosen"):
        rest = "…".join(t for t in (actual.prefix, actual.suffix) if t)
        date = actual_text(actual)
        return (
            f" (the date {date} of the actual is used; note {rest!r})"
            if en
            else f"（按实际完成值中的日期{date}认定；说明「{rest}」）"
        )
    if not isinstance(actual, Amount | Comparison):
        return ""
    shown = actual.amount.render()
    reading = actual.reading
    parts: list[tuple[str, str]] = []
    if reading in ("extracted", "chosen"):
        rest = "…".join(t for t in (actual.label, actual.note) if t)
        if reading == "chosen":
            names = "、".join(q.render() for q in actual.candidates)
            parts.append(
                (
                    f"实际完成值中有多个数量（{names}），按「实际」「完成」后的{shown}计",
                    f"the actual names several quantities ({names}); {shown}, after 实际/完成, is used",
                )
            )
        else:
            parts.append(
                (f"按实际完成值中的{shown}计", f"scored from the {shown} the actual states")
            )
        if rest:
            parts.append((f"说明「{rest}」", f"note {rest!r}"))
    elif reading == "fraction":
        written = format(actual.amount.value.scaleb(-2).normalize(), "f")
        parts.append(
            (f"实际完成值「{written}」按比例读作{shown}", f"the bare {written} is read as {shown}")
        )
    core = actual_text(actual)
    if isinstance(actual, Amount) and actual.approx in ("about", "near"):
        parts.append(
            (f"「{core}」为约数，按{shown}计", f"{core!r} is approximate; {shown} is used")
        )
    elif (isinstance(actual, Amount) and actual.approx) or (
        isinstance(actual, Comparison) and actual.op != "="
    ):
        parts.append((f"「{core}」为界限，按{shown}计", f"{core!r} is a bound; {shown} is used"))
    if not parts:
        return ""
    if en:
        return " (" + "; ".join(p[1] for p in parts) + ")"
    return "（" + "；".join(p[0] for p in parts) + "）"


def tier_sentence(o: Outcome, f: dict[str, str], en: bool) -> str:
    """The sentence of a score read from a tier table."""
    lang = "en" if en else "zh"
    if o.basis == "claimed":
        tail = "claimed"
    elif o.claimed is None:
        tail = "no_claim"
    elif o.score == o.claimed:
        tail = "kept"
    else:
        tail = "default"
    return _TIER_HEAD[o.basis].text(lang, **f) + _TIER_TAIL[tail].text(lang, **f)


_READS_AS = Msg(
    "实际完成情况「{actual}」属「{tier}」档（得分区间{band}）",
    "The actual '{actual}' reads as tier '{tier}' (band {band})",
)

#: How a tier was reached, by the basis of the score.
_TIER_HEAD: dict[str, Msg] = {
    "words": _READS_AS,
    "status": _READS_AS,
    "deadline": Msg(
        "实际完成时间{actual}，期限{target}，属「{tier}」档（得分区间{band}）",
        "Completed {actual} against the deadline {target}: tier '{tier}' (band {band})",
    ),
    "claimed": Msg(
        "实际完成情况未对应到档次，按自评{claimed}分所在的「{tier}」档（得分区间{band}）认定",
        "The actual does not name a tier; the claimed {claimed} lies in tier '{tier}' "
        "(band {band})",
    ),
    "echo": Msg(
        "实际完成情况复述了年度指标值，按「{tier}」档（得分区间{band}）认定",
        "The actual restates the target; taken as tier '{tier}' (band {band})",
    ),
    "scale": Msg(
        "实际完成情况「{actual}」在等级量表「{target}」中，属「{tier}」档（得分区间{band}）",
        "The actual '{actual}' is grade '{actual}' of the scale {target}: tier '{tier}' "
        "(band {band})",
    ),
}

#: What became of the claimed score within the tier.
_TIER_TAIL: dict[str, Msg] = {
    "claimed": Msg(
        "，保留自评得分作为评价人的判断，得{score}分（满分{weight}分）",
        ", kept as the evaluator's judgment: {score} of {weight}",
    ),
    "no_claim": Msg(
        "，未填自评得分，按该档默认分值得{score}分（满分{weight}分）",
        "; no score claimed, the tier's default point gives {score} of {weight}",
    ),
    "kept": Msg(
        "，自评{claimed}分在区间内，保留为评价人的判断，得{score}分（满分{weight}分）",
        "; the claimed {claimed} lies in the band and is kept as the evaluator's judgment: "
        "{score} of {weight}",
    ),
    "default": Msg(
        "，自评{claimed}分不在区间内，按该档默认分值得{score}分（满分{weight}分）",
        "; the claimed {claimed} lies outside the band, the tier's default point gives "
        "{score} of {weight}",
    ),
}


def budget_explanation(b: BudgetResult, lang: str) -> str:
    """The sentence saying how the budget line was scored, in *lang*."""
    if b.rate is None or b.score is None:
        first = next((f for f in b.findings if f.severity in ("error", "warning")), None)
        if first is None:
            return _BUDGET_UNSCORED.text(lang)
        return _BUDGET_UNSCORED_BECAUSE.text(lang, why=first.message(lang))
    return _BUDGET_SCORED.text(
        lang,
        executed=_plain(b.executed),
        annual=_plain(b.annual),
        rate=b.rate,
        rule=b.rule.title(lang) if b.rule else "",
        score=b.score,
        weight=_plain(b.weight),
    )


_BUDGET_UNSCORED = Msg("预算执行未评分", "budget not scored")
_BUDGET_UNSCORED_BECAUSE = Msg("预算执行未评分：{why}", "budget not scored: {why}")
_BUDGET_SCORED = Msg(
    "全年执行数{executed}，全年预算数{annual}，执行率{rate:f}%，按规则「{rule}」得{score:f}分（满分{weight}分）",
    "Executed {executed} of an annual budget of {annual}: rate {rate:f}%, rule '{rule}' gives "
    "{score:f} of {weight}",
)


def budget_steps(b: BudgetResult) -> tuple[Step, ...]:
    """The arithmetic behind the budget score."""
    if b.rule is None or b.ctx is None or b.raw is None:
        return ()
    values = []
    for name, fn in b.rule.score_refs:
        try:
            values.append((name, value_text(fn(b.ctx))))
        except EvalError:
            continue
    return (
        Step(
            "score",
            b.rule.score_text,
            tuple(values),
            value_text(b.raw),
            _fmt(b.score),
        ),
    )
