"""Checks on what a row claims: the weight and claimed score within bounds, and the 偏差原因
(reason) a deduction requires — missing, a placeholder, contradicting the score, or lacking a cause
or a measure."""

from __future__ import annotations

import re

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
    contradicts, required = _cues_of(policy)
    if contradicts is not None and contradicts[1].search(text) is not None:
        found.append(("REASON_CONTRADICTS", next(w for w in contradicts[0] if w in text)))
    if required:
        missing = [k for k, words in required if words is None or words.search(text) is None]
        if missing:
            found.append(("REASON_INCOMPLETE", missing[0] if len(missing) == 1 else "both"))
    return found


_Cues = tuple[
    tuple[tuple[str, ...], re.Pattern[str]] | None, tuple[tuple[str, re.Pattern[str] | None], ...]
]
_CUES: dict[int, tuple[Policy, _Cues]] = {}


def _cues_of(policy: Policy) -> _Cues:
    """The policy's reason cues as patterns that find any of their words (one scan of the text
    for each list, rather than one for each word): the contradicting words (with the words, in
    the policy's order, to name the first one found), and the cause and measure lists in the
    policy's order (None for an empty list: nothing to find)."""
    got = _CUES.get(id(policy))
    if got is not None and got[0] is policy:
        return got[1]
    cues = policy.reason_cues

    def any_of(words: tuple[str, ...]) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, words))) if words else None

    words = tuple(cues.get("contradicts", ()))
    pattern = any_of(words)
    contradicts = None if pattern is None else (words, pattern)
    required = tuple((k, any_of(tuple(v))) for k, v in cues.items() if k in ("cause", "measure"))
    if len(_CUES) >= 8:
        _CUES.clear()
    _CUES[id(policy)] = (policy, (contradicts, required))
    return contradicts, required
