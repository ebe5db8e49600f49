"""Finding the forms in a grid of cells (an Excel worksheet or a CSV file).

Nothing here relies on fixed addresses. The finder looks for header *text*:

* the 绩效指标 table: a header row (or two stacked header rows) with at least three known
  column names (一级指标 … 偏差原因分析及改进措施, or 指标性质 / 指标值 / 度量单位 in the
  split-column layout). Every such table starts a form; the rows above it, back to the previous
  form, are that form's preamble;
* in the preamble: the labels 项目名称 / 主管部门 / 实施单位 / 年度 (value to the right), the year
  in a title such as ``（2023年度）``, the 项目资金 table (a header row with 全年预算数 and
  全年执行数, then 年度资金总额 and its 其中 rows) and the 年度总体目标 (预期目标 / 实际完成情况,
  value to the right or below);
* below the table: the 总分 / 合计 row.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from jixiao.errors import FormError
from jixiao.forms._grid import Grid
from jixiao.forms._labels import (
    BUDGET_KEYS,
    CANONICAL,
    GLUED_TOTAL,
    INDICATOR_COLUMNS,
    INDICATOR_KEYS,
    REQUIRED,
    STOP_LABELS,
    TEXT_FIELDS,
    TOTAL_ROW,
    anchored_cells,
    is_budget_header,
    row_keys,
)
from jixiao.forms._preamble import Preamble, read_budget, read_preamble
from jixiao.forms._text import norm_label, strip_level
from jixiao.forms.model import Form, Indicator, ReadNote, to_decimal
from jixiao.i18n import Msg

__all__ = ["find_forms"]


@attrs.frozen
class _Header:
    rows: tuple[int, ...]
    cols: dict[str, int]
    spans: dict[str, tuple[int, int]]
    headers: dict[str, str]

    @property
    def first(self) -> int:
        return self.rows[0]

    @property
    def last(self) -> int:
        return self.rows[-1]

    @property
    def first_col(self) -> int:
        return min(self.cols.values())

    @property
    def split(self) -> bool:
        return "value" in self.cols and ("nature" in self.cols or "unit" in self.cols)


# --------------------------------------------------------------------------------------------
# header rows


def _indicator_candidate(grid: Grid, row: int) -> dict[int, str]:
    keys = row_keys(grid, row, INDICATOR_KEYS)
    if len(set(keys.values())) < 3 or is_budget_header(row_keys(grid, row, BUDGET_KEYS).values()):
        return {}
    return keys


def _find_headers(grid: Grid) -> list[_Header]:
    candidates = {r: k for r in grid.row_numbers if (k := _indicator_candidate(grid, r))}
    headers: list[_Header] = []
    rows = sorted(candidates)
    i = 0
    while i < len(rows):
        block = [rows[i]]
        while i + 1 < len(rows) and rows[i + 1] == block[-1] + 1 and len(block) < 3:
            i += 1
            block.append(rows[i])
        i += 1
        cols: dict[str, int] = {}
        spans: dict[str, tuple[int, int]] = {}
        headers_text: dict[str, str] = {}
        taken: set[int] = set()
        for row in reversed(block):  # the lowest header row is the most specific
            for col, key in candidates[row].items():
                if key in cols or col in taken:
                    continue
                cell = grid.cell(row, col)
                assert cell is not None
                cols[key] = col
                spans[key] = (col, cell.last[1] if cell.anchor == (row, col) else col)
                headers_text[key] = str(cell.value).strip()
                taken.update(range(col, spans[key][1] + 1))
        headers.append(_Header(tuple(block), cols, spans, headers_text))
    return headers


def _check_header(grid: Grid, header: _Header) -> None:
    cols = header.cols
    missing = [
        key for key in REQUIRED if key not in cols and not (key == "target" and "value" in cols)
    ]
    if not missing:
        return
    found = "、".join(header.headers[k] for k in sorted(cols, key=cols.__getitem__))
    want = "；".join(
        f"「{CANONICAL[k]}」（可写作 {' / '.join(INDICATOR_COLUMNS[k][1:4])}）" for k in missing
    )
    names = ", ".join(missing)
    raise FormError(
        Msg(
            f"绩效指标表头缺少{want}；此行找到的列：{found}；应有 一级指标 | 二级指标 | 三级指标 | "
            f"年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
            f"the indicator header row lacks the column(s) {names}; found: "
            f"{', '.join(header.headers[k] for k in sorted(cols, key=cols.__getitem__))}; "
            f"expected a row such as level1,level2,name,target,actual,weight,score,reason",
        ),
        source=grid.file,
        where=grid.loc(header.last, header.first_col),
    )


# --------------------------------------------------------------------------------------------
# the 绩效指标 table


@attrs.define
class _Table:
    indicators: list[Indicator]
    end: int
    total: tuple[int, int] | None
    absorbed: set[int]
    total_text: tuple[str, tuple[int, int]] | None = None


def _is_stop_row(grid: Grid, row: int, value_cols: list[int]) -> bool:
    """A row that ends the indicator table: 评价结论 / 存在问题 / 项目负责人: … or the title of the
    next form."""
    anchored = anchored_cells(grid, row)
    if not anchored:
        return False
    first = norm_label(anchored[0][1])
    for label in STOP_LABELS:
        if first == label or first.startswith(label + ":"):
            return True
    has_values = any(grid.owns(row, c) and grid.text(row, c) for c in value_cols)
    return not has_values and ("自评表" in first or any(first.startswith(s) for s in STOP_LABELS))


def _table(grid: Grid, header: _Header, headers: list[_Header]) -> _Table:
    cols = header.cols
    starts = {h.first: h for h in headers}
    value_cols = [
        cols[k] for k in ("target", "nature", "value", "actual", "weight", "score") if k in cols
    ]
    first_value = min(
        (cols[k] for k in ("target", "nature", "value", "actual") if k in cols),
        default=grid.max_col + 1,
    )
    indicators: list[Indicator] = []
    orphans: list[str] = []  # rows with a weight or score but nothing to score
    absorbed: set[int] = set()
    level1 = level2 = ""
    total: tuple[int, int] | None = None
    total_text: tuple[str, tuple[int, int]] | None = None
    end = header.last
    row = header.last + 1
    while row <= grid.max_row:
        other = starts.get(row)
        if other is not None:
            if set(other.cols.items()) <= set(cols.items()):  # the header repeated on a new page
                absorbed.add(row)
                row = other.last + 1
                continue
            break
        anchored = anchored_cells(grid, row)
        if not anchored and not any(grid.text(row, c) for c in cols.values()):
            row += 1
            continue
        glued = [(c, m) for c, t in anchored if c < first_value and (m := GLUED_TOTAL.match(t))]
        if glued:  # 总分：95.71 in one cell
            total_text = (glued[0][1].group(1), (row, glued[0][0]))
            end = row
            break
        if any(c < first_value and norm_label(t) in TOTAL_ROW for c, t in anchored):
            col = cols.get("score")
            if col is None:
                numbers = [c for c, _ in anchored if grid.is_number(row, c)]
                col = numbers[-1] if numbers else None
            if col is not None:
                total = (row, col)
            end = row
            break
        if _is_stop_row(grid, row, value_cols) or is_budget_header(
            row_keys(grid, row, BUDGET_KEYS).values()
        ):
            break
        end = row

        def text(key: str, row: int = row) -> str:
            return grid.text(row, cols[key]) if key in cols else ""

        def own(key: str, row: int = row) -> bool:
            return key in cols and grid.owns(row, cols[key]) and bool(text(key))

        new1, new2 = strip_level(text("level1")), strip_level(text("level2"))
        if "小计" in new1 + new2 + text("name"):  # a subtotal row, not an indicator
            row += 1
            continue
        if new1 and new1 != level1:
            level1, level2 = new1, new2
        elif new1 or new2:
            level2 = new2 or level2
        if not any(own(k) for k in TEXT_FIELDS):
            if any(own(k) for k in ("weight", "score")):
                # not an indicator (nothing to score), but not nothing either: an error on the
                # row, and the rest of the form is still read
                orphans.append(grid.row_loc(row, header.first_col))
                grid.notes.append(
                    (
                        (row, header.first_col),
                        ReadNote.of(
                            "UNREADABLE_CELL",
                            grid.row_loc(row, header.first_col),
                            variant="orphan_row",
                        ),
                    )
                )
            row += 1
            continue
        indicators.append(_indicator(grid, header, row, level1, level2))
        row += 1
    if not indicators and orphans:
        raise FormError(
            Msg(
                "此行有分值或得分，但没有三级指标、年度指标值或实际完成值，表中也没有其他指标行",
                "this row has a weight or score but no indicator name, target or actual, and "
                "the table has no other indicator row",
            ),
            source=grid.file,
            where=orphans[0],
        )
    if not indicators:
        raise FormError(
            Msg(
                "绩效指标表没有任何指标行",
                "the indicator table has no indicator rows below its header",
            ),
            source=grid.file,
            where=grid.loc(header.last, header.first_col),
        )
    return _Table(indicators, end, total, absorbed, total_text)


def _indicator(grid: Grid, header: _Header, row: int, level1: str, level2: str) -> Indicator:
    cols = header.cols

    def text(key: str) -> str:
        return grid.text(row, cols[key]) if key in cols else ""

    bad: list[tuple[str, str]] = []

    def number(key: str) -> Decimal | None:
        if key not in cols or not grid.owns(row, cols[key]):
            return None  # a weight merged over several rows belongs to the first of them
        value, raw = grid.reading(row, cols[key], header=header.headers[key], key=key)
        if raw is not None:
            bad.append((key, raw))
        return value

    target_key = "value" if header.split else ("target" if "target" in cols else "value")
    if header.split:
        target = " ".join(t for t in (text("nature"), text("value"), text("unit")) if t)
        target_col = cols["value"]
    else:
        key = "target" if "target" in cols else "value"
        first, last = header.spans[key]
        parts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for col in range(first, last + 1):
            anchor = grid.anchor(row, col)
            if anchor not in seen:
                seen.add(anchor)
                piece = grid.text(row, col)
                if piece:
                    parts.append(piece)
        target = " ".join(parts)
        target_col = first
    cells: dict[str, str] = {
        key: grid.loc(*grid.anchor(row, cols[key]))
        for key in ("level1", "level2", "name", "actual", "weight", "score", "reason", "nature")
        if key in cols
    }
    cells["target"] = grid.loc(*grid.anchor(row, target_col))
    if "unit" in cols:
        cells["unit"] = grid.loc(*grid.anchor(row, cols["unit"]))
    for key in ("name", "actual", "reason"):
        if key in cols and grid.owns(row, cols[key]):
            formula = grid.formula_at(*grid.anchor(row, cols[key]))
            if formula is not None:
                bad.append((key, formula))
    first_t, last_t = header.spans.get(target_key, (cols[target_key], cols[target_key]))
    for col in range(first_t, last_t + 1):
        formula = grid.formula_at(*grid.anchor(row, col)) if grid.owns(row, col) else None
        if formula is not None:
            bad.append(("target", formula))
            break
    weight = number("weight")
    score = number("score")
    # The row is located at its own 三级指标 cell (a merged 一级/二级指标 cell belongs to many
    # rows); in CSV, where a row is a line, at the line.
    own = cols.get("name")
    if own is None or not grid.owns(row, own):
        own = next(
            (
                cols[k]
                for k in ("name", "target", "value", "actual")
                if k in cols and grid.owns(row, cols[k])
            ),
            header.first_col,
        )
    return Indicator(
        name=text("name"),
        target=target,
        actual=text("actual"),
        weight=weight,
        score=score,
        reason=text("reason"),
        level1=level1,
        level2=level2,
        where=grid.row_loc(row, own),
        cells=cells,
        unreadable=tuple(bad),
    )


# --------------------------------------------------------------------------------------------
# forms


def find_forms(grid: Grid) -> list[Form]:
    """Every form in the grid, top to bottom; an empty list when there is no indicator table.

    Raises FormError (file, cell, what was expected) for a table with missing columns, a cell
    that should be a number and is not, a formula without a saved result.
    """
    headers = _find_headers(grid)
    forms: list[Form] = []
    previous_end = 0
    absorbed: set[int] = set()
    for header in headers:
        if header.first in absorbed or header.first <= previous_end:
            continue
        _check_header(grid, header)
        table = _table(grid, header, headers)
        absorbed |= table.absorbed
        pre = read_preamble(grid, previous_end + 1, header.first)
        budget = read_budget(grid, previous_end + 1, header.first)
        total_cell = table.total or pre.total
        total = None
        total_where = "total"
        raw_total: str | None = None
        if total_cell is not None:
            total, raw_total = grid.reading(*total_cell, header="总分", key="total")
            total_where = grid.loc(*total_cell)
        elif table.total_text is not None:
            total_where = grid.loc(*table.total_text[1])
            total, raw_total = _total_of(table.total_text[0], total_where, grid.file)
        elif "total" in pre.meta:  # 总分：95.71 in one cell
            total_where = grid.loc(*pre.where["total"])
            total, raw_total = _total_of(pre.meta["total"], total_where, grid.file)
        unreadable = [("total", raw_total)] if raw_total is not None else []
        try:
            year = _year(grid, pre)
        except FormError:
            year = None
            unreadable.append(("year", pre.meta.get("year") or pre.year_text or ""))
        forms.append(
            Form(
                indicators=tuple(table.indicators),
                project=pre.meta.get("project", ""),
                year=year,
                department=pre.meta.get("department", ""),
                implementer=pre.meta.get("implementer", ""),
                budget=budget,
                goals=dict(pre.goals),
                total=total,
                source=grid.file,
                total_where=total_where,
                notes=tuple(n for (r, _c), n in grid.notes if previous_end < r <= table.end),
                unreadable=tuple(unreadable),
            )
        )
        previous_end = table.end
    return forms


def _total_of(text: str, where: str, source: str | None) -> tuple[Decimal | None, str | None]:
    try:
        return to_decimal(text, where=where, source=source), None
    except FormError:
        return None, text


def _year(grid: Grid, pre: Preamble) -> int | None:
    text = pre.meta.get("year") or pre.year_text
    if not text:
        return None
    match = re.search(r"(?:19|20)\d{2}", text)
    if match is None:
        raise FormError(
            Msg(
                f"年度应为四位数年份，实际为「{text}」",
                f"year: expected a year such as 2023, got {text!r}",
            ),
            source=grid.file,
            where=grid.loc(*pre.where["year"]) if "year" in pre.where else "year",
        )
    return int(match.group(0))
