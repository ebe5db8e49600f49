"""Checks on what a row claims: the weight and claimed score within bounds, and the 偏差原因
(reason) a deduction requires — missing, a placeholder, contradicting the score, or lacking a cause
or a measure."""

from __future__ import annotations

from jixiao.evaluate.findings import Finding, finding
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.forms.model import Indicator
from jixiao.policy.model import Policy
from jixiao.policy.names import norm_word as _norm

__all__ = ["check_claim_bounds", "check_reason", "reason_problems"]


def check_claim_bounds(ind: Indicator, findings: list[Finding]) -> None:
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


def check_reason(
    policy: Policy | None, reason: str, cell: str, severity: str, findings: list[Finding]
) -> None:
    text = reason.strip()
    for code, detail in reason_problems(policy, text):
        if code == "REASON_MISSING":
            findings.append(finding("REASON_MISSING", cell, severity=severity))
        elif code == "REASON_PLACEHOLDER":
            findings.append(finding("REASON_PLACEHOLDER", cell, severity=severity, reason=text))
        elif code == "REASON_CONTRADICTS":
            findings.append(finding("REASON_CONTRADICTS", cell, word=detail))
        else:
            findings.append(finding("REASON_INCOMPLETE", cell, variant=detail))


def reason_problems(policy: Policy | None, text: str) -> list[tuple[str, str]]:
    """What the reason check finds in a (trimmed) reason *text*, without making findings: each
    problem's code and detail (the contradicting word; which of cause and measure is missing)."""
    if not text:
        return [("REASON_MISSING", "")]
    assert policy is not None
    if _norm(text) in policy.placeholders:
        return [("REASON_PLACEHOLDER", "")]
    found: list[tuple[str, str]] = []
    cues = policy.reason_cues
    contradicting = [w for w in cues.get("contradicts", ()) if w in text]
    if contradicting:
        found.append(("REASON_CONTRADICTS", contradicting[0]))
    required = {k: v for k, v in cues.items() if k in ("cause", "measure")}
    if required:
        missing = [k for k, words in required.items() if not any(w in text for w in words)]
        if missing:
            found.append(("REASON_INCOMPLETE", missing[0] if len(missing) == 1 else "both"))
    return found
