"""Tier tables: bands cover 0–100% without gap or overlap, a claim on an edge is in one tier."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.errors import PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy.compiler import check_bands
from jixiao.policy.model import Policy, TierTableRT
from jixiao.targets.ast import Deadline, Outcome, Qualitative
from jixiao.targets.lexicon import outcome_status
from jixiao.testing import strategies as js
from jixiao.testing.cases import Case
from jixiao.testing.runner import (
    Problem,
    SearchConfig,
    rows_example,
    run_case,
    search,
    shown,
)

__all__ = ["LATE_MARKERS", "p_tier_bands", "p_tier_words"]


def _tier_label(table: TierTableRT) -> str:
    loc = table.tiers[0].loc if table.tiers else None
    where = f"{loc.source}:{loc.line}" if loc is not None and loc.line else "?"
    return f'tiers "{table.name}" ({where})'  # as written in the policy file


def _tier_dict(table: TierTableRT) -> dict[str, Any]:
    return {
        "name": table.name,
        "tiers": [
            {
                "name": t.name,
                "band": t.band.render(percent=True),
                "default": f"{(t.default * 100).normalize():f}%" if t.default is not None else None,
            }
            for t in table.tiers
        ],
    }


def _static_tier_problems(table: TierTableRT) -> list[Msg]:
    problems: list[PolicyProblem] = []
    loc = table.tiers[0].loc if table.tiers else None
    if loc is None:
        return [Msg("档次表为空", "the tier table is empty")]
    check_bands(
        [t.band for t in table.tiers],
        problems,
        loc,
        Msg(f"档次表「{table.name}」", f"tier table {table.name!r}"),
        cover=(Decimal(0), Decimal(1)),
        percent=True,  # as the loader says it
    )
    out = [Msg(p.message, p.message_text("en")) for p in problems]
    for t in table.tiers:
        if t.default is not None and not t.band.contains(t.default):
            band, point = t.band.render(percent=True), f"{t.default * 100:f}%"
            out.append(
                Msg(
                    f"档次「{t.name}」的默认分值 {point} 不在其区间 {band} 内",
                    f"the default {point} of the tier {t.name!r} is outside its band {band}",
                )
            )
    return out


def _clip(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), weight)


def p_tier_bands(policy: Policy, cfg: SearchConfig) -> Problem | None:
    tables = [policy.tiers[k] for k in sorted(policy.tiers)]
    static: tuple[TierTableRT, list[Msg]] | None = None
    for table in tables:
        messages = _static_tier_problems(table)
        if messages:
            static = (table, messages)
            break
    if not tables:
        return None
    quantum = Decimal(1).scaleb(-policy.places)
    goal = Qualitative(js.QUALITATIVE_GOALS[0], declared=True)

    def edges(table: TierTableRT) -> list[Decimal]:
        out = {Decimal(0), Decimal(1)}
        for t in table.tiers:
            if t.band.low is not None:
                out.add(t.band.low)
            if t.band.high is not None:
                out.add(t.band.high)
        return sorted(out)

    def build(name: str) -> SearchStrategy[tuple[str, Case]]:
        table = policy.tiers[name]

        def case_of(args: tuple[Decimal, Decimal, int]) -> tuple[str, Case]:
            weight, edge, step = args
            claimed = _clip(policy.quantize(weight * edge) + step * quantum, weight)
            return name, Case(goal, Qualitative("见附件说明"), weight, claimed)

        return st.tuples(
            js.weights(), st.sampled_from(edges(table)), st.sampled_from((0, -1, 1))
        ).map(case_of)

    def check(value: tuple[str, Case]) -> Problem | None:
        name, case = value
        table = policy.tiers[name]
        assert case.claimed is not None
        claimed, weight = case.claimed, case.weight
        holders = [
            t.name for t in table.tiers if t.band.scaled(weight, policy.quantize).contains(claimed)
        ]
        row = run_case(policy, case)
        routed = row.rule_tiers == table.name and row.basis in ("claimed", "unscored", "")
        problem_zh = problem_en = ""
        kind = str(min(len(holders), 2))
        if len(holders) == 0:
            problem_zh = f"自评{shown(claimed)}分（满分{shown(weight)}分）不属于档次表「{table.name}」的任何一档"
            problem_en = (
                f"a claimed {shown(claimed)} of {shown(weight)} is in no tier of {table.name!r}"
            )
        elif len(holders) > 1:
            problem_zh = f"自评{shown(claimed)}分（满分{shown(weight)}分）同时属于" + "、".join(
                f"「{h}」" for h in holders
            )
            problem_en = (
                f"a claimed {shown(claimed)} of {shown(weight)} is in tiers {', '.join(holders)}"
            )
        elif routed and row.score is not None and row.tier != holders[0]:
            problem_zh = (
                f"自评{shown(claimed)}分应属「{holders[0]}」档，评分却认定为「{row.tier}」档"
            )
            problem_en = f"a claimed {shown(claimed)} belongs to {holders[0]!r} but was scored as {row.tier!r}"
        if not problem_zh:
            return None
        ex, out = rows_example([case], [row])
        ex = {"tier_table": _tier_dict(table), **ex}
        return Problem(problem_zh, problem_en, ex, out, _tier_label(table), kind)

    strategy = st.sampled_from([t.name for t in tables]).flatmap(build)
    seeds = [
        (
            t.name,
            Case(
                goal, Qualitative("见附件说明"), w, _clip(policy.quantize(w * e) + k * quantum, w)
            ),
        )
        for t in tables
        for w in (Decimal(10), Decimal(7))
        for e in edges(t)
        for k in (0, -1, 1)
    ]
    found = search(strategy, check, cfg, seeds)
    if static is not None:
        table, static_messages = static
        zh = "；".join(m.zh for m in static_messages)
        en = "; ".join(m.en for m in static_messages)
        if found is not None:
            return attrs.evolve(
                found, zh=zh + "。例如：" + found.zh, en=en + ". For example: " + found.en
            )
        return Problem(zh, en, {"tier_table": _tier_dict(table)}, {}, _tier_label(table))
    return found


#: Words around a completion verb that say it came late (逾期完成, 延期完成): the parser has no
#: status for them, but a late completion is never the top tier (§7 T: 年内逾期完成 is 部分达成).
LATE_MARKERS = ("逾期", "延期", "推迟", "延迟", "滞后", "超期")
_NOT_TOP = {
    "not_done": ("未完成", "not done"),
    "partial": ("部分完成", "partly done"),
    "in_progress": ("进行中", "in progress"),
    "late": ("逾期完成", "done late"),
}


def _word_status(word: str) -> str | None:
    status = outcome_status(word)
    if status is None and any(m in word for m in LATE_MARKERS):
        return "late"
    return status


def _tier_where(tier: Any) -> str:
    loc = tier.loc
    return f"{loc.source}:{loc.line}" if loc is not None and loc.line else "?"


#: How a status routed to a tier (not a word of the table) is named, in Chinese and English.
_SAID = {
    "not_done": ("完成状态 not_done", "the status not_done"),
    "partial": ("完成状态 partial", "the status partial"),
    "in_progress": ("完成状态 in_progress", "the status in_progress"),
    "late": ("角色 late", "the role late"),
}


def p_tier_words(policy: Policy, cfg: SearchConfig) -> Problem | None:
    """No word the parser reads as not done, partial or in progress (``未按期完成``, ``基本完成``,
    ``建设中``), nor a late completion (``逾期完成``, the ``late`` role), is in the top tier of a
    tier table, nor does any of those statuses route there. Every word of every table is
    checked, and the row it makes is scored to show what the policy gives."""
    del cfg  # the words are finite: every one is checked
    goal = Qualitative(js.QUALITATIVE_GOALS[0], declared=True)
    weight = Decimal(10)
    for name in sorted(policy.tiers):
        table = policy.tiers[name]
        top = table.top
        bad: list[tuple[str, str, Case]] = []
        for word in sorted(table.words, key=lambda w: (len(w), w)):
            status = _word_status(word)
            if table.words[word] == top.name and status in _NOT_TOP:
                bad.append((status, word, Case(goal, Outcome(word, "done"), weight)))
        for status in ("not_done", "partial", "in_progress"):
            if table.status.get(status) == top.name:
                word = next((w for w, s in js.OUTCOME_WORDS if s == status), status)
                case = Case(goal, Outcome(word, status), weight)  # type: ignore[arg-type]
                bad.append((status, "", case))
        if table.roles.get("late") == top.name:
            late = Case(
                Deadline(month=6, end_of_month=True, relation="by"),
                Deadline(month=8, written_day=15, relation="at"),
                weight,
            )
            bad.append(("late", "", late))
        for status, what, case in bad:
            row = run_case(policy, case)
            if row.tier is not None and row.tier != top.name and what:
                continue  # the word is in the table but another rule scores it first
            zh_status, en_status = _NOT_TOP[status]
            said = (f"「{what}」", repr(what)) if what else _SAID[status]
            zh = (
                f"{said[0]}读作“{zh_status}”，却属于档次表「{table.name}」的最高档「{top.name}」"
                f"（得{shown(row.score)}分，满分{shown(case.weight)}分）"
            )
            en = (
                f"{said[1]} reads as {en_status} but is in the top tier {top.name!r} of "
                f"{table.name!r} (scores {shown(row.score)} of {shown(case.weight)})"
            )
            ex, out = rows_example([case], [row])
            ex = {"tier_table": _tier_dict(table), **ex}
            rule = f'tiers "{table.name}": {top.name} ({_tier_where(top)})'
            return Problem(zh, en, ex, out, rule, status)
    return None
