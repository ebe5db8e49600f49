"""Scoring one indicator row: the entry points (:func:`score_indicator`, its reference
:func:`score_indicator_uncached`, and :func:`score_mapping` for dict rows) and the shared outcomes.

Rows whose observable inputs are the same share one evaluation (a per-policy memo bounded by
bytes: :mod:`.memo`); the evaluation itself is :mod:`.rows` (reading the cells: :mod:`.reading`,
tier tables: :mod:`.tiers`), and only the reason check (:mod:`.checks`) is made per row. Never
raises for a bad row: every problem becomes a finding and the row is left unscored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.decimals import in_context
from jixiao.errors import FormError, UsageError
from jixiao.evaluate.checks import check_reason as _check_reason
from jixiao.evaluate.checks import reason_problems
from jixiao.evaluate.findings import (
    Finding,
)
from jixiao.evaluate.memo import MEMO_BYTES as MEMO_BYTES  # the memo's names, as before
from jixiao.evaluate.memo import MEMO_POLICIES as MEMO_POLICIES
from jixiao.evaluate.memo import MEMO_SIZE as MEMO_SIZE
from jixiao.evaluate.memo import Memo
from jixiao.evaluate.memo import memo_clear as memo_clear
from jixiao.evaluate.memo import memo_info as memo_info
from jixiao.evaluate.memo import memo_of as memo_of
from jixiao.evaluate.memo import set_memo_size as set_memo_size
from jixiao.evaluate.results import IndicatorResult
from jixiao.evaluate.results import make_result as _result
from jixiao.evaluate.rows import Scored, evaluate
from jixiao.evaluate.rows import is_verified as is_verified  # where it was
from jixiao.evaluate.rows import rule_finding as rule_finding
from jixiao.forms.cells import cached_number
from jixiao.forms.model import Indicator, to_decimal
from jixiao.forms.model import cell_text as _text
from jixiao.limits import CACHED_CHARS
from jixiao.policy.compiler import Ctx
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy


@in_context
def score_indicator(policy: Policy | str, ind: Indicator | Mapping[str, Any]) -> IndicatorResult:
    """Score one indicator row under *policy* (a :class:`Policy`, or a shipped policy's name or a
    policy file's path, as :func:`jixiao.load_policy` takes); never raises for bad cells (see
    findings).

    Rows whose observable inputs are the same (target and actual text, weight, claimed score, and
    the labels only when the policy's rules read them) share one evaluation: see :mod:`jixiao.evaluate.memo`.
    """
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
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
        scored = Scored(
            scored.outcome,
            [_restamp(f, ind) for f in findings],
            scored.reason,
            len(scored.pre),
        )
    return _assemble(
        scored, ind.name, ind.level1, ind.level2, ind.where, ind.reason, ind.cell("reason")
    )


@in_context
def score_indicator_uncached(
    policy: Policy | str,
    ind: Indicator | Mapping[str, Any],
    *,
    year: int | None = None,
    given: bool = False,
) -> IndicatorResult:
    """:func:`score_indicator` without the shared-outcome memo (the reference the memo must equal).
    *year*: the budget year of the row's form (*given*: given by the caller for rows on no form),
    for a deadline without a year (see :func:`jixiao.evaluate.rows.evaluate`)."""
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    if not isinstance(ind, Indicator):
        ind = Indicator.from_dict(ind)
    scored = evaluate(policy, ind, exact=True, year=year, given=given)
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


#: The budget years a deadline may be placed in: four digits.
BUDGET_YEARS = range(1000, 10000)


def budget_year(year: object) -> int | None:
    """*year* as a budget year (a whole number from 1000 to 9999, or None); else a usage error."""
    if year is None:
        return None
    if isinstance(year, int) and not isinstance(year, bool) and year in BUDGET_YEARS:
        return year
    raise UsageError(
        f"year 应为四位数的预算年度（如 2023），收到 {year!r}",
        en=f"year must be a four-digit budget year such as 2023, got {year!r}",
    )


def in_budget_year(
    policy: Policy, row: Any, result: IndicatorResult, year: int | None, given: bool = False
) -> IndicatorResult:
    """*result*, the result of *row* (an :class:`Indicator` or a dict row), or where it could not
    tell whether a dated actual met a deadline without a year (``DEADLINE_YEAR_UNKNOWN``) and the
    budget *year* is known (the form's; *given*: given by the caller), the row scored again with
    the deadline placed in that year (``DEADLINE_IN_BUDGET_YEAR``). Results, memo and plan stay as
    they are for every other row: only such rows are scored again, by the row evaluator. A year
    that is not four digits (a form's ``"year": 23``) places nothing: the row stays unverified."""
    if year not in BUDGET_YEARS:  # None too
        return result
    # such a row is unscored: a score means there is nothing to place (and a result the plan
    # made keeps its findings unmade: on mostly distinct rows, making them for every row cost
    # nearly two thirds of the time)
    if result.score is not None:
        return result
    if not any(f.code == "DEADLINE_YEAR_UNKNOWN" for f in result.findings):
        return result
    try:
        ind = row if isinstance(row, Indicator) else Indicator.from_dict(row, where=result.where)
        return score_indicator_uncached(policy, ind, year=year, given=given)
    except Exception:  # never lose the row: it keeps its unverified result and its warning
        return result


def _restamp(f: Finding, ind: Indicator) -> Finding:
    """A shared finding located at this row: ``""`` is the row, a field name one of its cells."""
    w = f.where
    new = ind.cell(w) if w else ind.where
    return f if new == w else Finding(f.code, f.severity, f.zh, f.en, new, f.rule)


def _assemble(
    scored: Scored,
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


def memo_miss(
    policy: Policy,
    target: str,
    actual: str,
    weight: Any,
    score: Any,
    name: str,
    level1: str,
    level2: str,
) -> Scored:
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
    return evaluate(policy, ind)


def _key_decimal(key: Any, where: str) -> Decimal | None:
    if key is None:
        return None
    if type(key) is tuple:
        return to_decimal(float(key[1]), where=where) if key[0] == "f" else Decimal(key[1])
    return cached_number(key, where, None)  # a str or int cell: a few hundred spellings repeat


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
    try:
        keyed = mapping_key(memo, row)
        scored = None
        if keyed is not None:
            scored = memo.get(keyed[0])
            if scored is None:
                scored = memo.add(keyed[0], memo_miss(policy, *keyed[0]))
    except FormError:  # a weight or score cell that is not a number: a finding on the row
        return score_indicator_uncached(policy, Indicator.from_dict(row, where=where))
    if keyed is None or scored is None:  # a row the hot path cannot take: the full path checks it
        return score_indicator(policy, Indicator.from_dict(row, where=where))
    return from_shared(policy, row, keyed, scored)


#: A dict row's memo key with the row's name, level1 and level2 (see :func:`mapping_key`).
Keyed = tuple[tuple[Any, ...], str, str, str]


def mapping_key(memo: Memo, row: Mapping[str, Any]) -> Keyed | None:
    """The memo key :func:`score_mapping` looks a dict row up by, with the row's name and levels;
    None for a row that takes the full path (a long or invalid text, a list where text belongs).
    Raises FormError for a weight or score cell that is not a number (the row's finding is made
    by the full path). The caller checks ``memo.reasons`` first: such a policy keeps no outcomes.
    """
    # The hot path of score_rows: the cell normalisation of Indicator.from_dict, inlined. A row
    # that needs more than that (a long or invalid text, a list where text belongs) takes the
    # full path, which checks it (and raises FormError, which score_rows turns into a finding).
    get = row.get
    cells = (get("name"), get("level1"), get("level2"), get("target"), get("actual"))
    for v in (*cells, get("reason")):
        if v is None or type(v) is int or type(v) is float:
            continue
        if (
            type(v) is not str
            or len(v) > CACHED_CHARS
            or (not v.isprintable() and _invalid_text(v))
        ):
            return None
    name, level1, level2, target, actual = cells
    name = name.strip() if type(name) is str else _text(name)
    level1 = level1.strip() if type(level1) is str else _text(level1)
    level2 = level2.strip() if type(level2) is str else _text(level2)
    weight = get("weight")
    score = get("score")
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
    return mkey, name, level1, level2


def score_missed(
    policy: Policy, memo: Memo, row: Mapping[str, Any], keyed: Keyed, where: str = ""
) -> IndicatorResult:
    """:func:`score_mapping` for a row whose key (from :func:`mapping_key`) the memo was just
    found not to hold: the row evaluator scores it and the memo keeps the outcome."""
    try:
        scored = memo.add(keyed[0], memo_miss(policy, *keyed[0]))
    except FormError:  # a weight or score cell that is not a number: a finding on the row
        return score_indicator_uncached(policy, Indicator.from_dict(row, where=where))
    return from_shared(policy, row, keyed, scored)


def from_shared(
    policy: Policy, row: Mapping[str, Any], keyed: Keyed, scored: Scored
) -> IndicatorResult:
    """A dict row's result from the shared outcome kept for its key (:func:`mapping_key`): the
    row's labels, and the reason check made on this row's own text."""
    _, name, level1, level2 = keyed
    if scored.reason is None and scored.exact:
        return _result(scored.outcome, name, level1, level2, "", scored.findings)
    if not scored.exact:
        return score_indicator_uncached(policy, row)
    reason = row.get("reason")
    reason = reason.strip() if type(reason) is str else _text(reason)
    return _assemble(scored, name, level1, level2, "", reason, "reason")


_score_mapping = score_mapping


def reason_class(policy: Policy, reason: Any) -> tuple[str, ...] | None:
    """What a dict row's result takes from its reason cell, when the policy's rules do not read
    the reason text (``memo.reasons`` is false): the codes the reason check gives for it (blank,
    a placeholder, contradicting, incomplete, or none). Two rows with the same outcome and the
    same class have the same score, flags, finding codes, severities and counts; only the
    findings' texts may differ (a placeholder is quoted). None for a cell the full path reads on
    its own (not text, too long to keep, or invalid): such a row is in a class of its own."""
    if reason is None:
        text = ""
    elif type(reason) is str and len(reason) <= CACHED_CHARS and not _invalid_text(reason):
        text = reason.strip()
    else:
        return None
    return tuple(code for code, _detail in reason_problems(policy, text))


def label_of(cell: Any) -> str | None:
    """A label cell (name, level1, level2) as :func:`mapping_key` reads it (trimmed; blank for
    None), or None for one it leaves to the full path: not text, too long, or invalid text."""
    if cell is None:
        return ""
    if type(cell) is not str or len(cell) > CACHED_CHARS or _invalid_text(cell):
        return None
    return cell.strip()


def _invalid_text(text: str) -> bool:
    return not text.isprintable() and any("\ud800" <= ch <= "\udfff" for ch in text)


def _long(*texts: str) -> bool:
    return any(len(t) > CACHED_CHARS for t in texts)


assemble = _assemble  # the columnar plan (jixiao.evaluate.plan) finishes flagged rows with it
