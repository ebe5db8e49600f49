"""What stands above a form's 绩效指标 table: the labels 项目名称 / 主管部门 / 实施单位 / 年度
(value to the right), the year in a title, the 年度总体目标 (预期目标 / 实际完成情况, value to
the right or below), and the 项目资金 table (全年预算数, 全年执行数, 执行率, 年度资金总额 and its
其中 rows)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from jixiao.catalog import joined, part
from jixiao.forms._grid import Grid
from jixiao.forms._labels import (
    BUDGET_COLUMNS,
    BUDGET_KEYS,
    BUDGET_TOTAL,
    GOAL_KEYS,
    INDICATOR_KEYS,
    KNOWN_LABELS,
    META_KEYS,
    YEAR_IN_TITLE,
    anchored_cells,
    is_budget_header,
    row_keys,
)
from jixiao.forms._text import norm_label
from jixiao.forms.cells import header_unit, odd_units
from jixiao.forms.model import Budget, BudgetRow, ReadNote

__all__ = ["Preamble", "read_budget", "read_preamble"]


def _value_right(grid: Grid, row: int, col: int) -> tuple[str, int] | None:
    cell = grid.cell(row, col)
    start = (cell.last[1] if cell else col) + 1
    for c in grid.columns(row, start):
        other = grid.cell(row, c)
        if other is None or (cell is not None and other.anchor == cell.anchor):
            continue
        text = grid.text(row, c)
        if not text:
            continue
        if norm_label(text) in KNOWN_LABELS:
            return None
        return text, c
    return None


def _value_below(grid: Grid, row: int, col: int, stop: int) -> str:
    cell = grid.cell(row, col)
    below = (cell.last[0] if cell else row) + 1
    for r in range(below, stop):
        other = grid.cell(r, col)
        if other is None or (cell is not None and other.anchor == cell.anchor):
            continue
        text = grid.text(r, col)
        if text:
            return "" if norm_label(text) in KNOWN_LABELS else text
    return ""


def _glued(text: str) -> tuple[str, str] | None:
    """``项目名称：法治培训服务`` → (label, value)."""
    match = re.match(r"\s*([^:：]{2,12})[:：]\s*(\S.*)$", text, re.S)
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


@attrs.define
class Preamble:
    meta: dict[str, str] = attrs.field(factory=dict)
    where: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    goals: dict[str, str] = attrs.field(factory=dict)
    total: tuple[int, int] | None = None
    year_text: str | None = None


def read_preamble(grid: Grid, start: int, stop: int) -> Preamble:
    out = Preamble()
    for row in range(start, stop):
        for col, text in anchored_cells(grid, row):
            label = norm_label(text)
            glued = None
            if label not in META_KEYS and label not in GOAL_KEYS and (g := _glued(text)):
                glued = g
                label = norm_label(g[0])
            if label in META_KEYS:
                key = META_KEYS[label]
                if key in out.meta or (key == "total" and out.total is not None):
                    continue
                if glued is not None:
                    out.meta[key] = glued[1]
                    out.where[key] = (row, col)
                    continue
                right = _value_right(grid, row, col)
                if key == "total":
                    if right is not None:
                        out.total = (row, right[1])
                    continue
                out.meta[key] = right[0] if right else ""
                out.where[key] = (row, right[1]) if right else (row, col)
            elif label in GOAL_KEYS:
                key = GOAL_KEYS[label]
                if key in out.goals:
                    continue
                if glued is not None:
                    out.goals[key] = glued[1]
                    continue
                right = _value_right(grid, row, col)
                out.goals[key] = right[0] if right else _value_below(grid, row, col, stop)
            elif out.year_text is None and len(text) <= 60 and (m := YEAR_IN_TITLE.search(text)):
                out.year_text = m.group(1)
    return out


# --------------------------------------------------------------------------------------------
# the 项目资金 table


def read_budget(grid: Grid, start: int, stop: int) -> Budget | None:
    header_row = None
    keys: dict[int, str] = {}
    for row in range(start, stop):
        keys = row_keys(grid, row, BUDGET_KEYS)
        if is_budget_header(keys.values()):
            header_row = row
            break
    if header_row is None:
        return None
    cols = {key: col for col, key in keys.items()}
    heads = {key: grid.text(header_row, col) for key, col in cols.items()}
    first_data = min(cols.values())
    missing = [
        (key, canon)
        for key, canon in (("annual", "全年预算数（A）"), ("executed", "全年执行数（B）"))
        if key not in cols
    ]
    if missing:
        # The budget cannot be read, but the indicators can: the form is still read and scored,
        # with an error on the header (the budget row is then unverified, never kept silently).
        found = joined(heads[k] for k in sorted(cols, key=cols.__getitem__))
        wanted = joined(
            (
                part(
                    "budget_column",
                    name=canon,
                    spellings=joined(BUDGET_COLUMNS[key][1:3], "or"),
                    key=key,
                )
                for key, canon in missing
            ),
            "and",
        )
        where = grid.loc(header_row, first_data)
        grid.notes.append(
            (
                (header_row, first_data),
                ReadNote.of(
                    "UNREADABLE_CELL", where, variant="budget_header", wanted=wanted, found=found
                ),
            )
        )
        return None

    total: Budget | None = None
    total_row = -1
    rows: list[BudgetRow] = []
    sheet_rows: list[int] = []
    amounts: list[tuple[tuple[int, str], str]] = []  # (sheet row, key), the amount as written
    for row in range(header_row + 1, stop):
        anchored = anchored_cells(grid, row)
        if not anchored and not any(grid.text(row, c) for c in cols.values()):
            continue
        label_col, label = _row_label(grid, row, first_data, header_row)
        is_total = total is None and norm_label(label) in BUDGET_TOTAL
        if not is_total and (
            any(norm_label(t) in KNOWN_LABELS for _, t in anchored)
            or len(set(row_keys(grid, row, INDICATOR_KEYS).values())) >= 3
        ):
            break  # the next block of the form (年度总体目标, 绩效指标 …)
        values: dict[str, Decimal | None] = {}
        bad: list[tuple[str, str]] = []
        for key, col in cols.items():
            if key == "reason" or not grid.owns(row, col):
                continue
            values[key], raw = grid.reading(row, col, header=heads[key], key=f"budget.{key}")
            if raw is not None:
                bad.append((key, raw))
            elif key in MONEY_KEYS:
                amounts.append(((row, key), grid.text(row, col)))
        if is_total:
            rate = values.get("rate")
            if rate is not None and not grid.explicit_percent(row, cols["rate"]):
                rate = _as_percent(rate, values.get("annual"), values.get("executed"))
            total = Budget(
                initial=values.get("initial"),
                annual=values.get("annual"),
                executed=values.get("executed"),
                weight=values.get("weight"),
                score=values.get("score"),
                rate=rate,
                reason=grid.text(row, cols["reason"]) if "reason" in cols else "",
                where=grid.row_loc(row, label_col),
                cells={key: grid.loc(row, col) for key, col in cols.items()},
                unreadable=tuple(bad),
            )
            total_row = row
        else:
            sheet_rows.append(row)
            rows.append(
                BudgetRow(
                    name=re.sub(r"^\s*其中\s*[:：]?\s*", "", label),
                    initial=values.get("initial"),
                    annual=values.get("annual"),
                    executed=values.get("executed"),
                    where=grid.row_loc(row, label_col),
                    unreadable=tuple(bad),
                    cells={key: grid.loc(row, col) for key, col in cols.items()},
                )
            )
    if total is None:
        total = Budget(
            where=grid.row_loc(header_row, first_data),
            cells={key: grid.loc(header_row, col) for key, col in cols.items()},
        )
    bare = next((u for k in MONEY_KEYS if k in heads and (u := header_unit(heads[k]))), None)
    odd = odd_units(amounts, bare)
    if odd:
        # 642530元 among amounts in 万元: read without its unit it is 10,000 times too large
        text = dict(amounts)
        total = _unread(total, [k for r, k in odd if r == total_row], text, total_row)
        rows = [
            _unread(b, [k for r, k in odd if r == at], text, at)
            for b, at in zip(rows, sheet_rows, strict=True)
        ]
    return attrs.evolve(total, rows=tuple(rows))


#: The amount columns of the 项目资金 table.
MONEY_KEYS = ("initial", "annual", "executed")
_B = TypeVar("_B", Budget, BudgetRow)


def _unread(item: _B, keys: list[str], text: dict[tuple[int, str], str], row: int) -> _B:
    """*item* with the amounts *keys* reported as written instead of read (:func:`odd_units`)."""
    if not keys:
        return item
    changes: dict[str, Any] = dict.fromkeys(keys)
    changes["unreadable"] = item.unreadable + tuple((k, text[(row, k)]) for k in keys)
    return attrs.evolve(item, **changes)


def _row_label(grid: Grid, row: int, first_data: int, header_row: int) -> tuple[int, str]:
    """The rightmost label left of the numbers that belongs to the budget table (a section
    label such as 项目资金（万元） merged down from the header row is not a row label)."""
    for col in range(first_data - 1, 0, -1):
        cell = grid.cell(row, col)
        if cell is None or cell.anchor[0] <= header_row:
            continue
        text = grid.text(row, col)
        if text:
            return cell.anchor[1], text
    return first_data, ""


def _as_percent(rate: Decimal, annual: Decimal | None, executed: Decimal | None) -> Decimal:
    """A bare rate is a percentage (97.06) or a fraction (0.9706): pick the reading that agrees
    with 全年执行数 / 全年预算数 when both are known."""
    if annual is None or executed is None or annual == 0:
        return rate
    expected = executed / annual * 100
    if abs(rate.scaleb(2) - expected) < abs(rate - expected):
        return rate.scaleb(2)
    return rate
