"""Whole-form properties: row order does not matter, the total is the sum of its lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from jixiao.evaluate import score_form
from jixiao.policy.model import Policy
from jixiao.testing import seeds as grid
from jixiao.testing import strategies as js
from jixiao.testing.cases import FormCase
from jixiao.testing.inputs import label_seeds, policy_claims, row_labels
from jixiao.testing.runner import (
    Problem,
    RowOutcome,
    SearchConfig,
    plain,
    search,
    shown,
)
from jixiao.testing.shrinking import fewer_rows, fewer_rows_ordered

__all__ = ["form_summary", "p_row_order", "p_row_within_weight", "p_total_bounds"]


def form_summary(policy: Policy, form: FormCase) -> tuple[dict[str, Any], Any]:
    res = score_form(form.to_form(), policy)
    rows = [
        RowOutcome(
            r.score,
            r.met,
            r.rule.label if r.rule else None,
            r.tier,
            tuple(sorted(f.code for f in r.findings)),
        )
        for r in res.indicators
    ]
    b = res.budget
    out = {
        "total": plain(res.total),
        "grade": res.grade,
        "budget": RowOutcome(
            b.score, None, b.rule.label if b.rule else None, rate=b.rate
        ).to_dict(),
        "results": [r.to_dict() for r in rows],
        "form_findings": sorted(f.code for f in res.form_findings),
    }
    return out, res


def p_row_order(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(value: tuple[FormCase, tuple[int, ...]]) -> Problem | None:
        form, order = value
        try:
            first, res = form_summary(policy, form)
            _, res2 = form_summary(policy, form)
            permuted = form.permuted(order)
            other, _ = form_summary(policy, permuted)
        except Exception as err:
            zh = f"评分时抛出异常：{type(err).__name__}: {err}"
            en = f"scoring raised {type(err).__name__}: {err}"
            return Problem(zh, en, {"form": form.to_dict()}, {}, None, "crash")
        if res.to_dict() != res2.to_dict():
            zh, en = "同一张表评了两次，结果不同", "the same form scored twice gives two results"
            return Problem(zh, en, {"form": form.to_dict()}, first, None, "nondeterministic")
        moved = [other["results"][order.index(i)] for i in range(len(order))]
        same_rows = moved == first["results"]
        same = (
            same_rows
            and other["total"] == first["total"]
            and other["grade"] == first["grade"]
            and other["form_findings"] == first["form_findings"]
        )
        if same:
            return None
        zh = f"调换行序后总分由{first['total']}变为{other['total']}"
        en = f"reordering the rows changes the total from {first['total']} to {other['total']}"
        if not same_rows:
            i = next(i for i in range(len(order)) if moved[i] != first["results"][i])
            zh = f"调换行序后第{i + 1}行得分由{first['results'][i]['score']}变为{moved[i]['score']}"
            en = (
                f"reordering the rows changes row {i + 1}'s score from "
                f"{first['results'][i]['score']} to {moved[i]['score']}"
            )
        ex = {"form": form.to_dict(), "permuted": permuted.to_dict(), "order": list(order)}
        return Problem(zh, en, ex, {**first, "permuted": other}, None, "order")

    strategy = js.form_cases(policy=policy, claimed=True).flatmap(
        lambda f: st.tuples(st.just(f), st.permutations(range(len(f.rows))).map(tuple))
    )
    seeds = [(f, tuple(reversed(range(len(f.rows))))) for f in grid.form_seeds(policy)]
    return search(strategy, check, cfg, seeds, fewer_rows_ordered)


def p_total_bounds(policy: Policy, cfg: SearchConfig) -> Problem | None:
    def check(form: FormCase) -> Problem | None:
        try:
            summary, res = form_summary(policy, form)
        except Exception as err:
            zh = f"评分时抛出异常：{type(err).__name__}: {err}"
            en = f"scoring raised {type(err).__name__}: {err}"
            return Problem(zh, en, {"form": form.to_dict()}, {}, None, "crash")
        lines = res.budget.counted + sum((r.counted for r in res.indicators), Decimal(0))
        rule = None
        kind = "above"
        if res.total > 100:
            zh = f"总分{shown(res.total)}超过100"
            en = f"the total {shown(res.total)} exceeds 100"
            worst = max(
                res.indicators,
                key=lambda r: r.counted - (r.weight or Decimal(0)),
                default=None,
            )
            if worst is not None and worst.rule is not None:
                rule = worst.rule.label
        elif res.total < 0:
            kind = "negative"
            zh, en = f"总分{shown(res.total)}为负", f"the total {shown(res.total)} is negative"
        elif res.total != policy.quantize(lines, "total"):
            # the sum as the policy rounds totals (``rounding total 1 half_up``)
            kind = "sum"
            zh = f"总分{shown(res.total)}不等于各行得分之和{shown(lines)}"
            en = f"the total {shown(res.total)} is not the sum of its lines {shown(lines)}"
        else:
            return None
        return Problem(zh, en, {"form": form.to_dict()}, summary, rule, kind)

    strategy = js.form_cases(policy=policy, claimed=True)
    return search(strategy, check, cfg, grid.form_seeds(policy), fewer_rows)


def p_row_within_weight(policy: Policy, cfg: SearchConfig) -> Problem | None:
    """Inside a whole form, every indicator row scores within [0, its own weight], whatever its
    section, level2 and name, and no section's subtotal exceeds the weights of its rows. Rules
    keyed on level1, level2 or name, and section rules that redistribute points, are reached
    only here: the forms draw their sections, level2 and names from the policy's own words."""

    def check(form: FormCase) -> Problem | None:
        try:
            summary, res = form_summary(policy, form)
        except Exception as err:
            zh = f"评分时抛出异常：{type(err).__name__}: {err}"
            en = f"scoring raised {type(err).__name__}: {err}"
            return Problem(zh, en, {"form": form.to_dict()}, {}, None, "crash")
        for i, r in enumerate(res.indicators):
            weight = r.weight or Decimal(0)
            if Decimal(0) <= r.counted <= weight:
                continue
            case = form.rows[i]
            where = f"{case.level1}·{case.level2 + '·' if case.level2 else ''}{case.name}"
            kind = "above" if r.counted > weight else "negative"
            zh = f"第{i + 1}行（{where}）得{shown(r.counted)}分，不在 0 与本行分值{shown(weight)}分之间"
            en = (
                f"row {i + 1} ({where}) counts {shown(r.counted)}, outside [0, its weight "
                f"{shown(weight)}]"
            )
            rule = r.rule.label if r.rule is not None else None
            return Problem(zh, en, {"form": form.to_dict()}, summary, rule, kind)
        weights: dict[str, Decimal] = {}
        for case in form.rows:
            weights[case.level1] = weights.get(case.level1, Decimal(0)) + case.weight
        for s in res.sections:
            limit = weights.get(s.name)
            if limit is None or s.score <= limit:
                continue
            zh = f"一级指标「{s.name}」小计{shown(s.score)}分，超过其各行分值之和{shown(limit)}分"
            en = f"the section {s.name!r} adds up to {shown(s.score)}, above its rows' weights {shown(limit)}"
            return Problem(zh, en, {"form": form.to_dict()}, summary, None, "section")
        return None

    strategy = js.form_cases(
        policy=policy, claimed=True, labels=row_labels(policy), claim=policy_claims(policy)
    )
    seeds = grid.form_seeds(policy, labels=label_seeds(policy))
    return search(strategy, check, cfg, seeds, fewer_rows)
